"""Replays resq-compile --dump-pass-pipeline with resq-opt and compares.

usage: replay.py PIPELINE IMPORTED COMPILED --tools DIR

PIPELINE is what resq-compile --dump-pass-pipeline printed: '#' comments
and one resq-opt command per stage, each reading a module on stdin and
writing it on stdout. IMPORTED is resq-import's module of the same model
(its archive beside it is rewritten in place by the stages); COMPILED is
resq-compile --emit=mlir's output folder. Prints what matched; exits 1 on
the first difference.
"""

import argparse
import json
import os
import re
import struct
import subprocess
import sys


def tensors(path):
    """name -> (dtype, shape, bytes) of a safetensors file, in file order."""
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    body = data[8 + size :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        out[name] = (info["dtype"], info["shape"], body[begin:end])
    return out


def without_archive_path(text):
    """The module without its archive path and the source locations that the
    runtime checks' messages name (resq-import's text has no ONNX node
    names, so they differ from resq-compile's in-memory locations)."""
    text = re.sub(r'#resq\.archive<"[^"]*">', "#resq.archive<...>", text)
    text = re.sub(r'^\s*llvm\.mlir\.global internal constant @resq_site_.*\n', "", text,
                  flags=re.M)
    text = re.sub(r'@resq_site_[0-9]+', "@resq_site", text)
    return text.rstrip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pipeline")
    parser.add_argument("imported")
    parser.add_argument("compiled")
    parser.add_argument("--tools", required=True)
    args = parser.parse_args()

    commands = [
        line for line in open(args.pipeline).read().splitlines() if line and not line.startswith("#")
    ]
    env = dict(os.environ, PATH=args.tools + os.pathsep + os.environ["PATH"])
    workdir = os.path.dirname(os.path.abspath(args.imported))
    module = open(args.imported).read()
    for command in commands:
        run = subprocess.run(command, shell=True, input=module, capture_output=True, text=True, env=env, cwd=workdir)
        if run.returncode != 0:
            sys.exit(f"replay: '{command}' failed:\n{run.stderr}")
        module = run.stdout
    print(f"replay: {len(commands)} resq-opt stages")

    compiled = open(os.path.join(args.compiled, "model.mlir")).read()
    if without_archive_path(module) != without_archive_path(compiled):
        a, b = without_archive_path(module).splitlines(), without_archive_path(compiled).splitlines()
        line = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        sys.exit(f"replay: modules differ at line {line + 1}:\n  resq-opt:     {a[line:line + 1]}\n  resq-compile: {b[line:line + 1]}")
    print("replay: modules identical apart from the archive path and check sites")

    replayed = tensors(os.path.join(workdir, "model.safetensors"))
    original = tensors(os.path.join(args.compiled, "model.safetensors"))
    if list(replayed) != list(original):
        sys.exit(f"replay: tensor names differ:\n  resq-opt:     {sorted(replayed)}\n  resq-compile: {sorted(original)}")
    for name in original:
        if replayed[name] != original[name]:
            sys.exit(f"replay: tensor '{name}' differs (dtype, shape or bytes)")
    print(f"replay: archives hold the same {len(original)} tensors (names, shapes, bytes)")


if __name__ == "__main__":
    main()
