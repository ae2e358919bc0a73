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
