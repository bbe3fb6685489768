"""Reads collop output — TSV, JSON or HDF5 — into a header dict and pandas DataFrames.

    >>> from collop_io import read
    >>> header, tables = read("hierarchy.tsv")        # or .json, .h5: the same result
    >>> header["gamma"], list(tables)
    (0.22045056611003389, ['hierarchy', 'branches', 'structure', 'ward'])
    >>> tables["branches"][["s", "omega", "abs", "class"]]

`read(path)` returns a `CollopOutput` with

- `.header`: dict, in printed order, of the `# key = value` lines (JSON "header", HDF5 root
  attributes): int, float, str, or list[float] (q, omegas, direction, disorders, widths …,
  and any value that is a comma-separated list of numbers). NaN, whether written `nan` (TSV), `null` (JSON) or
  NaN (HDF5), is float('nan').
- `.tables`: dict table name → DataFrame, in printed order, with the TSV column names in
  order; a complex quantity is the two float columns X_re, X_im, as TSV has them. A column
  is int64 when every cell is an integer, float64 when every cell is a number (nan, inf
  included), otherwise object with each cell as TSV spells it.
- `.command`, `.version`: the collop subcommand and version (`version` is None for a table
  merged by scripts/merge.sh, whose first line is `# collop-merge COMMAND`).
- `.format`: "tsv", "json" or "hdf5", told from the content (not the extension).

The same run read from its TSV, JSON and HDF5 files gives equal headers and frames (the
numbers are bit-identical). Two limits of the formats: JSON writes ±inf as null, which
reads as NaN; and a column (or header value) of floating-point numbers that all happen to
be whole is int64 from TSV and JSON (they print it as `2`), float64 from HDF5.

Naming of the tables. JSON and HDF5 name every table. TSV names the second and later ones
(`# table = NAME`) but not the first, which gets the name JSON gives it: the command's name,
except `identities` for `check` and `scaling` for `exact --widths` (its columns start with
disorder, width); a merged sweep table (scripts/merge.sh) is named by its `# merged_table`.

Only numpy and pandas are needed; h5py is imported when an HDF5 file is read. A file that
is not collop output raises ValueError naming the path and what is wrong.
"""

import json
import math
import re

import numpy as np
import pandas as pd

__all__ = ["read", "CollopOutput", "typed_value"]

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
# Header keys whose value is always a list of numbers (collop's Report.listKeys and the
# other keys it writes as lists: exact's scans, dos's energies), even of one element.
LIST_KEYS = ("q", "omegas", "direction", "disorders", "widths", "crossing_widths", "energies")
# The spellings of numbers collop writes (%.17g, Swift's shortest form, nan, inf); Python's
# float() alone would also take "1_000" or " 12 ".
INTEGER = re.compile(r"[-+]?[0-9]+")
NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?(nan|inf|infinity)", re.IGNORECASE)


class CollopOutput:
    """The header and tables of one collop output file; unpacks as `header, tables`."""

    def __init__(self, path, fmt, command, version, header, tables):
        self.path, self.format, self.command, self.version = path, fmt, command, version
        self.header, self.tables = header, tables

    def __iter__(self):
        return iter((self.header, self.tables))

    def __repr__(self):
        shapes = ", ".join(f"{name} {frame.shape[0]}×{frame.shape[1]}" for name, frame in self.tables.items())
        return (f"CollopOutput({self.path!r}: {self.format}, collop {self.version or '(merged)'} {self.command}, "
                f"{len(self.header)} header keys; {shapes})")


def read(path):
    """Reads one collop output file (TSV, JSON or HDF5, told from its first bytes)."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(8)
    except OSError as error:
        raise ValueError(f"{path}: cannot read: {error.strerror}") from None
    if start == HDF5_SIGNATURE:
        return _read_hdf5(path)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not collop output: not UTF-8 text ({error.reason} at byte {error.start}) "
                         "and not HDF5") from None
    if text.lstrip().startswith("{"):
        return _read_json(path, text)
    if text.startswith("# collop"):
        return _read_tsv(path, text)
    first = text.split("\n", 1)[0][:80]
    raise ValueError(f"{path} is not collop output: it is not HDF5, not a JSON object, and its first line "
                     f"{first!r} is not '# collop VERSION COMMAND' (TSV) or '# collop-merge COMMAND' (a merged sweep)")


# ---------------------------------------------------------------- typing of spelled values

def typed_value(key, text):
    """A header value from its TSV spelling: list[float] for the list keys and any
    comma-separated numbers, int, float (nan, inf included), else the text itself."""
    if key in LIST_KEYS or "," in text:
        parts = text.split(",")
        if all(NUMBER.fullmatch(p) for p in parts):
            return [float(p) for p in parts]
        return text
    if INTEGER.fullmatch(text):
        return int(text)
    if NUMBER.fullmatch(text):
        return float(text)
    return text


INTEGERS = re.compile(r"(?:[-+]?[0-9]+\n)*")
NUMBERS = re.compile(r"(?:(?:%s)\n)*" % NUMBER.pattern, re.IGNORECASE)


def _typed_column(cells):
    """A column from the TSV spellings of its cells: int64, float64, or object (the spellings).
    (One pattern match over the joined cells decides, far faster than one per cell.)"""
    cells = list(cells)
    joined = "\n".join(cells) + "\n" if cells else ""
    if INTEGERS.fullmatch(joined):
        return np.array(cells, dtype=np.int64) if cells else np.zeros(0, dtype=np.int64)
    if NUMBERS.fullmatch(joined):
        return np.array([float(c) for c in cells], dtype=np.float64)
    return np.array(cells, dtype=object)


def _frame(columns, cells, path, name):
    """A DataFrame from the columns' spelled cells (`cells[j]` = the cells of column j)."""
    if len(set(columns)) != len(columns):
        raise ValueError(f"{path}: table {name!r} repeats a column name: {columns}")
    return pd.DataFrame({c: _typed_column(v) for c, v in zip(columns, cells)}, columns=columns)


def _first_table_name(command, columns, header):
    if "merged_table" in header:
        return str(header["merged_table"])
    if command == "check":
        return "identities"
    if command == "exact" and columns[:2] == ["disorder", "width"]:
        return "scaling"
    return command


# ---------------------------------------------------------------- TSV

def _read_tsv(path, text):
    first, _, rest = text.partition("\n")
    words = first.split()
    if len(words) == 3 and words[1] == "collop-merge":
        version, command = None, words[2]
    elif len(words) == 4 and words[1] == "collop":
        version, command = words[2], words[3]
    else:
        raise ValueError(f"{path} is not collop output: its first line {first[:80]!r} is not "
                         "'# collop VERSION COMMAND' or '# collop-merge COMMAND'")
    header, tables, name = {}, {}, None
    number = 2  # the line number of the chunk's first line
    # Paragraphs between blank lines: comment lines (the header, `# table = NAME`), then a table.
    for chunk in rest.split("\n\n"):
        lines = chunk.split("\n")
        i = 0
        while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
            line = lines[i]
            match = re.match(r"#\s*([^=]+?)\s*=\s?(.*)$", line) if line.startswith("#") else None
            if match and match.group(1) == "table":
                name = match.group(2).strip()
            elif line.strip() and not tables:
                if not match:
                    raise ValueError(f"{path}, line {number + i}: a header line is '# key = value', got {line[:80]!r}")
                key = match.group(1)
                if key in header:
                    raise ValueError(f"{path}, line {number + i}: header key {key!r} appears twice")
                header[key] = typed_value(key, match.group(2))
            i += 1
        body = lines[i:]
        while body and not body[-1].strip():
            body.pop()
        if body:
            if tables and name is None:
                raise ValueError(f"{path}, line {number + i}: a second table without a '# table = NAME' line")
            columns = body[0].split("\t")
            name = name or _first_table_name(command, columns, header)
            if name in tables:
                raise ValueError(f"{path}: two tables named {name!r}")
            tables[name] = _tsv_table(path, name, columns, body[1:], number + i)
            name = None
        number += chunk.count("\n") + 2
    return CollopOutput(path, "tsv", command, version, header, tables)


def _tsv_table(path, name, columns, rows, number):
    """The frame of a TSV table whose column row is line `number` and whose rows follow."""
    n = len(columns)
    for offset, row in enumerate(rows, start=1):
        if row.count("\t") != n - 1:
            raise ValueError(f"{path}, line {number + offset}: {row.count(chr(9)) + 1} fields, but the column row "
                             f"(line {number}) names {n}")
    fields = "\t".join(rows).split("\t") if rows else []
    return _frame(columns, [fields[j::n] for j in range(n)], path, name)


# ---------------------------------------------------------------- JSON

def _spelling(value):
    """The TSV spelling of a JSON value read with numbers kept as their text; null is nan."""
    if value is None:
        return "nan"
    if isinstance(value, list):
        return ",".join(_spelling(v) for v in value)
    return value


def _read_json(path, text):
    try:
        document = json.loads(text, parse_float=str, parse_int=str)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not collop output: invalid JSON at line {error.lineno}, column {error.colno}: "
                         f"{error.msg}") from None
    if not isinstance(document, dict) or document.get("tool") != "collop":
        raise ValueError(f"{path} is not collop output: a JSON object without \"tool\": \"collop\"")
    missing = [k for k in ("version", "command", "header") if k not in document]
    if missing:
        raise ValueError(f"{path} is not complete collop JSON: no {', '.join(repr(k) for k in missing)}")
    header = {}
    for key, value in document["header"].items():
        if isinstance(value, list):
            header[key] = [math.nan if v is None else float(v) for v in value]
        else:
            header[key] = typed_value(key, _spelling(value))
    tables = {}
    for name, table in document.items():
        if name in ("tool", "version", "command", "header"):
            continue
        try:
            columns, rows = table["columns"], table["rows"]
            cells = [[_spelling(row[c]) for row in rows] for c in columns]
        except (TypeError, KeyError) as error:
            raise ValueError(f"{path}: table {name!r} is not {{\"columns\": [...], \"rows\": [{{...}}]}} "
                             f"(missing {error})") from None
        tables[name] = _frame(columns, cells, path, name)
    return CollopOutput(path, "json", document["command"], document["version"], header, tables)


# ---------------------------------------------------------------- HDF5 (the layout of collop --format hdf5, format_version 1)

def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _texts(values):
    return [_text(v) for v in np.asarray(values).ravel()]


def _hdf5_value(key, value):
    value = np.asarray(value)
    if value.dtype.kind in ("S", "O", "U"):
        return typed_value(key, _text(value.item() if value.ndim == 0 else value.ravel()[0]))
    if value.ndim > 0:
        return [float(v) for v in value.ravel()]
    if value.dtype.kind in ("i", "u"):
        return int(value)
    return float(value)


def _hdf5_column(dataset):
    values = dataset[()]
    if dataset.dtype.kind == "O" or dataset.dtype.kind == "S":
        return _typed_column(_texts(values))
    return values


def _read_hdf5(path):
    try:
        import h5py
    except ImportError:
        raise ValueError(f"{path} is HDF5: reading it needs h5py (python3 -m pip install --user h5py)") from None
    try:
        handle = h5py.File(path, "r")
    except OSError as error:
        raise ValueError(f"{path}: cannot open as HDF5: {error}") from None
    with handle:
        attributes = handle.attrs
        if _text(attributes.get("tool", b"")) != "collop":
            raise ValueError(f"{path} is HDF5 but not collop output (no root attribute tool = \"collop\")")
        layout = int(attributes.get("format_version", 0))
        if layout != 1:
            raise ValueError(f"{path}: collop HDF5 layout format_version {layout}; this reader knows 1")
        header = {key: _hdf5_value(key, attributes[key]) for key in _texts(attributes["header_keys"])}
        tables = {}
        for name in _texts(attributes["table_names"]):
            group = handle[name]
            columns = _texts(group.attrs["columns"])
            pairs = _texts(group.attrs["complex_pairs"]) if "complex_pairs" in group.attrs else []
            matrices = [key for key in group if group[key].ndim == 2]
            if matrices:
                tables[name] = _stream_frame(path, group, columns, matrices[0])
                continue
            data = {}
            for pair in pairs:
                real, imaginary = _pair_columns(path, name, pair, columns)
                data[real], data[imaginary] = _parts(group[pair][()])
            for column in columns:
                if column not in data:
                    data[column] = _hdf5_column(group[column])
            tables[name] = pd.DataFrame({c: data[c] for c in columns}, columns=columns)
        return CollopOutput(path, "hdf5", _text(attributes["command"]), _text(attributes["version"]), header, tables)


def _pair_columns(path, table, pair, columns):
    """The TSV columns of the complex dataset `pair`: pair_re, pair_im, or re, im (named `value`,
    or the matrix of a streamed table)."""
    for real, imaginary in ((pair + "_re", pair + "_im"), ("re", "im")):
        if real in columns and imaginary in columns:
            return real, imaginary
    raise ValueError(f"{path}: table {table!r}: the complex dataset {pair!r} matches no X_re, X_im pair of {columns}")


def _parts(values):
    """Real and imaginary parts of a {r, i} compound (or complex) array, as float64 arrays."""
    if values.dtype.names:
        return np.ascontiguousarray(values["r"]), np.ascontiguousarray(values["i"])
    return np.ascontiguousarray(values.real), np.ascontiguousarray(values.imag)


def _stream_frame(path, group, columns, pair):
    """The long form of a streamed table (spectrum's eigenvectors: s, k_index, n1..nd, re, im;
    K groups of N rows) from its K × N complex matrix `pair` and the columns beside it, one
    value per group (`X = X[j]` in the `layout` attribute) or per row of a group (`X = X[k]`)."""
    matrix = group[pair][()]
    k, n = matrix.shape
    layout = _text(group.attrs["layout"]) if "layout" in group.attrs else ""
    per_group = set(re.findall(r"(\w+) = \1\[j\]", layout))
    real, imaginary = _pair_columns(path, group.name, pair, columns)
    data = dict(zip((real, imaginary), _parts(matrix.reshape(-1))))
    for column in columns:
        if column in data:
            continue
        values = _hdf5_column(group[column])
        grouped = column in per_group if layout else (len(values) == k and k != n)
        data[column] = np.repeat(values, n) if grouped else np.tile(values, k)
    return pd.DataFrame({c: data[c] for c in columns}, columns=columns)
