"""A module of resq.project and its lift over a random orthonormal basis,
and its check against NumPy (the CPU lowering is the op's reference).

usage: project_case.py make DIR   writes project.mlir, project.safetensors, x.npy
       project_case.py check DIR OUT   compares OUT/coords.npy, OUT/lifted.npy
"""
import json
import struct
import sys

import numpy as np

N, R = 24, 5


def basis():
    q, _ = np.linalg.qr(np.random.default_rng(3).standard_normal((N, N)))
    return q[:, :R].astype(np.float32)


def make(out):
    p = basis()
    header = {"basis": {"dtype": "F32", "shape": [N, R], "data_offsets": [0, p.nbytes]}}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(out + "/project.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + p.tobytes())
    np.save(out + "/x.npy", np.random.default_rng(4).standard_normal((1, 3, N)).astype(np.float32))
    with open(out + "/project.mlir", "w") as f:
        f.write(f"""module attributes {{resq.params = #resq.archive<"project.safetensors">}} {{
  func.func @main(%x: tensor<1x3x{N}xf32> {{resq.name = "x"}})
      -> (tensor<1x3x{R}xf32> {{resq.name = "coords"}}, tensor<1x3x{N}xf32> {{resq.name = "lifted"}}) {{
    %p = resq.param "basis" : tensor<{N}x{R}xf32>
    %c = resq.project %x, %p : (tensor<1x3x{N}xf32>, tensor<{N}x{R}xf32>) -> tensor<1x3x{R}xf32>
    %l = resq.project %c, %p lift : (tensor<1x3x{R}xf32>, tensor<{N}x{R}xf32>) -> tensor<1x3x{N}xf32>
    return %c, %l : tensor<1x3x{R}xf32>, tensor<1x3x{N}xf32>
  }}
}}
""")


def check(out, results):
    p = basis().astype(np.float64)
    x = np.load(out + "/x.npy").astype(np.float64)
    coords = np.load(results + "/coords.npy")
    lifted = np.load(results + "/lifted.npy")
    assert coords.shape == (1, 3, R) and lifted.shape == (1, 3, N), (coords.shape, lifted.shape)
    err_c = np.max(np.abs(coords - x @ p))
    err_l = np.max(np.abs(lifted - x @ p @ p.T))
    # The lift of the coordinates is the orthogonal projection of x: what
    # is left is orthogonal to the subspace.
    residual = np.max(np.abs((x - lifted) @ p))
    print(f"coords {err_c:.2e} lifted {err_l:.2e} residual {residual:.2e}")
    if max(err_c, err_l, residual) < 1e-5:
        print("project matches")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
