#!/usr/bin/env python3
"""Accuracy, energy and latency of the compute-in-memory backends on the
trained MLPs of examples/cim, and accuracy under device variation.

  python3 bench/cim_results.py --tools build/bin [--datasets fashion,digits]
                               [--markdown docs/cim.md]

For every dataset it compiles, with resq-compile, the FP32 model and the
W4A8 integer model for the CPU (the digital references), and the integer
model for crossbars (--target cim) with every readout: 7-bit and 4-bit ADCs
over calibrated ranges, HCiM's binary and ternary sense amplifiers with
closed-form and fine-tuned scales, and the rate-coded spiking network on
ternary sense amplifiers for T = 4, 8, 16, 32, 64 (plus, as the baseline of the
ADC-less SNN comparison, the same network read by a 4-bit ADC, and by exact
partial sums). Calibration uses the first 256 training images; every number
is measured on the whole test split. resq-run --target cim runs each model
on the simulator and prices its events with the cost model (docs/cim.md);
the digital references' energy is their multiply-accumulate arithmetic
only (Horowitz, ISSCC 2014, 45 nm: int8 multiply 0.2 pJ + 32-bit add
0.1 pJ; FP32 multiply 3.7 pJ + add 0.9 pJ), and their latency is the CPU
wall time per image on this machine (one thread). The variation sweep runs
the 7-bit ADC and the fine-tuned ternary models with conductance sigma in
{0, 0.05, 0.1, 0.2, 0.5, 1} over --seeds device seeds.

Work goes to --work (default bench/.cache/cim/, ignored by git); with
--markdown, the table replaces the part of that file between the
cim-results markers.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "examples", "cim"))
import cim_data  # noqa: E402

BEGIN = "<!-- cim-results:begin (written by bench/cim_results.py) -->"
END = "<!-- cim-results:end -->"
MODELS = {"fashion": ("fashion_mlp.onnx", [784, 256, 128, 10]),
          "digits": ("digits_mlp.onnx", [64, 64, 10])}
# Horowitz, "Computing's energy problem", ISSCC 2014 (45 nm), pJ per MAC.
MAC_PJ = {"fp32": 3.7 + 0.9, "int": 0.2 + 0.1}
SIGMAS = [0.0, 0.05, 0.1, 0.2, 0.5, 1.0]


def configurations(quick):
    """(key, label, --cim options or None for the CPU, kind)."""
    fine = "fine-tune-steps=200"
    rows = [
        ("fp32", "digital FP32 (CPU)", None, "fp32"),
        ("int", "digital W4A8 integer (CPU)", None, "int"),
        ("adc7", "ADC 7-bit", "backend=adc adc-bits=7", "cim"),
        ("adc4", "ADC 4-bit", "backend=adc adc-bits=4", "cim"),
        ("bin", "ADC-less binary, closed-form alpha", "backend=adc-less", "cim"),
        ("bin-ft", "ADC-less binary, fine-tuned alpha", f"backend=adc-less {fine}", "cim"),
        ("ter", "ADC-less ternary, closed-form alpha",
         "backend=adc-less sense=ternary", "cim"),
        ("ter-ft", "ADC-less ternary, fine-tuned alpha",
         f"backend=adc-less sense=ternary {fine}", "cim"),
    ]
    for steps in ([8, 32] if quick else [4, 8, 16, 32, 64]):
        rows.append((f"snn{steps}", f"spiking T={steps}, ternary SA",
                     f"backend=spiking steps={steps} sense=ternary", "snn"))
    rows.append(("snn32-adc4", "spiking T=32, 4-bit ADC (SNN baseline)",
                 "backend=spiking steps=32 spiking-readout=adc adc-bits=4", "snn"))
    rows.append(("snn32-ideal", "spiking T=32, exact partial sums",
                 "backend=spiking steps=32 spiking-readout=ideal", "snn"))
    return rows


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(cmd)}\n{result.stderr}")
    return result


class Bench:
    def __init__(self, args, dataset):
        self.args, self.dataset = args, dataset
        self.tools = args.tools
        self.work = os.path.join(args.work, dataset)
        os.makedirs(self.work, exist_ok=True)
        model, self.layers = MODELS[dataset]
        self.model = os.path.join(REPO, "examples", "cim", model)
        x, y = cim_data.load(dataset, "test")
        if args.limit:
            x, y = x[:args.limit], y[:args.limit]
        self.x, self.y = x, y
        train_x, _ = cim_data.load(dataset, "train")
        self.calibration = os.path.join(self.work, "calibration.npy")
        np.save(self.calibration, train_x[:256])
        self.features = x.shape[1]

    def chunks(self, batch):
        """The test split in files of `batch` rows (the last one padded)."""
        paths = []
        for start in range(0, len(self.x), batch):
            path = os.path.join(self.work, f"x_{batch}_{start}.npy")
            part = self.x[start:start + batch]
            if len(part) < batch:
                part = np.concatenate([part, np.zeros((batch - len(part), self.features),
                                                      np.float32)])
            if not os.path.exists(path):
                np.save(path, part)
            paths.append((path, min(batch, len(self.x) - start)))
        return paths

    def compile(self, key, options, kind, batch):
        out = os.path.join(self.work, key)
        cmd = [os.path.join(self.tools, "resq-compile"), self.model,
               "--input-shape", f"x={batch}x{self.features}", "-o", out]
        if kind != "fp32":
            cmd += ["--scheme", "rtn", "--quant-mode", "int", "--a-bits", "8"]
        if options:
            cmd += ["--target", "cim", "--cim", options, "--cim-calibrate", self.calibration]
        started = time.time()
        result = run(cmd)
        remark = re.search(r"exact network (\S+) -> (\S+)", result.stderr)
        return out, cmd, time.time() - started, remark.groups() if remark else None

    def evaluate(self, compiled, cim, batch, sigma=0.0, seed=0):
        """Accuracy and, for crossbars, the mean per-inference report."""
        correct, seconds, reports = 0, 0.0, []
        for index, (path, count) in enumerate(self.chunks(batch)):
            out = os.path.join(compiled, "out")
            cmd = [os.path.join(self.tools, "resq-run"), compiled, path, "--output-dir", out]
            if cim:
                report = os.path.join(compiled, f"report_{index}.json")
                cmd += ["--target", "cim", "--cim-report", report,
                        "--cim-sigma", str(sigma), "--cim-seed", str(seed)]
            started = time.time()
            run(cmd)
            seconds += time.time() - started
            logits = np.load(os.path.join(out, "logits.npy"))[:count]
            start = index * batch
            correct += int((logits.argmax(1) == self.y[start:start + count]).sum())
            if cim:
                with open(report) as f:
                    reports.append((json.load(f), count, batch))
        summary = {"accuracy": correct / len(self.y), "seconds_per_image": seconds / len(self.y)}
        if reports:
            summary["report"] = merge(reports)
        return summary


def merge(reports):
    """Per-inference means over chunks; a padded chunk's energy counts in
    proportion to its real rows (all rows cost the same)."""
    total = sum(count for _, count, _ in reports)
    first = reports[0][0]
    merged = {"total": {}, "layers": []}
    for key in first["total"]:
        if key in ("area_um2", "crossbars"):
            merged["total"][key] = first["total"][key]
        else:
            merged["total"][key] = sum(r["total"][key] * c for r, c, _ in reports) / total
    for i, layer in enumerate(first["layers"]):
        energy = {k: sum(r["layers"][i]["energy_pj"][k] * c for r, c, _ in reports) / total
                  for k in layer["energy_pj"]}
        merged["layers"].append({"name": layer["name"], "readout": layer["readout"],
                                 "crossbars": layer["crossbars"],
                                 "utilisation": layer["utilisation"], "energy_pj": energy})
    return merged


def measure(args, dataset):
    bench = Bench(args, dataset)
    macs = sum(a * b for a, b in zip(bench.layers, bench.layers[1:]))
    rows, commands = [], []
    for key, label, options, kind in configurations(args.quick):
        batch = min(len(bench.x), args.spiking_batch if kind == "snn" else args.batch)
        compiled, cmd, compile_seconds, remark = bench.compile(key, options, kind, batch)
        commands.append(" ".join(os.path.relpath(c, REPO) if c.startswith(REPO) else c
                                 for c in cmd))
        summary = bench.evaluate(compiled, kind in ("cim", "snn"), batch)
        summary.update(key=key, label=label, compile_seconds=compile_seconds, remark=remark)
        if kind in ("fp32", "int"):
            summary["energy_pj"] = macs * MAC_PJ[kind]
        print(f"{dataset:8s} {label:44s} accuracy {100 * summary['accuracy']:6.2f}%"
              + (f"  {summary['report']['total']['energy_pj'] / 1e3:9.2f} nJ"
                 f"  {summary['report']['total']['latency_ns']:8.0f} ns"
                 if "report" in summary else ""), flush=True)
        rows.append(summary)
    sweep = {}
    for key in ("adc7", "ter-ft"):
        compiled = os.path.join(bench.work, key)
        for sigma in SIGMAS:
            seeds = [0] if sigma == 0 else list(range(args.seeds))
            accuracies = [bench.evaluate(compiled, True, min(len(bench.x), args.batch),
                                         sigma, seed)["accuracy"] for seed in seeds]
            sweep[(key, sigma)] = (float(np.mean(accuracies)), float(np.min(accuracies)),
                                   float(np.max(accuracies)))
            print(f"{dataset:8s} {key:8s} sigma {sigma:4.2f} accuracy "
                  f"{100 * sweep[(key, sigma)][0]:6.2f}%", flush=True)
    return {"rows": rows, "sweep": sweep, "commands": commands, "macs": macs,
            "images": len(bench.y)}


def fmt_nj(pj):
    return f"{pj / 1e3:.2f}"


def table(dataset, result):
    rows = {r["key"]: r for r in result["rows"]}
    lines = [f"### {dataset}: {result['images']} test images, "
             f"{result['macs']:,} multiply-accumulates per image", "",
             "| configuration | accuracy | energy / image (nJ) | ADC or SA | DAC | array | "
             "shift-add / scale | LIF | latency / image | area (mm²) | crossbars |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in result["rows"]:
        acc = f"{100 * r['accuracy']:.2f}%"
        if "report" not in r:
            lines.append(f"| {r['label']} | {acc} | {fmt_nj(r['energy_pj'])} (MACs only) "
                         f"| | | | | | {1e3 * r['seconds_per_image']:.3f} ms (CPU) | | |")
            continue
        t = r["report"]["total"]
        readout = t["adc_pj"] + t["sense_amp_pj"]
        digital = t["shift_add_pj"] + t["scale_accumulate_pj"]
        lines.append(
            f"| {r['label']} | {acc} | {fmt_nj(t['energy_pj'])} | {fmt_nj(readout)} | "
            f"{fmt_nj(t['dac_pj'])} | {fmt_nj(t['array_pj'])} | {fmt_nj(digital)} | "
            f"{fmt_nj(t['lif_pj'])} | {t['latency_ns']:.0f} ns | {t['area_um2'] / 1e6:.3f} | "
            f"{t['crossbars']} |")
    lines.append("")

    def energy(key):
        return rows[key]["report"]["total"]["energy_pj"] if key in rows else float("nan")

    def latency(key):
        return rows[key]["report"]["total"]["latency_ns"] if key in rows else float("nan")

    lines.append("Energy of the ADC-less readouts against the ADC baselines "
                 "(reduction = 1 - E / E_ADC; ratio = E_ADC / E):")
    lines.append("")
    lines.append("| ADC-less configuration | vs ADC 7-bit | vs ADC 4-bit |")
    lines.append("|---|--:|--:|")
    for key in ("bin", "bin-ft", "ter", "ter-ft"):
        cells = []
        for base in ("adc7", "adc4"):
            e, b = energy(key), energy(base)
            cells.append(f"{100 * (1 - e / b):+.1f}% ({b / e:.2f}x)")
        lines.append(f"| {rows[key]['label']} | {cells[0]} | {cells[1]} |")
    lines.append("")
    if "snn32-adc4" in rows and "snn32" in rows:
        lines.append(
            f"Spiking T=32, ternary sense amplifiers against a 4-bit ADC: energy "
            f"{energy('snn32-adc4') / energy('snn32'):.2f}x lower, latency "
            f"{latency('snn32-adc4') / latency('snn32'):.2f}x lower.")
        lines.append("")
    tuned = [r for r in result["rows"] if r["remark"]]
    if tuned:
        lines.append("Fine-tuning (mean squared distance of the logits to the exact integer "
                     "network's on the calibration images, before -> after): " + "; ".join(
                         f"{r['label']}: {float(r['remark'][0]):.3g} -> "
                         f"{float(r['remark'][1]):.3g}" for r in tuned) + ".")
        lines.append("")
    lines.append("Accuracy under conductance variation (each cell's conductance "
                 "level x max(0, 1 + sigma N(0, 1)); mean [min, max] over device seeds):")
    lines.append("")
    lines.append("| sigma | " + " | ".join(rows[k]["label"] for k in ("adc7", "ter-ft")) + " |")
    lines.append("|--:|--:|--:|")
    for sigma in SIGMAS:
        cells = []
        for key in ("adc7", "ter-ft"):
            mean, low, high = result["sweep"][(key, sigma)]
            cells.append(f"{100 * mean:.2f}%" + ("" if sigma == 0 else
                                                 f" [{100 * low:.2f}, {100 * high:.2f}]"))
        lines.append(f"| {sigma:g} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def write_markdown(path, results, args, seconds):
    lines = [BEGIN, "",
             f"Written by `python3 bench/cim_results.py --tools {args.tools} "
             f"--markdown {os.path.relpath(path, REPO)}` on "
             f"{time.strftime('%Y-%m-%d')} in {seconds / 60:.1f} min (device seeds: "
             f"{args.seeds}). Cost model: the defaults of the table above, 65 nm. "
             "Energy and latency are per image; the digital references' energy is their "
             "MAC arithmetic only (Horowitz 2014, 45 nm) and their latency CPU wall time "
             "on this machine, so compare them with care.", ""]
    for dataset, result in results.items():
        lines += table(dataset, result)
        lines.append("<details><summary>commands</summary>")
        lines.append("")
        lines += ["    " + c for c in result["commands"]]
        lines.append("")
        lines.append("</details>")
        lines.append("")
    lines.append(END)
    text = open(path).read() if os.path.exists(path) else ""
    block = "\n".join(lines)
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", required=True, help="folder of resq-compile and resq-run")
    parser.add_argument("--datasets", default="fashion,digits")
    parser.add_argument("--markdown", help="write the tables into this file")
    parser.add_argument("--work", default=os.path.join(HERE, ".cache", "cim"))
    parser.add_argument("--batch", type=int, default=1000, help="images per run")
    parser.add_argument("--spiking-batch", type=int, default=250)
    parser.add_argument("--seeds", type=int, default=3, help="device seeds per sigma")
    parser.add_argument("--limit", type=int, default=0, help="first N test images (0: all)")
    parser.add_argument("--quick", action="store_true",
                        help="T = 8 and 32 only (for the test suite)")
    args = parser.parse_args()
    started = time.time()
    results = {}
    for dataset in args.datasets.split(","):
        if dataset == "fashion" and not cim_data.fashion_available():
            sys.exit("Fashion-MNIST is missing: apt-get install dataset-fashion-mnist")
        results[dataset] = measure(args, dataset)
    if args.markdown:
        write_markdown(args.markdown, results, args, time.time() - started)
    print(f"done in {(time.time() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
