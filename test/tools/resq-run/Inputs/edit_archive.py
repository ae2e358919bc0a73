#!/usr/bin/env python3
"""Rewrites a safetensors archive with one tensor dropped, reshaped or retyped
(to test that resq-run names the parameter that does not fit).

  edit_archive.py IN OUT --drop NAME | --reshape NAME | --retype NAME
"""
import argparse
import json
import struct

parser = argparse.ArgumentParser()
parser.add_argument("input")
parser.add_argument("output")
group = parser.add_mutually_exclusive_group(required=True)
group.add_argument("--drop")
group.add_argument("--reshape")
group.add_argument("--retype")
args = parser.parse_args()

with open(args.input, "rb") as f:
    data = f.read()
(length,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + length])
body = data[8 + length:]

tensors = []
for name, info in header.items():
    if name == "__metadata__":
        continue
    begin, end = info["data_offsets"]
    tensors.append((name, info["dtype"], info["shape"], body[begin:end]))

edited = []
for name, dtype, shape, raw in tensors:
    if name == args.drop:
        continue
    if name == args.reshape:
        shape = [int(raw.__len__() // 4)] if len(shape) != 1 else [shape[0] // 2, 2]
    if name == args.retype:
        dtype, raw = "F16", raw[: len(raw) // 2]
    edited.append((name, dtype, shape, raw))

new_header, offset, blobs = {}, 0, []
for name, dtype, shape, raw in edited:
    new_header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [offset, offset + len(raw)]}
    offset += len(raw)
    blobs.append(raw)
text = json.dumps(new_header).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open(args.output, "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
