"""The moderation desk (issue 14): a moderator deciding 20 held comments, the old way (the row's "…"
menu, "Freigeben", the queue loads again) and at the desk (j, then "a" per comment, no page load), in
Debian's Chromium against the live server. Runs tests/e2e/test_desk_workload.py and writes its figures
into the "Moderation desk" section of bench/RESULTS.md.

    .venv/bin/python bench/desk_bench.py
"""

import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from results import write_section  # bench/results.py (bench/ is the script's folder)

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## Moderation desk"


def main():
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "desk.json"
        command = [sys.executable, "-m", "pytest", "tests/e2e/test_desk_workload.py", "-q", "-p", "no:cacheprovider"]
        run = subprocess.run(
            command, cwd=ROOT, env={**os.environ, "DESK_BENCH_OUT": str(out), "DESK_BENCH_COUNT": "20"}, check=False
        )
        if run.returncode != 0 or not out.exists():
            sys.exit("the desk workload failed or was skipped (is /usr/bin/chromium installed?)")
        figures = json.loads(out.read_text())
    before, after = figures["before"], figures["after"]
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    section = f"""{HEADING}

`bench/desk_bench.py` (issue 14): {figures["count"]} held comments, each approved, in Debian's Chromium
against the live server (SQLite, one process). "Before" is the queue as it was: the row's "…" menu,
"Freigeben", and the whole queue loads again. "After" is the desk: `j` selects the first row, then `a`
per comment; the row disappears, the next one is selected, nothing reloads ("Rückgängig" stays offered).
Machine load average at start {load} (shared machine). Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC.

| | Clicks / key presses | Page loads | Seconds (browser and server, no human) |
| --- | ---: | ---: | ---: |
| Before | {before["actions"]} clicks | {before["page_loads"]} | {before["seconds"]} |
| After | {after["actions"]} key presses | {after["page_loads"]} | {after["seconds"]} |

The seconds are the machine's share only; a person's reading time per comment comes on top of both.
"""
    write_section(HEADING, section)
    print(section)


if __name__ == "__main__":
    main()
