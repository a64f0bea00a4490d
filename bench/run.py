"""`make bench`: every benchmark in bench/, one after the other; each writes its section of RESULTS.md.

    .venv/bin/python bench/run.py                  # all: site_bench.py, then the others (*_bench.py)
    .venv/bin/python bench/run.py --only site      # one of them
    .venv/bin/python bench/run.py --quick          # passed on to site_bench.py and speed_bench.py (no 10,000 posts)
    .venv/bin/python bench/run.py --summary        # only the table of targets from the last runs (also
                                                   # written to RESULTS.md, e.g. after single benchmarks)

At the end it prints every figure that has a target next to it, with the verdict the benchmark computed
(bench/targets.py), and writes that table as the "## Targets" section of RESULTS.md.

The site benchmark needs PostgreSQL, Redis, wrk and (for the floor) nginx, the desk benchmark Debian's
Chromium: `make bench` installs the packages when they are missing (.ci/packages --bench); .ci/run
starts PostgreSQL and Redis the same way.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from results import write_section  # bench/ is the script's folder
from targets import summary

BENCH_DIR = Path(__file__).resolve().parent
QUICK = {"site_bench.py", "speed_bench.py"}  # the benchmarks that take --quick


TARGETS_INTRO = """## Targets

Every figure with a target, as the benchmarks computed it (bench/targets.py; `make bench` prints this
table last, `bench/run.py --summary` prints it again). Rows carry the time of their benchmark's last run and the machine
(CPU model, calibration loop) it ran on.

"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="run only <name>_bench.py")
    parser.add_argument("--quick", action="store_true", help="smaller site and speed benchmarks (no 10,000 posts)")
    parser.add_argument(
        "--summary", action="store_true", help="only the targets of the last runs (printed, and written to RESULTS.md)"
    )
    options = parser.parse_args()
    if options.summary:
        table = summary()
        print(table)
        write_section("## Targets", TARGETS_INTRO + table)
        return
    scripts = sorted(BENCH_DIR.glob("*_bench.py"), key=lambda path: (path.name != "site_bench.py", path.name))
    if options.only:
        scripts = [path for path in scripts if path.name == f"{options.only}_bench.py"]
        if not scripts:
            sys.exit(f"no bench/{options.only}_bench.py")
    if any(path.name == "site_bench.py" for path in scripts) and not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (the site benchmark is skipped)")
        scripts = [path for path in scripts if path.name != "site_bench.py"]
    failed = []
    for script in scripts:
        arguments = ["--quick"] if options.quick and script.name in QUICK else []
        print(f"=== {script.name} ===", flush=True)
        if subprocess.run([sys.executable, str(script), *arguments], cwd=BENCH_DIR.parent).returncode != 0:
            failed.append(script.name)
    table = summary()
    print("=== Every figure against its target ===")
    print(table)
    write_section("## Targets", TARGETS_INTRO + table)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
