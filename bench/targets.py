"""Every benchmark's figures against their targets, in one table (issue 17: "`make bench` prints every
figure next to its target, with the verdict computed from the rows").

Each benchmark calls `record(name, rows)` with the rows it measured; `bench/run.py` prints `summary()` at
the end and writes it as the "## Targets" section of RESULTS.md. The rows of a benchmark that did not run
this time stay from its last run and say when that was, so the table never mixes runs silently.
"""

import contextlib
import json
import platform
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


@dataclass
class Row:
    figure: str  # what was measured ("Post page, 100 comments, CPU median")
    measured: str  # the figure as printed ("9.8 ms")
    target: str  # the target as printed ("≤ 12 ms")
    met: bool  # computed by the benchmark from the measured value, never typed in


def at_most(figure, value, limit, unit="", digits=1):
    return Row(figure, f"{value:,.{digits}f}{unit}", f"≤ {limit:,}{unit}", value <= limit)


def at_least(figure, value, limit, unit="", digits=1):
    return Row(figure, f"{value:,.{digits}f}{unit}", f"≥ {limit:,}{unit}", value >= limit)


def machine():
    """The CPU model and how fast it was just now (the benchmarks' calibration loop: 10 million additions),
    so rows measured on different machines of this workplace are not compared as if they were one."""
    model = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError, AttributeError):
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    start = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    return f"{model}, loop {time.process_time() - start:.2f} s"


def record(bench, rows):
    """Store `rows` (a list of Row) as this run's figures of benchmark `bench` ("speed", "site", …)."""
    OUT.mkdir(exist_ok=True)
    payload = {"bench": bench, "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine()}
    payload["rows"] = [asdict(row) for row in rows]
    (OUT / f"targets-{bench}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def load():
    runs = []
    for path in sorted(OUT.glob("targets-*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        measured = payload["measured"] + (f", {payload['machine']}" if payload.get("machine") else "")
        runs.append((payload["bench"], measured, [Row(**row) for row in payload["rows"]]))
    return runs


def summary():
    """The Markdown table of every recorded figure, its target and its verdict, and a count at the end."""
    runs = load()
    if not runs:
        return "No benchmark has recorded figures yet (bench/out/targets-*.json)."
    lines = [
        "| Benchmark (measured) | Figure | Measured | Target | Verdict |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    met = total = 0
    for bench, measured, rows in runs:
        for row in rows:
            lines.append(
                f"| {bench}_bench.py ({measured}) | {row.figure} | {row.measured} | {row.target} | "
                f"{'**met**' if row.met else '**not met**'} |"
            )
            met += row.met
            total += 1
    lines += ["", f"{met} of {total} figures meet their targets."]
    return "\n".join(lines)
