"""The perplexity chart of bench/quality.py: one panel per model, one
horizontal bar per table row on a logarithmic axis, written as plain SVG
(no plotting package needed)."""
import math

import numpy as np

BAR, GAP, LABEL_WIDTH, PLOT_WIDTH, VALUE_WIDTH = 16, 4, 330, 420, 90
COLORS = {"-": "#4d4d4d", "RTN": "#d95f02", "QuaRot-style": "#7570b3", "ResQ": "#1b9e77"}
PEER_COLOR = "#a6a6a6"


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _label(row):
    if row.system == "resq":
        if row.bits == "FP32":
            return "resq FP32"
        return f"resq {row.bits} {row.scheme} ({row.weights} weights)"
    return f"ONNX Runtime {row.bits} {row.scheme}" if row.scheme != "-" else "ONNX Runtime FP32"


def write_svg(path, panels):
    """panels: [(title, rows)], rows with .system .bits .scheme .weights .ppls."""
    values = [float(np.mean(r.ppls)) for _, rows in panels for r in rows]
    low = 10 ** math.floor(math.log10(min(values)))
    high = 10 ** math.ceil(math.log10(max(values)))

    def x_of(value):
        return LABEL_WIDTH + PLOT_WIDTH * math.log10(value / low) / math.log10(high / low)

    parts, y = [], 10
    for title, rows in panels:
        parts.append(f'<text x="10" y="{y + 14}" font-weight="bold">{_escape(title)}: '
                     f'perplexity (log scale, lower is better)</text>')
        y += 26
        top = y
        bottom = y + len(rows) * (BAR + GAP)
        decade = low
        while decade <= high:  # the grid first, so that bars cover it
            x = x_of(decade)
            parts.append(f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{bottom}" '
                         f'stroke="#cccccc"/>')
            parts.append(f'<text x="{x:.1f}" y="{bottom + 12}" text-anchor="middle" '
                         f'fill="#666666">{decade:g}</text>')
            decade *= 10
        for row in rows:
            value = float(np.mean(row.ppls))
            color = COLORS.get(row.scheme, "#4d4d4d") if row.system == "resq" else PEER_COLOR
            parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 4}" '
                         f'text-anchor="end">{_escape(_label(row))}</text>')
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{x_of(value) - LABEL_WIDTH:.1f}"'
                         f' height="{BAR}" fill="{color}"/>')
            parts.append(f'<text x="{x_of(value) + 4:.1f}" y="{y + BAR - 4}">{value:.1f}</text>')
            y += BAR + GAP
        y += 30
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    with open(path, "w") as f:
        f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" '
                f'font-family="sans-serif" font-size="11">\n'
                f'<rect width="{width}" height="{y}" fill="white"/>\n'
                + "\n".join(parts) + "\n</svg>\n")


KV_COLORS = {"Eigen Attention": "#e7298a", "Eigen Attention, budgeted ranks": "#7570b3",
             "ResQ KV4": "#1b9e77", "ResQ KV4 + low rank": "#66a61e",
             "ResQ KV4, budgeted ranks": "#d95f02"}
KV_WIDTH, KV_HEIGHT, KV_MARGIN = 560, 260, 60


def write_kv_svg(path, panels):
    """panels: [(title, kv_rows, resq_bits)], kv_rows of (config, ppls, kls)
    with config.family and config.kv_bits: perplexity (log) against KV-cache
    bits per token as a percentage of ResQ KV4's, one point per row."""
    parts, y = [], 10
    for title, rows, resq_bits in panels:
        parts.append(f'<text x="10" y="{y + 14}" font-weight="bold">{_escape(title)}: '
                     f'perplexity (log) against KV-cache bits per token</text>')
        top = y + 30
        xs = [100 * c.kv_bits / resq_bits for c, _, _ in rows]
        ys = [float(np.mean(p)) for _, p, _ in rows]
        x_high = max(xs) * 1.1
        y_low, y_high = math.log10(min(ys)) - 0.05, math.log10(max(ys)) + 0.05

        def px(value):
            return KV_MARGIN + KV_WIDTH * value / x_high

        def py(value):
            return top + KV_HEIGHT * (1 - (math.log10(value) - y_low) / (y_high - y_low))

        parts.append(f'<rect x="{KV_MARGIN}" y="{top}" width="{KV_WIDTH}" '
                     f'height="{KV_HEIGHT}" fill="none" stroke="#999999"/>')
        for tick in range(0, int(x_high) + 1, 25):
            parts.append(f'<text x="{px(tick):.1f}" y="{top + KV_HEIGHT + 14}" '
                         f'text-anchor="middle" fill="#666666">{tick}%</text>')
        for value in (10 ** y_low, 10 ** ((y_low + y_high) / 2), 10 ** y_high):
            parts.append(f'<text x="{KV_MARGIN - 4}" y="{py(value) + 4:.1f}" '
                         f'text-anchor="end" fill="#666666">{value:.1f}</text>')
        for (config, _, _), x, value in zip(rows, xs, ys):
            color = KV_COLORS.get(config.family, "#4d4d4d")
            parts.append(f'<circle cx="{px(x):.1f}" cy="{py(value):.1f}" r="4" '
                         f'fill="{color}"/>')
            label = "budget" if config.budget else f"r={config.rank}"
            parts.append(f'<text x="{px(x) + 6:.1f}" y="{py(value) - 4:.1f}" '
                         f'fill="{color}">{label}</text>')
        legend = top + KV_HEIGHT + 30
        parts.append(f'<text x="{KV_MARGIN + KV_WIDTH / 2}" y="{legend - 6}" '
                     f'text-anchor="middle" fill="#666666">KV-cache bits per token, % of '
                     f'ResQ KV4</text>')
        for i, (family, color) in enumerate(KV_COLORS.items()):
            row_y = legend + 14 * (i // 3) + 10
            x = KV_MARGIN + 200 * (i % 3)
            parts.append(f'<circle cx="{x + 5}" cy="{row_y - 4}" r="4" fill="{color}"/>')
            parts.append(f'<text x="{x + 14}" y="{row_y}">{_escape(family)}</text>')
        y = legend + 50
    width = KV_MARGIN * 2 + KV_WIDTH
    with open(path, "w") as f:
        f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" '
                f'font-family="sans-serif" font-size="11">\n'
                f'<rect width="{width}" height="{y}" fill="white"/>\n'
                + "\n".join(parts) + "\n</svg>\n")
