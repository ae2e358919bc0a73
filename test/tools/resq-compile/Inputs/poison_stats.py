"""Copies a statistics archive with its first float64 set to NaN.

usage: poison_stats.py IN OUT
"""

import json
import struct
import sys

data = bytearray(open(sys.argv[1], "rb").read())
(size,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8 : 8 + size])
first = min(info["data_offsets"][0] for name, info in header.items() if name != "__metadata__")
struct.pack_into("<d", data, 8 + size + first, float("nan"))
open(sys.argv[2], "wb").write(data)
