"""Copies a statistics archive with one defect.

usage: poison_stats.py IN OUT [nan|no-model]
  nan       the first float64 set to NaN (the default)
  no-model  the 'model' fingerprint removed from the metadata
"""

import json
import struct
import sys

data = bytearray(open(sys.argv[1], "rb").read())
defect = sys.argv[3] if len(sys.argv) > 3 else "nan"
(size,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8 : 8 + size])
body = data[8 + size :]
if defect == "nan":
    first = min(info["data_offsets"][0] for name, info in header.items() if name != "__metadata__")
    struct.pack_into("<d", body, first, float("nan"))
elif defect == "no-model":
    del header["__metadata__"]["model"]
else:
    sys.exit("unknown defect " + defect)
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
open(sys.argv[2], "wb").write(struct.pack("<Q", len(text)) + text + body)
