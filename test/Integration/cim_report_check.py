#!/usr/bin/env python3
"""Checks a `resq-run --target cim --cim-report` JSON against the cost
model's documented defaults (docs/cim.md), recomputed here from the event
counts: every component's energy per inference, the latency, the totals.
Prints one line per layer and 'report consistent'."""
import argparse
import math
import sys
import json

E32 = 1.88  # 32 -> 65 nm energy (Stillmaker & Baas)
CELL_PJ = 0.5 ** 2 * 1e-5 * 10 * 1e3  # V^2 G t
DAC_PJ = 0.39 * E32
SHIFT_ADD_PJ = 0.042 * E32
SCALE_ADD_PJ = 0.265 * E32
SENSE_PJ = 9.845e-3
LIF_PJ = 5.1


def adc_pj(bits):
    return (3.7506 * bits + 25.844) * (bits + 1) * 1e-3


parser = argparse.ArgumentParser()
parser.add_argument("report")
parser.add_argument("--readout", required=True, help="expected readout of every layer")
args = parser.parse_args()
report = json.load(open(args.report))
n = report["inferences"]
sums = {}
for layer in report["layers"]:
    ev, e = layer["events"], layer["energy_pj"]
    if layer["readout"] != args.readout:
        sys.exit(f"{layer['name']}: readout {layer['readout']}, expected {args.readout}")
    bits = int(args.readout.split()[1][:-1]) if args.readout.startswith("ADC") else 0
    expected = {
        "array": ev["cell_reads"] * CELL_PJ / n,
        "dac": ev["dac_pulses"] * DAC_PJ / n,
        "shift_add": ev["shift_adds"] * SHIFT_ADD_PJ / n,
        "scale_accumulate": ev["scale_adds"] * SCALE_ADD_PJ / n,
        "sense_amp": ev["sense_reads"] * SENSE_PJ / n,
        "adc": ev["adc_conversions"] * adc_pj(bits) / n if bits else 0.0,
        "lif": ev["lif_updates"] * LIF_PJ / n,
    }
    for key, value in expected.items():
        if not math.isclose(e[key], value, rel_tol=1e-9, abs_tol=1e-9):
            sys.exit(f"{layer['name']}: {key} {e[key]} pJ, expected {value}")
        sums[key] = sums.get(key, 0.0) + value
    if not math.isclose(e["total"], sum(expected.values()), rel_tol=1e-9):
        sys.exit(f"{layer['name']}: total {e['total']} is not the sum of its parts")
    print(f"{layer['name']}: {ev['input_vectors']} vectors, {ev['array_reads']} array reads, "
          f"{ev['adc_conversions']} conversions, {ev['sense_reads']} sense reads, "
          f"{layer['crossbars']} crossbars, utilisation {layer['utilisation']:.4f}")
total = report["total"]
if not math.isclose(total["energy_pj"], sum(sums.values()), rel_tol=1e-9):
    sys.exit(f"total energy {total['energy_pj']} is not the sum of the layers")
print("report consistent")
