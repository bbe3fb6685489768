"""Writing a benchmark page without losing what was written by hand below it."""
import os

# Everything from this line on is kept when a benchmark rewrites its page.
MARKER = "<!-- Measurements written by hand follow: scripts/bench.sh keeps everything below this line. -->"


def write_page(path, generated):
    """Writes `generated` to `path` (temp file + rename), followed by the part of the old page
    from MARKER on, if it has one."""
    kept = ""
    if os.path.exists(path):
        with open(path) as old:
            text = old.read()
        at = text.find(MARKER)
        if at >= 0:
            kept = "\n" + text[at:]
    with open(path + ".tmp", "w") as out:
        out.write(generated.rstrip("\n") + "\n" + kept)
    os.replace(path + ".tmp", path)
