"""Swaps the contents of the two statistics files in a calibration cache, so
that each entry holds another model's (well-formed) statistics.

usage: swap_cache.py DIR
"""

import glob
import sys

files = sorted(glob.glob(sys.argv[1] + "/*.safetensors"))
if len(files) != 2:
    sys.exit("expected 2 cache entries, found %d" % len(files))
first, second = (open(f, "rb").read() for f in files)
open(files[0], "wb").write(second)
open(files[1], "wb").write(first)
