#!/usr/bin/env python3
"""Inputs and checks for rotate.test: writes x, h and the archive with an
orthogonal q, or checks resq-run's outputs against numpy, with the signs of
the randomized Hadamard computed from their definition
(include/resq/numerics/RandomSigns.h)."""
import json
import struct
import sys

import numpy as np

MASK = (1 << 64) - 1


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def signs(seed, n):
    base = splitmix64(seed & MASK)
    return np.array([-1.0 if splitmix64((base + j) & MASK) >> 63 else 1.0
                     for j in range(n)])


def hadamard(n):
    h = np.ones((1, 1))
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    return h


def write_archive(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        raw = array.astype(np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    work = sys.argv[2]
    if sys.argv[1] == "make":
        g = np.random.default_rng(0)
        np.save(f"{work}/x.npy", g.standard_normal((3, 2, 64)).astype(np.float32))
        np.save(f"{work}/h.npy", g.standard_normal((5, 16)).astype(np.float16))
        np.save(f"{work}/e.npy", np.eye(24, dtype=np.float32))
        np.save(f"{work}/m.npy", g.standard_normal((2, 172)).astype(np.float32))
        q, _ = np.linalg.qr(g.standard_normal((64, 64)))
        write_archive(f"{work}/rotate.safetensors", {"q": q})
        np.save(f"{work}/q.npy", q)
        return
    x = np.load(f"{work}/x.npy").astype(np.float64)
    h = np.load(f"{work}/h.npy").astype(np.float64)
    q = np.load(f"{work}/q.npy")
    r = lambda name: np.load(f"{work}/out/{name}.npy").astype(np.float64)
    Q64 = np.diag(signs(7, 64)) @ hadamard(64) / 8.0
    Q16 = np.diag(signs(3, 16)) @ hadamard(16) / 4.0
    checks = {
        "fwd": (r("fwd"), x @ Q64, 1e-5),
        "roundtrip": (r("roundtrip"), x, 1e-5),
        "inv": (r("inv"), x @ Q64.T, 1e-5),
        "half": (r("half"), h @ Q16, 2e-3),
        "mat": (r("mat"), x @ q, 1e-5),
        "matinv": (r("matinv"), x @ q.T, 1e-5),
    }
    for name, (got, ref, tol) in checks.items():
        err = np.abs(got - ref).max() / np.abs(ref).max()
        assert err <= tol, f"{name}: relative error {err:.2e} > {tol:g}"
        print(f"{name}: ok")
    # n = 12 * 2: the rows of the rotated identity are Q. Q is orthogonal,
    # sqrt(24) * diag(s) * Q is a +-1 matrix H with H H^T = 24 I, and the
    # inverse is Q^T.
    q24 = r("q24")
    assert np.abs(q24 @ q24.T - np.eye(24)).max() < 1e-5, "q24 not orthogonal"
    h24 = np.diag(signs(5, 24)) @ q24 * np.sqrt(24)
    assert np.abs(np.abs(h24) - 1).max() < 1e-5, "q24 is not a scaled +-1 matrix"
    assert np.array_equal(np.rint(h24) @ np.rint(h24).T, 24 * np.eye(24))
    assert np.abs(r("q24inv") - q24.T).max() < 1e-5, "inverse is not Q^T"
    print("hadamard 12x2: ok")
    m = np.load(f"{work}/m.npy").astype(np.float64)
    assert np.abs(r("m172back") - m).max() / np.abs(m).max() < 1e-5
    assert np.allclose(np.linalg.norm(r("m172"), axis=-1),
                       np.linalg.norm(m, axis=-1), rtol=1e-5)
    print("hadamard 172: ok")
    # The rotation is orthogonal: norms are kept.
    assert np.allclose(np.linalg.norm(r("fwd"), axis=-1),
                       np.linalg.norm(x, axis=-1), rtol=1e-5)
    print("norms kept")


if __name__ == "__main__":
    main()
