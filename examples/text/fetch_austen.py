#!/usr/bin/env python3
"""Fetches Jane Austen's six novels as plain text from Debian's archive.

Debian's `r-cran-janeaustenr` (1.0.0-1 in bookworm) ships the novels as R
character vectors, one element per printed line, in R's lazy-load database
(`data/Rdata.rdx` indexes gzip'd serialized chunks of `data/Rdata.rdb`).
R itself is not needed: this script downloads the package with
`apt-get download`, unpacks it with `dpkg -x` and reads the database with a
small reader of R's XDR serialization format (the subset the database uses:
character, integer, logical, double and generic vectors, pairlists and
symbols).

The printed lines of each paragraph are joined with spaces (the package
keeps the line breaks of the Project Gutenberg edition), paragraphs are
separated by a blank line.

Usage: python3 examples/text/fetch_austen.py [--out DIR] [--cache DIR]
Writes DIR/<novel>.txt (emma, mansfieldpark, northangerabbey, persuasion,
prideprejudice, sensesensibility) and DIR/provenance.json; prints DIR.
"""
import argparse
import glob
import gzip
import hashlib
import json
import os
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PACKAGE = "r-cran-janeaustenr"
DATA_DIR = "usr/lib/R/site-library/janeaustenr/data"

# R's SEXP types (R Internals, "Serialization formats").
NILSXP, SYMSXP, LISTSXP, CHARSXP, LGLSXP, INTSXP, REALSXP = 0, 1, 2, 9, 10, 13, 14
STRSXP, VECSXP = 16, 19
REFSXP, NILVALUE_SXP = 255, 254
NA_INTEGER = -(2 ** 31)


class RReader:
    """Reads one object in R's XDR (big-endian) serialization format."""

    def __init__(self, data):
        if data[:2] != b"X\n":
            raise ValueError("not an R XDR serialization")
        self.data, self.pos, self.refs = data, 2, []
        version = self.int()
        self.int()  # writer's R version
        self.int()  # minimal reader version
        if version == 3:
            self.bytes(self.int())  # native encoding name
        elif version != 2:
            raise ValueError(f"R serialization version {version}")

    def int(self):
        (value,) = struct.unpack_from(">i", self.data, self.pos)
        self.pos += 4
        return value

    def bytes(self, count):
        value = self.data[self.pos:self.pos + count]
        self.pos += count
        return value

    def object(self):
        flags = self.int()
        kind, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if kind == NILVALUE_SXP:
            return None
        if kind == REFSXP:
            return self.refs[(flags >> 8) - 1]
        if kind == SYMSXP:
            name = self.object()
            self.refs.append(name)
            return name
        if kind == LISTSXP:
            attrs = self.object() if has_attr else None
            tag = self.object() if has_tag else None
            head = self.object()
            tail = self.object()
            del attrs
            return [(tag, head)] + (tail or [])
        if kind == CHARSXP:
            length = self.int()
            return None if length == -1 else self.bytes(length).decode("utf-8", "replace")
        if kind in (LGLSXP, INTSXP):
            count = self.int()
            value = list(struct.unpack_from(f">{count}i", self.data, self.pos))
            self.pos += 4 * count
        elif kind == REALSXP:
            count = self.int()
            value = list(struct.unpack_from(f">{count}d", self.data, self.pos))
            self.pos += 8 * count
        elif kind in (STRSXP, VECSXP):
            value = [self.object() for _ in range(self.int())]
        else:
            raise ValueError(f"unsupported R object type {kind}")
        if has_attr:
            attrs = dict(self.object())
            if "names" in attrs:
                value = dict(zip(attrs["names"], value))
        return value


def read_lazy_load_db(data_dir):
    """Returns {name: object} for every variable of an R lazy-load database."""
    with open(os.path.join(data_dir, "Rdata.rdx"), "rb") as f:
        index = RReader(gzip.decompress(f.read())).object()
    with open(os.path.join(data_dir, "Rdata.rdb"), "rb") as f:
        db = f.read()
    if index["compressed"] not in ([1], [True]):
        raise ValueError("only zlib-compressed lazy-load databases are read")
    result = {}
    for name, (offset, length) in index["variables"].items():
        chunk = db[offset:offset + length]
        (size,) = struct.unpack_from(">I", chunk, 0)
        data = zlib.decompress(chunk[4:])
        if len(data) != size:
            raise ValueError(f"{name}: {len(data)} bytes, expected {size}")
        result[name] = RReader(data).object()
    return result


def unwrap(lines):
    """Joins each paragraph's printed lines with spaces; paragraphs are
    separated by one blank line, as in the source."""
    paragraphs, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return "\n\n".join(paragraphs) + "\n"


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(REPO, "build", "text", "austen"))
    parser.add_argument("--cache", default=os.path.join(REPO, "build", "text", "cache"))
    args = parser.parse_args()
    os.makedirs(args.cache, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    debs = glob.glob(os.path.join(args.cache, f"{PACKAGE}_*.deb"))
    if not debs:
        subprocess.run(["apt-get", "download", PACKAGE], cwd=args.cache, check=True,
                       stdout=subprocess.DEVNULL)
        debs = glob.glob(os.path.join(args.cache, f"{PACKAGE}_*.deb"))
    deb = sorted(debs)[-1]
    unpacked = os.path.join(args.cache, "unpacked")
    subprocess.run(["dpkg-deb", "-x", deb, unpacked], check=True)
    novels = read_lazy_load_db(os.path.join(unpacked, DATA_DIR))
    counts = {}
    for name, lines in sorted(novels.items()):
        if not isinstance(lines, list) or not all(isinstance(l, str) for l in lines):
            sys.exit(f"{name}: expected a character vector")
        text = unwrap(lines)
        with open(os.path.join(args.out, f"{name}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        counts[name] = {"lines": len(lines), "characters": len(text)}
    with open(os.path.join(args.out, "provenance.json"), "w") as f:
        json.dump({"debian_package": os.path.basename(deb), "sha256": sha256(deb),
                   "novels": counts}, f, indent=1)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
