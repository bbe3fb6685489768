"""Writes a collop TSV output as HDF5 in the layout of `collop --format hdf5` (format_version 1),
with h5py, straight from the TSV text — a stand-in for `collop --format hdf5` in
python/test_collop_io.py while the binary cannot write HDF5 itself.

    python3 python/hdf5_fixture.py RUN.tsv RUN.json RUN.h5   (RUN.json: the same run's JSON, for the table names)

It does not use collop_io (the reader under test): it splits the TSV lines itself and gives
each column the kind the layout prescribes for collop's cells — int64 when every cell is an
integer, float64 when every cell is a number, strings otherwise; adjacent X_re, X_im pairs
as one compound {r, i} dataset X (re, im → value); the streamed vectors table as a K × N
compound dataset beside s, k_index, n1..nd. Header values: list keys (q, omegas,
direction) as float64 arrays, integers as int64, numbers as float64, the rest as strings.
"""

import json
import re
import sys

import h5py
import numpy as np

INTEGER = re.compile(r"[-+]?[0-9]+")
NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?(nan|inf)")
TEXT = h5py.string_dtype("utf-8")
COMPLEX = np.dtype([("r", np.float64), ("i", np.float64)])


def split(path, names):
    """(version, command, [(key, text)], [(name, columns, rows)]) of a collop TSV file; the
    unnamed first table gets names[0]."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    _, _, version, command = lines[0].split()
    header, tables, name = [], [], None
    for line in lines[1:]:
        if not line:
            continue
        if line.startswith("# table = "):
            name = line[len("# table = "):]
        elif line.startswith("# "):
            key, value = line[2:].split(" = ", 1)
            header.append((key, value))
        elif tables and name is None:
            tables[-1][2].append(line.split("\t"))
        else:
            tables.append((name or names[0], line.split("\t"), []))
            name = None
    return version, command, header, tables


def column(cells):
    if all(INTEGER.fullmatch(c) for c in cells):
        return np.array([int(c) for c in cells], dtype=np.int64)
    if all(NUMBER.fullmatch(c) for c in cells):
        return np.array([float(c) for c in cells], dtype=np.float64)
    return np.array(cells, dtype=object)


def attribute(key, text):
    if key in ("q", "omegas", "direction", "disorders", "widths", "crossing_widths", "energies"):
        return np.array([float(x) for x in text.split(",")], dtype=np.float64)
    if INTEGER.fullmatch(text):
        return np.int64(int(text))
    if NUMBER.fullmatch(text):
        return np.float64(float(text))
    return text


def strings(values):
    return np.array(values, dtype=TEXT)


def write(tsv, target, names):
    """TSV → HDF5; `names`: the table names in order (as the JSON output of the same run has them)."""
    version, command, header, tables = split(tsv, names)
    with h5py.File(target, "w") as h5:
        h5.attrs["format_version"] = np.int64(1)
        h5.attrs["tool"] = "collop"
        h5.attrs["version"] = version
        h5.attrs["command"] = command
        for key, text in header:
            h5.attrs[key] = attribute(key, text)
        h5.attrs["header_keys"] = strings([k for k, _ in header])
        h5.attrs["table_names"] = strings([n for n, _, _ in tables])
        for name, columns, rows in tables:
            group = h5.create_group(name)
            group.attrs["columns"] = strings(columns)
            group.attrs["rows"] = np.int64(len(rows))
            data = {c: column([r[j] for r in rows]) for j, c in enumerate(columns)}
            if name == "vectors":
                n = int(np.max(data["k_index"])) + 1
                group["s"] = data["s"][::n]
                for c in columns[1:-2]:
                    group[c] = data[c][:n]
                vector = np.empty((len(rows) // n, n), dtype=COMPLEX)
                vector["r"] = data["re"].reshape(-1, n)
                vector["i"] = data["im"].reshape(-1, n)
                group.create_dataset("vector", data=vector, chunks=(1, n), shuffle=True, compression="gzip",
                                     compression_opts=1)
                group.attrs["layout"] = "vector[j, k] is the TSV row (s = s[j], " + \
                    ", ".join(f"{c} = {c}[k]" for c in columns[1:-2]) + ")"
                group.attrs["complex_pairs"] = strings(["vector"])
                continue
            pairs, j = [], 0
            while j < len(columns):
                c = columns[j]
                if (j + 1 < len(columns) and c.endswith("re") and columns[j + 1] == c[:-2] + "im"
                        and (c == "re" or c.endswith("_re"))
                        and data[c].dtype.kind in "if" and data[columns[j + 1]].dtype.kind in "if"):
                    dataset = c[:-3] if c != "re" else "value"
                    pair = np.empty(len(rows), dtype=COMPLEX)
                    pair["r"], pair["i"] = data[c], data[columns[j + 1]]
                    group[dataset] = pair
                    pairs.append(dataset)
                    j += 2
                    continue
                values = data[c]
                group.create_dataset(c, data=values, dtype=TEXT if values.dtype == object else values.dtype)
                j += 1
            if pairs:
                group.attrs["complex_pairs"] = strings(pairs)


def json_table_names(path):
    with open(path, encoding="utf-8") as handle:
        return [k for k in json.load(handle) if k not in ("tool", "version", "command", "header")]


if __name__ == "__main__":
    write(sys.argv[1], sys.argv[3], json_table_names(sys.argv[2]))
