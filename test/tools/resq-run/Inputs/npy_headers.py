"""Writes one array as .npy files whose headers are spelled in other ways.

usage: npy_headers.py IN.npy OUTDIR

Valid spellings (numpy reads them): spaced.npy (whitespace everywhere),
quoted.npy (double quotes, keys in another order, no trailing comma).
Invalid ones: notuple.npy ('shape': (784) is an int), twice.npy (a key
twice), trailing.npy (bytes after the dict), control.npy (a control byte in
the shape), missing.npy (no 'fortran_order'), huge.npy (a shape whose byte
count overflows 64 bits).
"""

import struct
import sys

import numpy as np

array = np.load(sys.argv[1])
shape = ", ".join(str(d) for d in array.shape)
descr = array.dtype.str
headers = {
    "spaced": "{ 'descr' :\t'%s' ,  'fortran_order' : False ,\n 'shape' : ( %s , ) , }" % (descr, shape),
    "quoted": '{"shape": (%s), "fortran_order": False, "descr": "%s"}' % (shape, descr),
    "notuple": "{'descr': '%s', 'fortran_order': False, 'shape': (%d)}" % (descr, array.size),
    "twice": "{'descr': '%s', 'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, descr, shape),
    "trailing": "{'descr': '%s', 'fortran_order': False, 'shape': (%s), } x" % (descr, shape),
    "control": "{'descr': '%s', 'fortran_order': False, 'shape': (1,\x01 784), }" % descr,
    "missing": "{'descr': '%s', 'shape': (%s), }" % (descr, shape),
    "huge": "{'descr': '%s', 'fortran_order': False, 'shape': (4294967296, 4294967296), }" % descr,
}
for name, header in headers.items():
    text = header.encode()
    text += b" " * (-(len(text) + 11) % 64) + b"\n"
    with open("%s/%s.npy" % (sys.argv[2], name), "wb") as out:
        out.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + array.tobytes())
