#!/usr/bin/python3
"""Trains the ReLU MLPs the compute-in-memory backends are evaluated on, and
exports them to ONNX.

  /usr/bin/python3 examples/cim/train_mlp.py [--out examples/cim]

Runs with Debian's Python and packages, not PyPI's: python3-torch (1.13),
python3-sklearn and dataset-fashion-mnist (`apt-get install python3-torch
python3-sklearn dataset-fashion-mnist`).

  fashion_mlp   Fashion-MNIST (Debian's IDX files; 60,000 training and
                10,000 test images of 28x28): 784-256-128-10, pixels / 255;
  digits_mlp    scikit-learn's 8x8 digits (1,797 images, 16 grey levels;
                a seeded split of 1,437 for training and 360 for testing):
                64-64-10, pixels / 16.

Both are Linear-ReLU-Linear(-ReLU-Linear) with biases: the shape that
crossbars map directly (every layer a matrix-vector product) and that
rate-coded spiking conversion needs (ReLU activations). Training is seeded
(Adam, cross-entropy); torch.onnx.export writes opset 13 (Gemm + Relu) with
a dynamic batch dimension. Writes <name>.onnx and <name>.json (architecture,
data checksums, epochs, test accuracy in float32).
"""
import argparse
import hashlib
import json
import os

import numpy as np
import torch

from cim_data import read_idx

FASHION_DIR = "/usr/share/datasets/fashion-mnist"
HERE = os.path.dirname(os.path.abspath(__file__))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def fashion_data():
    """Returns (train_x, train_y, test_x, test_y, provenance) in float32 [0, 1]."""
    files = {split: (os.path.join(FASHION_DIR, f"{prefix}-images-idx3-ubyte.gz"),
                     os.path.join(FASHION_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
             for split, prefix in (("train", "train"), ("test", "t10k"))}
    arrays = []
    for split in ("train", "test"):
        images, labels = files[split]
        arrays += [read_idx(images).reshape(-1, 784).astype(np.float32) / 255.0,
                   read_idx(labels).astype(np.int64)]
    provenance = {os.path.basename(p): sha256(p) for pair in files.values() for p in pair}
    return (*arrays, {"source": "Debian dataset-fashion-mnist", "sha256": provenance})


def digits_data(seed):
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = digits.data.astype(np.float32) / 16.0
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    test, train = order[:360], order[360:]
    return (x[train], y[train], x[test], y[test],
            {"source": "scikit-learn load_digits (python3-sklearn)",
             "split_seed": seed, "test_indices_sha256":
             hashlib.sha256(np.sort(test).astype(np.int64).tobytes()).hexdigest()})


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(torch.from_numpy(x)).argmax(1).numpy() == y).mean())


def train(name, sizes, data, epochs, batch, lr, seed, out):
    train_x, train_y, test_x, test_y, provenance = data
    torch.manual_seed(seed)
    model = mlp(sizes)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    x, y = torch.from_numpy(train_x), torch.from_numpy(train_y)
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), batch):
            index = order[start:start + batch]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        print(f"{name}: epoch {epoch + 1}/{epochs}, loss {loss.item():.4f}, "
              f"test accuracy {accuracy(model, test_x, test_y):.4f}", flush=True)
    model.eval()
    path = os.path.join(out, f"{name}.onnx")
    torch.onnx.export(model, torch.zeros(1, sizes[0]), path, input_names=["x"],
                      output_names=["logits"], dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}},
                      opset_version=13)
    info = {"layers": sizes, "activation": "relu", "epochs": epochs, "batch": batch,
            "learning_rate": lr, "seed": seed, "train_examples": len(train_x),
            "test_examples": len(test_x),
            "test_accuracy_fp32": accuracy(model, test_x, test_y), "data": provenance,
            "torch": torch.__version__}
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(f"{path}: test accuracy {info['test_accuracy_fp32']:.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=HERE)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(2)
    train("digits_mlp", [64, 64, 10], digits_data(7), epochs=60, batch=32, lr=2e-3, seed=1,
          out=args.out)
    train("fashion_mlp", [784, 256, 128, 10], fashion_data(), epochs=12, batch=128, lr=1e-3,
          seed=1, out=args.out)


if __name__ == "__main__":
    main()
