#!/usr/bin/env python3
"""Check the example ONNX models against the torch reference outputs.

Needs onnx, numpy and onnxruntime (no torch):

    python3 -m pip install onnxruntime numpy onnx
    python3 examples/models/check_examples.py          # errors per file
    python3 examples/models/check_examples.py --ops    # also op histograms

For every entry of manifest.json (written by make_examples.py) this runs
onnx.checker, runs the model in ONNX Runtime on the saved input and compares
with the saved torch output. Printed per file:
  max_abs  = max |onnx - torch|
  rel      = max |onnx - torch| / max |torch|   (the "max relative error")
  elem_rel = max |onnx - torch| / (|torch| + 1e-6), element-wise
Exits 1 if any rel exceeds --tol (default 1e-4).
"""

import argparse
import collections
import json
import os
import sys

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))


def op_histogram(model):
    return collections.Counter(n.op_type for n in model.graph.node)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ops", action="store_true",
                    help="print an op histogram per file")
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()

    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime is not installed: "
              "python3 -m pip install onnxruntime", file=sys.stderr)
        return 2

    with open(os.path.join(HERE, "manifest.json")) as f:
        manifest = json.load(f)

    print("onnxruntime %s, onnx %s, numpy %s" %
          (ort.__version__, onnx.__version__, np.__version__))
    failed = 0
    shown = set()
    for e in manifest["models"]:
        path = os.path.join(HERE, e["file"])
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        if args.ops and e["file"] not in shown:
            shown.add(e["file"])
            hist = op_histogram(model)
            print("%s: %d nodes, %d initializers" %
                  (e["file"], len(model.graph.node),
                   len(model.graph.initializer)))
            print("  " + ", ".join("%s %d" % kv for kv in
                                   sorted(hist.items(),
                                          key=lambda kv: (-kv[1], kv[0]))))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        sess = ort.InferenceSession(path, opts,
                                    providers=["CPUExecutionProvider"])
        feeds = {k: np.load(os.path.join(HERE, v))
                 for k, v in e["inputs"].items()}
        names = list(e["outputs"])
        got = sess.run(names, feeds)
        for name, out in zip(names, got):
            ref = np.load(os.path.join(HERE, e["outputs"][name]))
            if out.shape != ref.shape:
                print("%-34s %-8s shape %s != torch %s  FAIL" %
                      (e["file"], name, out.shape, ref.shape))
                failed += 1
                continue
            d = np.abs(out.astype(np.float64) - ref.astype(np.float64))
            max_abs = d.max()
            rel = max_abs / np.abs(ref).max()
            elem_rel = (d / (np.abs(ref) + 1e-6)).max()
            ok = rel <= args.tol
            failed += not ok
            seq = "x".join(str(s) for s in feeds[next(iter(feeds))].shape)
            print("%-34s in %-6s max_abs %.3e  rel %.3e  elem_rel %.3e  %s" %
                  (e["file"], seq, max_abs, rel, elem_rel,
                   "ok" if ok else "FAIL"))
    print("%d passed, %d failed" % (len(manifest["models"]) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
