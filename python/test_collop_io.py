#!/usr/bin/env python3
"""Tests of python/collop_io.py on real collop output, and of sweeps read and plotted with it.

    python3 python/test_collop_io.py            (COLLOP = the collop binary; default .build/release/collop)

Runs the release collop of every command on small grids in TSV and JSON, and in HDF5 when
this collop writes it (`collop spectrum --help` lists --format hdf5; otherwise the HDF5 path
of the reader is tested on files python/hdf5_fixture.py writes from the TSV, per the
layout), and asserts that the reader gives the same header and frames from each: numbers
bit-identical, NaN at the same places, the same column kinds. Then the reader's refusals,
and a diffusion and a closure sweep (scripts/sweep.sh) merged by scripts/merge.sh and drawn
by scripts/figures.sh --sweep (skipped without GNU parallel or gnuplot). Installs numpy,
pandas and h5py with pip when missing. Plain unittest; about half a minute.
"""

import importlib
import math
import os
import re
import shutil
import site
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def ensure_packages():
    """scripts/setup.sh installs them; a run outside it installs what is missing with pip (into
    the user site when the interpreter's own is not writable, which is then put on sys.path)."""
    for module in ("numpy", "pandas", "h5py"):
        try:
            importlib.import_module(module)
        except ImportError:
            pip = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", module]
            if subprocess.run(pip, stderr=subprocess.DEVNULL).returncode != 0:
                subprocess.run(pip + ["--user"], check=True)
                site.addsitedir(site.getusersitepackages())
    importlib.invalidate_caches()


ensure_packages()
sys.path.insert(0, HERE)
import numpy as np  # noqa: E402

import collop_io  # noqa: E402
import hdf5_fixture  # noqa: E402

COLLOP = os.environ.get("COLLOP") or os.path.join(ROOT, ".build", "release", "collop")
ENVIRONMENT = dict(os.environ, OPENBLAS_NUM_THREADS="1")


def collop(*args, check=True):
    result = subprocess.run([COLLOP, *args], capture_output=True, text=True, env=ENVIRONMENT)
    if check and result.returncode != 0:
        raise AssertionError(f"collop {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
    return result


def help_text(command):
    result = collop(command, "--help", check=False)
    return result.stdout if result.returncode == 0 else None


# Every command on a small grid (each run well under a second).
RUNS = [
    ("spectrum", ["spectrum", "--dim", "2", "--size", "6", "--singular", "lorentzian", "--q", "0.1,0"]),
    ("spectrum-vectors", ["spectrum", "--dim", "2", "--size", "6", "--vectors", "3", "--singular", "cooperon"]),
    ("check", ["check", "--dim", "2", "--size", "8"]),
    ("diffusion", ["diffusion", "--dim", "2", "--size", "12", "--singular", "cooperon"]),
    ("hierarchy", ["hierarchy", "--dim", "2", "--size", "6", "--omegas", "1e-2,1e-3,1e-4"]),
    ("flow", ["flow", "--dim", "2", "--size", "6", "--steps", "3"]),
    ("dispersion", ["dispersion", "--dim", "2", "--size", "12", "--singular", "cooperon", "--nq", "3"]),
    ("vw", ["vw", "--dim", "2", "--lambda", "0.1"]),
    ("vw-3d", ["vw", "--dim", "3", "--lambda", "0.3"]),
    ("vw-lattice", ["vw", "--lattice", "--dim", "2", "--size", "16", "--singular", "lorentzian"]),
    ("scaling", ["scaling", "--omegas", "1e-2,1e-3"]),
    ("closure", ["closure", "--singular", "cooperon", "--dim", "1", "--size", "64", "--omegas", "1e-2,1e-3"]),
    ("exact-1d", ["exact", "--dim", "1", "--energy", "-0.35", "--disorder", "2.4", "--samples", "20", "--length", "60"]),
    ("exact-2d", ["exact", "--dim", "2", "--energy", "0", "--disorders", "6,8", "--widths", "2,3", "--precision", "0.2"]),
    ("dry-run", ["diffusion", "--dry-run", "--dim", "2", "--size", "8"]),
]


def optional_runs():
    """Runs of commands this collop may not have yet: dos, diffusion --omegas."""
    runs = []
    if help_text("dos") is not None:
        runs.append(("dos", ["dos", "--dim", "2", "--size", "8"]))
    if re.search(r"^\s*--omegas\b", help_text("diffusion") or "", re.MULTILINE):
        runs.append(("diffusion-omegas", ["diffusion", "--dim", "2", "--size", "12", "--omegas", "1e-2,1e-3"]))
    return runs


def writes_hdf5():
    return "hdf5" in (help_text("spectrum") or "")


def same_value(a, b, where, integers_as_floats=False):
    """Equal header values: same kind (int, float, str, list), numbers bit-equal, NaN where
    the other has NaN; with integers_as_floats an int may equal a whole float (HDF5)."""
    if isinstance(a, list) or isinstance(b, list):
        assert isinstance(a, list) and isinstance(b, list) and len(a) == len(b), f"{where}: {a!r} ≠ {b!r}"
        for x, y in zip(a, b):
            same_value(x, y, where)
        return
    if integers_as_floats and {type(a), type(b)} == {int, float}:
        assert float(a) == float(b), f"{where}: {a!r} ≠ {b!r}"
        return
    assert type(a) is type(b), f"{where}: {a!r} ({type(a).__name__}) ≠ {b!r} ({type(b).__name__})"
    if isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), f"{where}: nan ≠ {b!r}"
    elif isinstance(a, float):
        assert a == b and math.copysign(1, a) == math.copysign(1, b), f"{where}: {a!r} ≠ {b!r}"
    else:
        assert a == b, f"{where}: {a!r} ≠ {b!r}"


def same_column(a, b, where, integers_as_floats=False):
    """Equal columns: the same dtype kind (int64 may be float64 with integers_as_floats),
    numbers bit-equal (±0 and all), NaN at the same rows, text cells equal."""
    kinds = {a.dtype.kind, b.dtype.kind}
    assert len(a) == len(b), f"{where}: {len(a)} ≠ {len(b)} rows"
    if kinds <= {"i", "f"} and (len(kinds) == 1 or integers_as_floats):
        x, y = a.to_numpy(np.float64), b.to_numpy(np.float64)
        nan = np.isnan(x)
        assert np.array_equal(nan, np.isnan(y)), f"{where}: NaN at rows {np.flatnonzero(nan ^ np.isnan(y))[:5]}"
        if len(kinds) == 1:
            differ = np.flatnonzero(x[~nan].view(np.uint64) != y[~nan].view(np.uint64))
        else:
            differ = np.flatnonzero(x[~nan] != y[~nan])
        assert differ.size == 0, f"{where}: rows differ, first {differ[:5]}: {x[~nan][differ[:3]]} ≠ {y[~nan][differ[:3]]}"
        return
    assert a.dtype.kind == b.dtype.kind, f"{where}: dtype {a.dtype} ≠ {b.dtype}"
    assert a.tolist() == b.tolist(), f"{where}: cells differ"


def assert_same_output(a, b, integers_as_floats=False):
    where = f"{a.path} vs {b.path}"
    assert (a.command, a.version) == (b.command, b.version), f"{where}: {a.command} {a.version} ≠ {b.command} {b.version}"
    assert list(a.header) == list(b.header), f"{where}: header keys {list(a.header)} ≠ {list(b.header)}"
    for key in a.header:
        same_value(a.header[key], b.header[key], f"{where}: header {key}", integers_as_floats)
    assert list(a.tables) == list(b.tables), f"{where}: tables {list(a.tables)} ≠ {list(b.tables)}"
    for name, frame in a.tables.items():
        other = b.tables[name]
        assert list(frame.columns) == list(other.columns), f"{where}: {name} columns {list(frame.columns)} ≠ {list(other.columns)}"
        for column in frame.columns:
            same_column(frame[column], other[column], f"{where}: {name}.{column}", integers_as_floats)


class FormatsAgree(unittest.TestCase):
    """TSV, JSON and HDF5 of one run read to the same header and frames."""

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="collop-io-test.")
        cls.hdf5 = writes_hdf5()
        if not cls.hdf5:
            sys.stderr.write("test_collop_io: this collop has no --format hdf5: the HDF5 reader is tested on "
                             "files python/hdf5_fixture.py writes from the TSV output\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def outputs(self, label, args):
        base = os.path.join(self.work, label)
        collop(*args, "--output", base + ".tsv")
        collop(*args, "--format", "json", "--output", base + ".json")
        if self.hdf5:
            collop(*args, "--format", "hdf5", "--output", base + ".h5")
        else:
            hdf5_fixture.write(base + ".tsv", base + ".h5", hdf5_fixture.json_table_names(base + ".json"))
        return [collop_io.read(base + extension) for extension in (".tsv", ".json", ".h5")]

    def sector_tables(self):
        """`spectrum --sector S` of every sector of a 6 × 6 grid: the inputs of merge-sectors."""
        model = ["--dim", "2", "--size", "6", "--singular", "cooperon"]
        paths = []
        for sector in ("A1", "A2", "B1", "B2", "E"):
            path = os.path.join(self.work, f"sector-{sector}.tsv")
            collop("spectrum", *model, "--sector", sector, "--quiet", "--output", path)
            paths.append(path)
        return paths

    def test_every_command_reads_the_same_from_each_format(self):
        runs = RUNS + [("merge-sectors", ["merge-sectors", *self.sector_tables()])] + optional_runs()
        for label, args in runs:
            with self.subTest(run=label):
                tsv, json_, h5 = self.outputs(label, args)
                self.assertEqual((tsv.format, json_.format, h5.format), ("tsv", "json", "hdf5"))
                self.assertEqual(tsv.command, "spectrum" if label == "merge-sectors" else args[0])
                self.assertRegex(tsv.version, r"^[0-9]+\.[0-9]+")
                if label != "dry-run":
                    self.assertTrue(tsv.tables, f"{label}: no table")
                assert_same_output(tsv, json_)
                assert_same_output(tsv, h5, integers_as_floats=True)

    def test_tables_are_named_and_typed(self):
        tsv, _, _ = self.outputs("hierarchy-names", RUNS[4][1])
        header, tables = tsv  # unpacks
        self.assertEqual(list(tables)[:2], ["hierarchy", "branches"])
        self.assertEqual(header["omegas"], [1e-2, 1e-3, 1e-4])
        self.assertEqual(header["q"], [0.0, 0.0])
        self.assertIsInstance(header["size"], int)
        self.assertIsInstance(header["gamma"], float)
        self.assertIsInstance(header["singular"], str)
        branches = tables["branches"]
        self.assertEqual(list(branches.columns), ["s", "omega", "re", "im", "abs", "overlap", "class"])
        self.assertEqual(branches["s"].dtype, np.int64)
        self.assertEqual(branches["abs"].dtype, np.float64)
        self.assertEqual(len(branches), 3 * 36)
        # |λ| of the table is the modulus of its re, im columns to the last bits.
        self.assertTrue(np.allclose(branches["abs"], np.hypot(branches["re"], branches["im"]), rtol=1e-15, atol=0))
        check, _, _ = self.outputs("check-names", RUNS[2][1])
        self.assertEqual(list(check.tables), ["identities"])
        vectors = self.outputs("vectors", RUNS[1][1])[2].tables["vectors"]
        self.assertEqual(list(vectors.columns), ["s", "k_index", "n1", "n2", "re", "im"])
        self.assertEqual(len(vectors), 3 * 36)
        # Each eigenvector's rows run over k = 0…N−1, and n1, n2 are the digits of k on the 6 × 6 grid.
        self.assertEqual(vectors["k_index"].tolist(), list(range(36)) * 3)
        k = vectors["k_index"]
        self.assertTrue((k == 6 * vectors["n1"] + vectors["n2"]).all() or (k == vectors["n1"] + 6 * vectors["n2"]).all())


class Refusals(unittest.TestCase):
    """A file that is not collop output is refused with a ValueError naming it and why."""

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="collop-io-refusals.")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def refused(self, name, content, *phrases):
        path = os.path.join(self.work, name)
        with open(path, "wb") as handle:
            handle.write(content)
        with self.assertRaises(ValueError) as raised:
            collop_io.read(path)
        message = str(raised.exception)
        self.assertIn(path, message)
        for phrase in phrases:
            self.assertIn(phrase, message)

    def test_refusals(self):
        self.refused("table.csv", b"a,b\n1,2\n", "not collop output", "# collop VERSION COMMAND")
        self.refused("empty.tsv", b"", "not collop output")
        self.refused("other.json", b'{"tool": "other"}', "not collop output", "tool")
        self.refused("broken.json", b'{"tool": "collop", ', "invalid JSON")
        self.refused("binary.dat", bytes(range(256)), "not UTF-8")
        self.refused("ragged.tsv", b"# collop 0.1.0 spectrum\n# dim = 2\ns\tre\n0\t1.5\n1\n", "line 5", "1 fields")
        self.refused("twice.tsv", b"# collop 0.1.0 spectrum\n# dim = 2\n# dim = 3\ns\n0\n", "dim", "twice")
        with self.assertRaises(ValueError) as raised:
            collop_io.read(os.path.join(self.work, "missing.tsv"))
        self.assertIn("missing.tsv", str(raised.exception))
        import h5py
        path = os.path.join(self.work, "foreign.h5")
        with h5py.File(path, "w") as handle:
            handle["x"] = [1, 2, 3]
        with self.assertRaises(ValueError) as raised:
            collop_io.read(path)
        self.assertIn("not collop output", str(raised.exception))

    def test_header_values_are_typed_from_their_spelling(self):
        path = os.path.join(self.work, "typed.tsv")
        with open(path, "w") as handle:
            handle.write("# collop 0.1.0 diffusion\n# q = 0.1\n# direction = 1.0,0.0\n# size = 12\n# gamma = nan\n"
                         "# hopping = 1.0\n# taus = -0.1,0.2\n# symmetry_sectors = A1:15,E:30\n# blank = \n"
                         "q\tD_re\tclass\n0.5\tnan\tM0\n-0\tinf\t-\n")
        header, tables = collop_io.read(path)
        self.assertEqual(header["q"], [0.1])
        self.assertEqual(header["direction"], [1.0, 0.0])
        self.assertEqual(header["size"], 12)
        self.assertTrue(math.isnan(header["gamma"]))
        self.assertEqual(header["taus"], [-0.1, 0.2])
        self.assertEqual(header["symmetry_sectors"], "A1:15,E:30")
        self.assertEqual(header["blank"], "")
        frame = tables["diffusion"]
        self.assertEqual(frame["q"].tolist(), [0.5, 0.0])
        self.assertTrue(math.isnan(frame["D_re"][0]) and frame["D_re"][1] == math.inf)
        self.assertEqual(frame["class"].tolist(), ["M0", "-"])


NEEDS_TOOLS = unittest.skipUnless(shutil.which("parallel") and shutil.which("gnuplot"),
                                  "GNU parallel or gnuplot missing (scripts/setup.sh)")


class SweepScripts(unittest.TestCase):
    """Runs scripts/*.sh in a scratch directory (the helpers of the sweep tests)."""

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="collop-io-sweeps.")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def script(self, name, *args):
        result = subprocess.run([os.path.join(ROOT, "scripts", name), *args], capture_output=True, text=True,
                                cwd=self.work, env=dict(ENVIRONMENT, COLLOP=COLLOP))
        self.assertEqual(result.returncode, 0, f"{name} {' '.join(args)}: {result.stderr}")
        return result

    def sweep(self, name, description):
        path = os.path.join(self.work, name + ".toml")
        with open(path, "w") as handle:
            handle.write(description)
        outdir = os.path.join(self.work, name)
        self.script("sweep.sh", "-q", "-o", outdir, path)
        self.script("merge.sh", outdir)
        return outdir

    def figure(self, outdir):
        result = self.script("figures.sh", "--sweep", outdir)
        png = result.stdout.strip().splitlines()[-1]
        with open(png, "rb") as handle:
            data = handle.read()
        self.assertTrue(data.startswith(b"\x89PNG\r\n\x1a\n"), png)
        self.assertGreater(len(data), 5000, png)
        return png


@NEEDS_TOOLS
class SweepsReadAndPlotted(SweepScripts):
    """A diffusion and a closure sweep: merged (one file per table), read back, and drawn."""

    def test_diffusion_sweep(self):
        outdir = self.sweep("diffusion", 'command = "diffusion"\n[base]\ndim = 2\nsingular = "cooperon"\n'
                                         '[vary]\nsize = [8, 10]\nomega = [1e-2, 1e-3]\n')
        merged = collop_io.read(os.path.join(outdir, "merged.tsv"))
        self.assertEqual((merged.command, merged.version, list(merged.tables)), ("diffusion", None, ["diffusion"]))
        frame = merged.tables["diffusion"]
        self.assertEqual(list(frame.columns[:2]), ["size", "omega"])
        self.assertEqual(len(frame), 4 * 5)
        # Every point's rows, as the point's own file has them.
        point = collop_io.read(os.path.join(outdir, "points", "size=10,omega=0.001.tsv")).tables["diffusion"]
        rows = frame[(frame["size"] == 10) & (frame.iloc[:, 1] == 1e-3)]
        for column in point.columns:
            same_column(rows[column].reset_index(drop=True), point[column], f"merged {column}")
        self.assertTrue(self.figure(outdir).endswith("diffusion.png"))

    def test_closure_sweep(self):
        outdir = self.sweep("closure", 'command = "closure"\nargs = ["--omegas", "1e-2,1e-3,1e-4"]\n'
                                       '[base]\ndim = 1\nsize = 256\nsingular = "cooperon"\nenergy = -0.35\n'
                                       '[vary]\ndisorder = [1.6, 2.0]\n')
        merged = collop_io.read(os.path.join(outdir, "merged.tsv"))
        self.assertEqual(list(merged.tables), ["closure"])
        self.assertEqual(merged.tables["closure"]["disorder"].tolist(), [1.6] * 3 + [2.0] * 3)
        self.assertTrue(self.figure(outdir).endswith("closure.png"))


@NEEDS_TOOLS
class SweepFiguresOfComingTables(SweepScripts):
    """The figures of `dos` and `diffusion --omegas` sweeps, from point tables laid out as
    those commands write them (issue 25: table dos with energy, scba, rho, sigma_re,
    sigma_im, gamma, l, D_RA, D_RR; diffusion's long table with an omega column and a fit
    table omega, D_fit_re, D_fit_im), for as long as this collop has neither."""

    def handmade_sweep(self, name, command, key, points):
        """A sweep directory as scripts/sweep.sh leaves it: points = {value: TSV text}."""
        outdir = os.path.join(self.work, name)
        os.makedirs(os.path.join(outdir, "points"))
        with open(os.path.join(outdir, "points.tsv"), "w") as handle:
            handle.write(f"point\t{key}\n" + "".join(f"{key}={v}\t{v}\n" for v in points))
        with open(os.path.join(outdir, "sweep.json"), "w") as handle:
            handle.write(f'{{"command": "{command}", "sweep_file": "{name}.toml"}}\n')
        for value, text in points.items():
            with open(os.path.join(outdir, "points", f"{key}={value}.tsv"), "w") as handle:
                handle.write(text)
        self.script("merge.sh", outdir)
        return outdir

    def test_dos_sweep(self):
        units = "# units = t = 1, lattice spacing a = 1, hbar = 1 (energies and rates in t, q in 1/a, D in a^2 t/hbar)\n"
        def point(w):
            rows = [f"{e}\tok\t{0.1 + 0.01 * w * e * e!r}\t0.0\t{-0.1 * w!r}\t{0.1 * w!r}\t{1 / w!r}\t1.0\t0.1" for e in (-1.0, 0.0, 1.0)]
            rows.append("5.0\tnone\tnan\tnan\tnan\tnan\tnan\tnan\tnan")
            return (f"# collop 0.1.0 dos\n{units}# dim = 2\n# disorder = {w}\nenergy\tscba\trho\tsigma_re\tsigma_im\tgamma\tl\tD_RA\tD_RR\n"
                    + "\n".join(rows) + "\n")
        outdir = self.handmade_sweep("dos", "dos", "disorder", {"1.0": point(1.0), "2.0": point(2.0)})
        merged = collop_io.read(os.path.join(outdir, "merged.tsv"))
        frame = merged.tables["dos"]
        self.assertEqual(frame["scba"].tolist(), ["ok", "ok", "ok", "none"] * 2)
        self.assertTrue(np.isnan(frame["rho"][3]))
        self.assertTrue(self.figure(outdir).endswith("dos.png"))

    def test_diffusion_omegas_sweep(self):
        def point(size):
            long_rows = [f"{w}\t{q}\t-1e-05\t-0.001\t1.0\t{3.0 - 1 / size!r}\t{-w * size!r}" for w in (0.01, 0.001) for q in (0.01, 0.02)]
            fit_rows = [f"{w}\t{3.0 - 1 / size!r}\t{-w * size!r}" for w in (0.01, 0.001)]
            return (f"# collop 0.1.0 diffusion\n# dim = 2\n# size = {size}\n# omegas = 0.01,0.001\n"
                    "omega\tq\tlambda0_re\tlambda0_im\tw0\tD_re\tD_im\n" + "\n".join(long_rows)
                    + "\n\n\n# table = fit\nomega\tD_fit_re\tD_fit_im\n" + "\n".join(fit_rows) + "\n")
        outdir = self.handmade_sweep("omegas", "diffusion", "size", {"8": point(8), "12": point(12)})
        fit = collop_io.read(os.path.join(outdir, "merged-fit.tsv"))
        self.assertEqual(list(fit.tables), ["fit"])
        self.assertEqual(list(fit.tables["fit"].columns), ["size", "omega", "D_fit_re", "D_fit_im"])
        self.assertTrue(self.figure(outdir).endswith("diffusion.png"))
        with open(os.path.join(outdir, "figure-data", "sweep.gp")) as handle:
            variables = handle.read()
        self.assertIn('names[1] = "ω = 10^{-2}"', variables)  # one curve per ω


if __name__ == "__main__":
    if not os.access(COLLOP, os.X_OK):
        sys.exit(f"test_collop_io: no collop at {COLLOP} (build it: swift build -c release, or set COLLOP)")
    unittest.main(verbosity=2)
