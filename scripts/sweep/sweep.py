#!/usr/bin/env python3
"""Helper of scripts/sweep.sh and scripts/merge.sh (Python 3.11+; standard library only, but
the merge reads the point tables with python/collop_io.py, which needs numpy and pandas).

    sweep.py plan SWEEP OUTDIR [--shard I/N] [--list] [--collop PATH]
        Reads a sweep description (TOML, or JSON), expands the Cartesian product of its
        [vary] table into points, writes OUTDIR/sweep.json, OUTDIR/points.tsv and
        OUTDIR/base.json, and prints the points of the shard that still need computing,
        after a first line "#<TAB>points in the shard<TAB>already complete", one per line:
        NAME<TAB>collop argument<TAB>collop argument…
        With --collop, first validates the whole description against that collop (see
        validate below) and creates nothing if it is refused.
    sweep.py progress OUTDIR --total N --skipped K [--quiet]
        Reads the status lines of scripts/sweep/run-point.sh from stdin and prints
        progress on stderr; at end of input rewrites OUTDIR/failures.tsv. Exit status
        0 all done, 1 some point failed, 4 input ended before every point reported.
    sweep.py failures OUTDIR
        Rewrites OUTDIR/failures.tsv from OUTDIR/failed/*.err.
    sweep.py merge OUTDIR [--table NAME] [--keys K1,K2] [--summary] [--partial] [-o FILE]
        Joins the per-point tables into one long table per table (see scripts/merge.sh -h).

Exit status 2 means bad input (sweep file, arguments, disagreeing headers); the message
names the file and the offending key or value.
"""

import difflib
import itertools
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

COMMANDS = ("spectrum", "check", "diffusion", "hierarchy", "flow", "dispersion", "closure", "vw", "scaling",
            "exact", "dos")
TOP_KEYS = ("command", "args", "base", "vary")
RESERVED_ARGS = ("--output", "--config")
# Options the sweep sets itself, or that would make a point's table something other than
# the TSV table merge.sh reads: not allowed in args (or [vary], or [base]).
NOT_IN_ARGS = ("-o", "--output", "--config", "--dry-run", "-h", "--help", "--version",
               "--experimental-dump-help")
NOT_SWEPT = ("output", "config", "format", "quiet", "dry-run", "help", "version")


class BadInput(Exception):
    """Reported as `sweep: message` with exit status 2."""


# ---------------------------------------------------------------- small utilities

def process_umask():
    """The process umask (read from /proc, else set and restored: no thread runs meanwhile)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path, text):
    """Writes `text` to `path` through a temporary file in the same directory + rename.
    The file gets the mode a plain open() would give it, 0666 & ~umask (mkstemp's is 0600)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            os.fchmod(handle.fileno(), 0o666 & ~process_umask())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def format_scalar(value, where):
    """The command-line spelling of a TOML scalar (bool → on/off, float → shortest repr)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadInput(f"{where}: {value} is not a finite number")
        return repr(value)
    if isinstance(value, str):
        if value == "" or any(c in value for c in "\t\n\r"):
            raise BadInput(f"{where}: {value!r} is not allowed (empty, or contains a tab or newline)")
        return value
    raise BadInput(f"{where}: a {type(value).__name__} is not allowed (use a number, a string, a boolean or a list of numbers)")


def format_value(value, where):
    """Flag spelling of one point value: scalars as above, lists comma-joined (like --q)."""
    if isinstance(value, list):
        if not value:
            raise BadInput(f"{where}: an empty list is not a value")
        return ",".join(format_scalar(element, where) for element in value)
    return format_scalar(value, where)


def name_part(text):
    """The piece of a point name for one value: path-safe, no commas (they separate keys)."""
    return re.sub(r"[^A-Za-z0-9.+\-_]", "_", text.replace(",", "_"))


def expand_range(spec, where):
    """{start, stop, num, scale = "lin"|"log"} → the list of values (12 significant digits)."""
    unknown = set(spec) - {"start", "stop", "num", "scale"}
    if unknown or not {"start", "stop", "num"} <= set(spec):
        raise BadInput(f"{where}: a range is {{ start = a, stop = b, num = n, scale = \"lin\"|\"log\" }}; got keys {sorted(spec)}")
    start, stop, num = spec["start"], spec["stop"], spec["num"]
    scale = spec.get("scale", "lin")
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (start, stop)):
        raise BadInput(f"{where}: start and stop must be numbers")
    if not isinstance(num, int) or isinstance(num, bool) or num < 1:
        raise BadInput(f"{where}: num must be an integer ≥ 1, got {num!r}")
    if scale not in ("lin", "log"):
        raise BadInput(f"{where}: scale must be \"lin\" or \"log\", got {scale!r}")
    if scale == "log" and (start <= 0 or stop <= 0):
        raise BadInput(f"{where}: a log range needs start > 0 and stop > 0")
    if num == 1:
        return [float(start)]
    values = []
    for i in range(num):
        f = i / (num - 1)
        x = start * (stop / start) ** f if scale == "log" else start + (stop - start) * f
        values.append(float(f"{x:.12g}"))
    return values


# ---------------------------------------------------------------- the sweep description

def load_description(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise BadInput(f"cannot read the sweep description {path}: {error.strerror}")
    text = data.decode("utf-8", errors="replace")
    if path.lower().endswith(".json") or text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise BadInput(f"{path} is not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}")
    try:
        import tomllib
    except ImportError:
        raise BadInput(f"{path}: reading TOML needs Python 3.11 (tomllib); this is {sys.version.split()[0]} — write the description as JSON instead")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadInput(f"{path} is not valid TOML: {error}")


def resolve(path):
    """Checks the description's structure; returns (command, args, base, vary, kinds) with
    vary = [(key, [spelled values])] and kinds[key][spelled value] = the value's kind_of."""
    d = load_description(path)
    if not isinstance(d, dict):
        raise BadInput(f"{path}: the top level must be a table")
    unknown = [k for k in d if k not in TOP_KEYS]
    if unknown:
        raise BadInput(f"{path}: unknown key {unknown[0]!r}; allowed top-level keys: {', '.join(TOP_KEYS)}")
    command = d.get("command")
    if command not in COMMANDS:
        raise BadInput(f"{path}: command = {command!r}; allowed: {', '.join(COMMANDS)}")
    args = d.get("args", [])
    if not isinstance(args, list) or not all(isinstance(a, (str, int, float)) and not isinstance(a, bool) for a in args):
        raise BadInput(f"{path}: args must be a list of strings (collop arguments), e.g. args = [\"--omegas\", \"1e-3,1e-4\"]")
    args = [a if isinstance(a, str) else format_scalar(a, f"{path}: args") for a in args]
    for i, a in enumerate(args):
        flag, _, attached = a.partition("=")
        if flag in RESERVED_ARGS or a == "-o":
            raise BadInput(f"{path}: args must not contain {a!r}: the sweep sets --output per point and passes [base] as --config")
        if flag in NOT_IN_ARGS:
            raise BadInput(f"{path}: args must not contain {a!r}: every point must write its complete table")
        if flag == "--format":
            value = attached if "=" in a else (args[i + 1] if i + 1 < len(args) else "")
            if value != "tsv":
                raise BadInput(f"{path}: args: --format {value or '(no value)'} is not allowed: sweeps need TSV tables "
                               "(the completeness check and scripts/merge.sh read TSV); remove --format (TSV is collop's default)")
    base = d.get("base", {})
    if not isinstance(base, dict):
        raise BadInput(f"{path}: [base] must be a table of model keys")
    for key, value in base.items():
        if isinstance(value, dict):
            raise BadInput(f"{path}: base.{key} is a table; [base] holds model keys with plain values (as in a --config file)")
    vary_table = d.get("vary")
    if not isinstance(vary_table, dict) or not vary_table:
        raise BadInput(f"{path}: [vary] is missing or empty; give at least one key = [values]")
    vary, kinds = [], {}
    for key, spec in vary_table.items():
        where = f"{path}: vary.{key}"
        if not re.fullmatch(r"[a-z][a-z0-9-]*", key):
            raise BadInput(f"{where}: a key must be a collop option name without the dashes (e.g. xi, range, self-energy)")
        if key in NOT_SWEPT:
            raise BadInput(f"{where}: --{key} cannot be swept")
        if isinstance(spec, dict):
            values = expand_range(spec, where)
        elif isinstance(spec, list):
            values = spec
        else:
            values = [spec]
        if not values:
            raise BadInput(f"{where}: no values")
        spelled = [format_value(v, where) for v in values]
        if len(set(spelled)) != len(spelled):
            raise BadInput(f"{where}: repeated value in {spelled}")
        vary.append((key, spelled))
        kinds[key] = dict(zip(spelled, (kind_of(v) for v in values)))
    return command, args, base, vary, kinds


def kind_of(value):
    """The type of a swept value, as part of a point's parameter shape: bool, int, float,
    str, or list[n] of element kinds."""
    if isinstance(value, list):
        return "list[" + ",".join(kind_of(v) for v in value) + "]"
    return type(value).__name__


def points_of(vary):
    """[(name, [(key, value)])] in Cartesian-product order (the last key varies fastest)."""
    keys = [k for k, _ in vary]
    points = []
    for combination in itertools.product(*[values for _, values in vary]):
        pairs = list(zip(keys, combination))
        name = ",".join(f"{k}={name_part(v)}" for k, v in pairs)
        points.append((name, pairs))
    names = [n for n, _ in points]
    if len(set(names)) != len(names):
        raise BadInput("two points get the same file name after making their values path-safe; change the values")
    longest = max(names, key=len)
    if len(longest) + 4 > 240:
        raise BadInput(f"point name too long for a file name ({len(longest)} characters): vary fewer keys or shorter values")
    return points


# ---------------------------------------------------------------- validation against collop

def collop_options(collop, command):
    """{long option name: "option" | "flag"} of `collop COMMAND`, read from its
    --experimental-dump-help; None if this collop cannot tell."""
    try:
        result = subprocess.run([collop, command, "--experimental-dump-help"], capture_output=True, timeout=60)
        arguments = json.loads(result.stdout)["command"]["arguments"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError):
        return None
    options = {}
    for argument in arguments:
        for name in argument.get("names", []):
            if name.get("kind") == "long" and argument.get("kind") in ("option", "flag"):
                options[name["name"]] = argument["kind"]
    return options or None


def unknown_option(name, options, command):
    """The 'not an option' phrase, with collop's nearest option name and the allowed ones."""
    valued = sorted(k for k, kind in options.items() if kind == "option" and k not in NOT_SWEPT)
    near = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    return f"'{name}' is not an option of collop {command}{hint} (allowed: {', '.join(valued)})"


def check_keys(path, command, args, base, vary, options):
    """Every key of [vary] and [base] and every option in args must be an option of
    `collop COMMAND`; a swept key must take a value."""
    for key, _ in vary:
        if key not in options:
            raise BadInput(f"{path}: vary.{key}: {unknown_option(key, options, command)}")
        if options[key] == "flag":
            raise BadInput(f"{path}: vary.{key}: --{key} is a flag of collop {command} (it takes no value), so it cannot "
                           f"be swept; to set it for every point put \"--{key}\" in args")
    if base and "config" not in options:
        raise BadInput(f"{path}: [base]: collop {command} reads no config file (it has no --config); "
                       "give those options in args or [vary]")
    for key in base:
        if key not in options:
            raise BadInput(f"{path}: [base] key {unknown_option(key, options, command)}; "
                           "[base] holds model options, as in a --config file")
    i = 0
    while i < len(args):
        flag, equals, _ = args[i].partition("=")
        i += 1
        if flag.startswith("--") and not re.fullmatch(r"--?[0-9.]+([eE][-+]?[0-9]+)?", flag):
            name = flag[2:]
            if name not in options:
                raise BadInput(f"{path}: args: --{name}: {unknown_option(name, options, command)}")
            if options[name] == "option" and not equals:
                i += 1  # its value


def probe(arguments, environment):
    """Runs a point of a command without --dry-run (scaling, exact) until collop has accepted
    its input — its first progress line on stderr (collop checks every option before it
    computes) — then stops it (SIGTERM: collop removes its temporary table); a point that
    finishes first, or is refused, returns as it ended. A CompletedProcess either way; the
    stopped one has status 0 and no header (nothing to read `ignored_options` from: these
    commands refuse an option they do not read instead of ignoring it)."""
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    lines = []
    for raw in process.stderr:
        lines.append(raw)
        if raw.startswith(b"collop ["):
            process.terminate()
            process.wait()
            process.stderr.close()
            return subprocess.CompletedProcess(arguments, 0, b"", b"".join(lines))
    process.wait()
    process.stderr.close()
    return subprocess.CompletedProcess(arguments, process.returncode, b"", b"".join(lines))


def validate(path, collop, command, args, base, vary, kinds, points):
    """Refuses (BadInput) a description collop would refuse for every point, or whose points
    would not differ, before anything is created or run: first the key names against
    collop's own option list, then one `collop … --dry-run` per model class — the parameter
    shape (the swept keys and the kinds of their values) and the swept text and boolean
    values (--singular, --profile … decide which options a model reads). A point refused
    for its values alone (ξ < 0, 2R ≥ L …) is not a bad description: the dry runs go on
    through the points of that class until one passes, and only a shape none of whose points
    passes is refused. A class that passes must read every option the description sets:
    an option in its header's `ignored_options` (the command, or that model, does not read
    it) is refused, naming the key — swept, its points would be identical. Commands without
    --dry-run (scaling, exact) are probed instead: the point starts and is stopped as soon as
    collop has accepted its input (see probe)."""
    options = collop_options(collop, command)
    if options is not None:
        check_keys(path, command, args, base, vary, options)
    has_dry_run = options is None or "dry-run" in options
    classes = {}
    for name, pairs in points:
        shape = tuple((k, kinds[k][v]) for k, v in pairs)
        model = tuple((k, v) for k, v in pairs if kinds[k][v] in ("str", "bool"))
        classes.setdefault((shape, model), []).append((name, pairs))
    environment = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    with tempfile.TemporaryDirectory(prefix="collop-sweep-check.") as scratch:
        base_path = os.path.join(scratch, "base.json")
        fixed = [collop, command] + (["--config", base_path] if base else []) + args
        if base:
            with open(base_path, "w", encoding="utf-8") as handle:
                json.dump(base, handle)

        def dry_run(pairs):
            """(None, header keys, warnings) if collop accepts the point, else (its message, …)."""
            flags = [x for k, v in pairs for x in (f"--{k}", v)]
            try:
                if has_dry_run:
                    result = subprocess.run(fixed + flags + ["--dry-run"], stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, env=environment)
                else:
                    # Without --quiet: the progress line is the sign the input was accepted.
                    result = probe([a for a in fixed if a != "--quiet"] + flags + ["--output", os.path.join(scratch, "probe.out")],
                                   environment)
            except OSError as error:
                raise BadInput(f"cannot run collop at {collop}: {error.strerror}")
            lines = result.stderr.decode("utf-8", errors="replace").replace(base_path, f"[base] of {path}").splitlines()
            warnings = [line.strip() for line in lines if "warning:" in line]
            if result.returncode == 0:
                header = {}
                for line in result.stdout.decode("utf-8", errors="replace").splitlines():
                    match = re.match(r"#\s*([^=]+?)\s*=\s*(.*)$", line)
                    if match:
                        header.setdefault(match.group(1), match.group(2))
                return None, header, warnings
            message = []
            for line in lines:
                if line.startswith("Usage:"):
                    break
                if line.strip() and "warning:" not in line:
                    message.append(line.strip())
            return " ".join(message) or f"exit status {result.returncode}, no message", {}, warnings

        passed, refused = set(), {}
        for (shape, model), members in classes.items():
            first = None
            for name, pairs in members:
                failure, header, warnings = dry_run(pairs)
                if failure is None:
                    passed.add(shape)
                    refuse_ignored(path, command, header, warnings, model, vary, base)
                    break
                first = first or (name, failure)
            else:
                refused.setdefault(shape, []).append((first, len(members)))
        for shape, failures in refused.items():
            if shape in passed:
                continue
            (name, failure), count = failures[0][0], sum(n for _, n in failures)
            described = ", ".join(f"{k} ({kind})" for k, kind in shape)
            which = f"point {name}" if count == 1 else f"all {count} points with {described}; the first, {name}"
            raise BadInput(f"{path}: `collop {command}{' --dry-run' if has_dry_run else ''}` refuses {which}: {failure} — nothing was run")


def for_points(model):
    """' for the points with singular=cooperon, …' (the swept text values of a model class)."""
    return " for the points with " + ", ".join(f"{k}={v}" for k, v in model) if model else ""


def refuse_ignored(path, command, header, warnings, model, vary, base):
    """Refuses an option a dry run's header lists in `ignored_options`, naming where the
    description sets it and the reason collop's warning gives."""
    ignored = [k for k in header.get("ignored_options", "none").split(",") if k and k != "none"]
    if not ignored:
        return
    key = ignored[0]
    if key == "config" and base:  # the sweep passes [base] as --config
        reason = next((w.split("warning:", 1)[1].strip() for w in warnings if "--config" in w), "")
        raise BadInput(f"{path}: [base]: collop {command} reads no config file{for_points(model)}"
                       f"{f' ({reason})' if reason else ''}; give those options in args or [vary] (nothing was run)")
    swept = dict(vary)
    where = f"vary.{key}" if key in swept else (f"[base] key {key}" if key in base else f"args: --{key}")
    reason = next((w.split("warning:", 1)[1].strip() for w in warnings
                   if "has no effect" in w and (f"--{key} " in w or f"'{key}'" in w)), "")
    for_model = for_points(model)
    if key not in swept:
        advice = "it would change nothing — remove it"
    elif model:
        advice = "those points would be identical — sweep it in a description of the models that read it"
    else:
        advice = "its points would be identical — remove it from [vary]"
    raise BadInput(f"{path}: {where}: collop {command} does not read --{key}{for_model}"
                   f"{f' ({reason})' if reason else ''}; {advice} (nothing was run)")


def is_complete(table):
    """A table is complete iff it exists (collop renames a finished file) and has a header row."""
    try:
        with open(table, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.strip() and not line.startswith("#"):
                    return True
    except OSError:
        return False
    return False


def command_plan(argv):
    import argparse
    parser = argparse.ArgumentParser(prog="sweep.py plan")
    parser.add_argument("sweep")
    parser.add_argument("outdir")
    parser.add_argument("--shard", default="1/1")
    parser.add_argument("--list", action="store_true", help="print every point of the shard with its status; write nothing")
    parser.add_argument("--collop", help="validate the description against this collop before writing anything")
    a = parser.parse_args(argv)
    match = re.fullmatch(r"(\d+)/(\d+)", a.shard)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise BadInput(f"--shard {a.shard}: expected I/N with 1 ≤ I ≤ N (e.g. --shard 3/8)")
    shard, shards = int(match.group(1)), int(match.group(2))
    command, args, base, vary, kinds = resolve(a.sweep)
    points = points_of(vary)
    if a.collop:
        validate(a.sweep, a.collop, command, args, base, vary, kinds, points)
    outdir = os.path.abspath(a.outdir)
    identity = {"command": command, "args": args, "base": base, "vary_keys": [k for k, _ in vary]}
    stored_path = os.path.join(outdir, "sweep.json")
    if os.path.exists(stored_path):
        try:
            with open(stored_path, encoding="utf-8") as handle:
                stored = json.load(handle)
        except (OSError, json.JSONDecodeError):
            stored = None
        if stored is not None and {k: stored.get(k) for k in identity} != identity:
            differing = [k for k in identity if stored.get(k) != identity[k]]
            raise BadInput(f"{outdir} holds a sweep with a different {', '.join(differing)} than {a.sweep}; "
                           "its tables would not belong to this sweep — use another --out directory or remove it "
                           "(adding values to [vary] is fine)")
    base_path = os.path.join(outdir, "base.json")
    fixed = [command] + (["--config", base_path] if base else []) + args
    mine = [(i, p) for i, p in enumerate(points) if i % shards == shard - 1]
    if a.list:
        for _, (name, pairs) in mine:
            state = "complete" if is_complete(os.path.join(outdir, "points", name + ".tsv")) else "todo"
            flags = [x for k, v in pairs for x in (f"--{k}", v)]
            print(f"{state}\t{name}\tcollop " + " ".join(fixed + flags))
        return 0
    for sub in ("points", "failed"):
        os.makedirs(os.path.join(outdir, sub), exist_ok=True)
    write_atomically(stored_path, json.dumps({**identity, "sweep_file": os.path.abspath(a.sweep),
                                              "vary": {k: v for k, v in vary}}, indent=2) + "\n")
    if base:
        write_atomically(base_path, json.dumps(base, indent=2) + "\n")
    index = ["\t".join(["point"] + [k for k, _ in vary])]
    index += ["\t".join([name] + [v for _, v in pairs]) for name, pairs in points]
    write_atomically(os.path.join(outdir, "points.tsv"), "\n".join(index) + "\n")
    skipped = 0
    lines = []
    for _, (name, pairs) in mine:
        if is_complete(os.path.join(outdir, "points", name + ".tsv")):
            skipped += 1
            continue
        flags = [x for k, v in pairs for x in (f"--{k}", v)]
        lines.append("\t".join([name] + fixed + flags))
    sys.stdout.write(f"#\t{len(mine)}\t{skipped}\n" + "".join(line + "\n" for line in lines))
    sys.stderr.write(f"sweep: {len(points)} points; shard {shard}/{shards} has {len(mine)}: "
                     f"{skipped} already complete, {len(lines)} to compute\n")
    return 0


# ---------------------------------------------------------------- progress and failures

def read_index(outdir):
    path = os.path.join(outdir, "points.tsv")
    try:
        with open(path, encoding="utf-8") as handle:
            rows = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
    except OSError:
        raise BadInput(f"{outdir} is not a sweep output directory (no points.tsv); run scripts/sweep.sh first")
    return rows[0][1:], [(r[0], r[1:]) for r in rows[1:]]


def rewrite_failures(outdir):
    """OUTDIR/failures.tsv: one row per point of the sweep whose latest attempt failed."""
    _, points = read_index(outdir)
    rows = []
    for name, _ in points:
        record = os.path.join(outdir, "failed", name + ".err")
        try:
            with open(record, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            continue
        status = lines[0].removeprefix("status=") if lines else "?"
        stderr = lines[lines.index("--- stderr ---") + 1:] if "--- stderr ---" in lines else []
        message = next((l.strip() for l in stderr if l.strip()), "(no message on stderr)")
        rows.append(f"{name}\t{status}\t{message.replace(chr(9), ' ')}\tfailed/{name}.err")
    write_atomically(os.path.join(outdir, "failures.tsv"),
                     "point\tstatus\tmessage\tdetail\n" + "".join(r + "\n" for r in rows))
    return len(rows)


def clock(seconds):
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def command_progress(argv):
    import argparse
    parser = argparse.ArgumentParser(prog="sweep.py progress")
    parser.add_argument("outdir")
    parser.add_argument("--total", type=int, required=True)
    parser.add_argument("--skipped", type=int, default=0)
    parser.add_argument("--quiet", action="store_true")
    a = parser.parse_args(argv)
    # Ctrl-C (or a kill of the process group) reaches every process: the jobs die, GNU
    # parallel exits and this reader sees end of input, then reports what was done and
    # rewrites failures.tsv.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    started = time.monotonic()
    done = failed = interrupted = 0
    for line in sys.stdin:
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 4 or fields[0] not in ("ok", "fail", "interrupted", "skip"):
            sys.stderr.write(line)  # anything else a job printed
            continue
        event, name, status, seconds = fields[:4]
        if event == "interrupted":
            interrupted += 1
            continue
        done += 1
        if event == "fail":
            failed += 1
        elapsed = time.monotonic() - started
        remaining = elapsed / done * (a.total - done)
        if not a.quiet or event == "fail":
            what = f"FAILED (exit {status}): {fields[5] if len(fields) > 5 else ''}" if event == "fail" else \
                   ("already complete" if event == "skip" else f"ok {float(seconds):.2f}s")
            sys.stderr.write(f"sweep: [{a.skipped + done}/{a.skipped + a.total}] {name} {what} | failed {failed} | "
                             f"elapsed {clock(elapsed)} | remaining ~{clock(remaining)}\n")
    elapsed = time.monotonic() - started
    listed = rewrite_failures(a.outdir)
    failures_path = os.path.join(a.outdir, "failures.tsv")
    sys.stderr.write(f"sweep: {done - failed} computed, {failed} failed, {a.skipped} already complete, "
                     f"{a.total - done} not run; elapsed {clock(elapsed)}\n")
    if listed:
        sys.stderr.write(f"sweep: {listed} failed point(s) listed in {failures_path}\n")
    if done < a.total:
        return 4
    return 1 if failed else 0


# ---------------------------------------------------------------- merge

def collop_reader():
    """python/collop_io.py (numpy and pandas): only the merge needs it, so planning and
    running a sweep stay standard-library only."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
    try:
        import collop_io
    except ImportError as error:
        raise BadInput(f"merging reads the tables with python/collop_io.py, which needs numpy and pandas "
                       f"({error.name} is missing): python3 -m pip install --user pandas")
    return collop_io


def spell(value):
    """The TSV spelling of a value read by collop_io: integers as such, floats in the
    shortest form that reads back to the same double (nan, inf), lists comma-joined; None
    (a point without that header key) is NA."""
    if value is None:
        return "NA"
    if isinstance(value, list):
        return ",".join(spell(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def spelled_columns(frame):
    """The cells of a DataFrame as TSV spellings, one list per column."""
    columns = []
    for name in frame.columns:
        values = frame[name].tolist()
        columns.append([spell(float(v)) if frame[name].dtype.kind == "f" else str(v) for v in values])
    return columns


# The comment keys of a merged table; a point header key of the same name is written point_NAME.
MERGE_KEYS = ("sweep", "swept", "merged_table", "keys", "varying_keys", "points", "missing_points",
              "points_without_table")


def command_merge(argv):
    import argparse
    parser = argparse.ArgumentParser(prog="merge.sh")
    parser.add_argument("outdir")
    parser.add_argument("--table")
    parser.add_argument("--keys", default="")
    parser.add_argument("--summary", action="store_true")
    parser.add_argument("--partial", action="store_true")
    parser.add_argument("-o", "--output")
    a = parser.parse_args(argv)
    outdir = os.path.abspath(a.outdir)
    swept, points = read_index(outdir)
    keys = [k for k in a.keys.split(",") if k]
    present, missing = [], []
    for name, values in points:
        table = os.path.join(outdir, "points", name + ".tsv")
        (present if is_complete(table) else missing).append((name, values, table))
    if missing and not a.partial:
        sys.stderr.write(f"merge: {len(missing)} of {len(points)} points have no complete table (first: {missing[0][0]}); "
                         "finish the sweep (rerun scripts/sweep.sh) or pass --partial\n")
        return 1
    if not present:
        raise BadInput(f"{outdir}: no complete point table to merge")
    collop_io = collop_reader()
    parsed = []
    for name, values, path in present:
        try:
            parsed.append((name, values, path, collop_io.read(path)))
        except ValueError as error:
            raise BadInput(f"cannot read {error}")
    for _, _, path, output in parsed:
        for k in keys:
            if k not in output.header:
                raise BadInput(f"header key {k!r} is missing from {path}")
    # Every other header key whose value is not the same in every point (or that some point
    # lacks): a verdict such as grid_resolved or finite_size_dominated, a derived quantity
    # (gamma, D_KG …). Swept keys are columns already.
    varying = []
    for _, _, _, output in parsed:
        for k in output.header:
            if k in keys or k in swept or k in varying:
                continue
            if len({spell(o.header.get(k)) for _, _, _, o in parsed}) > 1:
                varying.append(k)
    header_keys = keys + varying
    with open(os.path.join(outdir, "sweep.json"), encoding="utf-8") as handle:
        description = json.load(handle)
    first_header = parsed[0][3].header
    shared = [f"# {'point_' + k if k in MERGE_KEYS else k} = {spell(v)}" for k, v in first_header.items()
              if k not in header_keys and k not in swept]

    def write(target, merged_table, own, body, comments=()):
        leading = [f"sweep_{k}" if k in own or k in header_keys else k for k in swept]
        header = leading + [f"header_{k}" if k in own else k for k in header_keys] + own
        lines = [f"# collop-merge {description.get('command')}",
                 f"# sweep = {description.get('sweep_file')}",
                 f"# swept = {','.join(swept)}",
                 f"# merged_table = {merged_table}",
                 f"# keys = {','.join(keys) or 'none'}",
                 f"# varying_keys = {','.join(varying) or 'none'}",
                 f"# points = {len(present)} of {len(points)}"]
        if missing:
            lines.append(f"# missing_points = {' '.join(n for n, _, _ in missing)}")
        text = "\n".join(lines + list(comments) + shared + ["\t".join(header)] + ["\t".join(r) for r in body]) + "\n"
        if target == "-":
            sys.stdout.write(text)
            return
        write_atomically(target, text)
        sys.stderr.write(f"merge: {len(present)} of {len(points)} points, {len(body)} rows, "
                         f"{len(header)} columns → {target}\n")

    def point_columns(output):
        return [spell(output.header.get(k)) for k in header_keys]

    if a.summary:
        write(a.output or os.path.join(outdir, "summary.tsv"), "summary", [],
              [values + point_columns(output) for _, values, _, output in parsed])
        return 0

    # The tables to merge: --table's (main is the first), else every table any point has,
    # in printed order; -o writes one table (--table's, else the first).
    first_names = list(parsed[0][3].tables)
    if a.table is not None:
        names = [first_names[0] if a.table == "main" and first_names else a.table]
    else:
        names = []
        for _, _, _, output in parsed:
            names += [n for n in output.tables if n not in names]
        if not names:
            raise BadInput(f"{parsed[0][2]} has no table (a dry run?)")
        if a.output:
            names = names[:1]
    for index, table in enumerate(names):
        required = a.table is not None or index == 0
        reference, body, without = None, [], []
        for name, values, path, output in parsed:
            frame = output.tables.get(table)
            if frame is None:
                if required:
                    raise BadInput(f"{path} has no table {table!r} (it has: {', '.join(output.tables) or 'none'})")
                without.append(name)
                continue
            own = list(frame.columns)
            if reference is None:
                reference = (path, own)
            elif own != reference[1]:
                raise BadInput(f"refusing to merge: the header of table {table!r} differs between\n"
                               f"  {reference[0]}: {' '.join(reference[1])}\n  {path}: {' '.join(own)}")
            leading = values + point_columns(output)
            body += [leading + list(row) for row in zip(*spelled_columns(frame))]
        first = table == first_names[0] if first_names else index == 0
        target = a.output or os.path.join(outdir, "merged.tsv" if first else f"merged-{table}.tsv")
        comments = [f"# points_without_table = {' '.join(without)}"] if without else []
        write(target, table, reference[1], body, comments)
    return 0


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0 if len(argv) >= 2 else 2
    commands = {"plan": command_plan, "progress": command_progress, "merge": command_merge,
                "failures": lambda rest: (rewrite_failures(rest[0]), 0)[1]}
    if argv[1] not in commands:
        sys.stderr.write(f"sweep.py: unknown subcommand {argv[1]!r}\n")
        return 2
    try:
        return commands[argv[1]](argv[2:])
    except BadInput as error:
        prefix = "merge" if argv[1] == "merge" else "sweep"
        sys.stderr.write(f"{prefix}: {error}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
