#!/usr/bin/env python3
"""The datasets of the compute-in-memory MLPs, as the evaluation reads them.

  digits   scikit-learn's 8x8 digits, committed here as `digits.npz` (uint8
           pixels 0-16 and labels, written by --write-digits from the
           python3-sklearn package's digits.csv.gz); the split is the one
           train_mlp.py trained on (seed 7: 360 test, 1,437 train images).
  fashion  Fashion-MNIST from Debian's dataset-fashion-mnist (IDX files in
           /usr/share/datasets/fashion-mnist; `apt-get install
           dataset-fashion-mnist`): 10,000 test, 60,000 train images.

Pixels are scaled as in training (/16, /255). Calibration images come from
the training split, never the test split.

  python3 examples/cim/cim_data.py --dataset digits --split test --out DIR
writes DIR/x.npy (float32 [N, features]) and DIR/y.npy (int64 [N]).
"""
import argparse
import gzip
import hashlib
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FASHION_DIR = "/usr/share/datasets/fashion-mnist"
SKLEARN_DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
DIGITS_CSV_SHA256 = "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a"
DIGITS_SPLIT_SEED = 7
DIGITS_TEST = 360


def read_idx(path):
    """The array of an IDX file (gzip-compressed, as Debian ships them)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion_available():
    return os.path.exists(os.path.join(FASHION_DIR, "t10k-images-idx3-ubyte.gz"))


def load(dataset, split):
    """(x float32 [N, features], y int64 [N]) of `split` (train or test)."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be train or test, not {split!r}")
    if dataset == "digits":
        with np.load(os.path.join(HERE, "digits.npz")) as f:
            x, y = f["x"].astype(np.float32) / 16.0, f["y"].astype(np.int64)
        order = np.random.default_rng(DIGITS_SPLIT_SEED).permutation(len(x))
        rows = order[:DIGITS_TEST] if split == "test" else order[DIGITS_TEST:]
        return x[rows], y[rows]
    if dataset == "fashion":
        if not fashion_available():
            raise FileNotFoundError(
                f"{FASHION_DIR} is missing: apt-get install dataset-fashion-mnist")
        prefix = "t10k" if split == "test" else "train"
        images = read_idx(os.path.join(FASHION_DIR, f"{prefix}-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(FASHION_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
        return (images.reshape(-1, 784).astype(np.float32) / 255.0,
                labels.astype(np.int64))
    raise ValueError(f"dataset must be digits or fashion, not {dataset!r}")


def write_digits():
    with open(SKLEARN_DIGITS, "rb") as f:
        raw = f.read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != DIGITS_CSV_SHA256:
        raise SystemExit(f"{SKLEARN_DIGITS}: sha256 {digest}, expected {DIGITS_CSV_SHA256}")
    table = np.loadtxt(gzip.open(SKLEARN_DIGITS, "rt"), delimiter=",", dtype=np.int64)
    np.savez_compressed(os.path.join(HERE, "digits.npz"), x=table[:, :64].astype(np.uint8),
                        y=table[:, 64].astype(np.uint8))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=("digits", "fashion"))
    parser.add_argument("--split", choices=("train", "test"), default="test")
    parser.add_argument("--count", type=int, default=0, help="first N images (0: all)")
    parser.add_argument("--out", help="folder for x.npy and y.npy")
    parser.add_argument("--write-digits", action="store_true",
                        help="regenerate digits.npz from python3-sklearn's digits.csv.gz")
    args = parser.parse_args()
    if args.write_digits:
        write_digits()
        return
    if not args.dataset or not args.out:
        parser.error("--dataset and --out are required")
    x, y = load(args.dataset, args.split)
    if args.count:
        x, y = x[:args.count], y[:args.count]
    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, "x.npy"), x)
    np.save(os.path.join(args.out, "y.npy"), y)


if __name__ == "__main__":
    main()
