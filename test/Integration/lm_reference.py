#!/usr/bin/env python3
"""Perplexity and greedy generation of an ONNX language model with ONNX
Runtime, following resq-run's protocol (docs/resq-run.md): non-overlapping
windows of the model's sequence length T, optional BOS first, each window
scoring T-1 tokens; generation pads the context with token 0 after the last
real position.

  lm_reference.py MODEL --perplexity ids.npy [--bos-id N]
  lm_reference.py MODEL --generate N --prompt 1,2,3
"""
import argparse

import numpy as np
import onnxruntime as ort


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--perplexity")
    parser.add_argument("--bos-id", type=int)
    parser.add_argument("--generate", type=int, default=0)
    parser.add_argument("--prompt", default="")
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(args.model, options,
                                   providers=["CPUExecutionProvider"])
    spec = session.get_inputs()[0]
    batch, seq = spec.shape

    def logits(windows):
        ids = np.zeros((batch, seq), np.int64)
        for b, window in enumerate(windows):
            ids[b, :len(window)] = window
        return session.run(None, {spec.name: ids})[0].astype(np.float64)

    if args.perplexity:
        stream = np.load(args.perplexity).reshape(-1)
        per = seq - 1 if args.bos_id is not None else seq
        windows = []
        for start in range(0, len(stream) - per + 1, per):
            w = list(stream[start:start + per])
            windows.append(([args.bos_id] if args.bos_id is not None else []) + w)
        nll, count = 0.0, 0
        for first in range(0, len(windows), batch):
            group = windows[first:first + batch]
            out = logits(group)
            for b, window in enumerate(group):
                for t in range(seq - 1):
                    row = out[b, t]
                    m = row.max()
                    lse = m + np.log(np.exp(row - m).sum())
                    nll -= row[window[t + 1]] - lse
                    count += 1
        print(f"perplexity: {np.exp(nll / count):.6f}")
    if args.generate:
        tokens = [int(t) for t in args.prompt.split(",")]
        for _ in range(args.generate):
            context = tokens[-seq:]
            out = logits([context])
            tokens.append(int(out[0, len(context) - 1].argmax()))
        print("generated: " + " ".join(map(str, tokens[-args.generate:])))


if __name__ == "__main__":
    main()
