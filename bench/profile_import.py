"""Load-independent figures of the WordPress import: SQL statements and Python calls per post.

Run: .venv/bin/python bench/profile_import.py --posts 100 --database-url postgres://…/DBNAME [--profile]

Writes an export with bench/wordpress_bench.py's generator, recreates the database (dropped!), imports
it twice (first run, then a rerun that must change nothing) and prints, per run: SQL statements (total
and per post), wall and CPU seconds, with --profile the Python function calls (cProfile, total calls of
the run) and the top functions by cumulative time; then the thread check and `fixtree`'s verdict.
"""

import argparse
import collections
import cProfile
import io
import json
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import wordpress_bench  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--database-url", required=True, help="postgres://…/DBNAME (dropped and recreated!)")
    parser.add_argument("--profile", action="store_true", help="cProfile the runs (counts Python calls)")
    parser.add_argument("--top", type=int, default=0, help="print the N functions with most cumulative time")
    parser.add_argument("--sql", type=int, default=0, help="print the N most frequent kinds of statement")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="wpimport-"))
    export = workdir / f"export-{options.posts}.xml"
    wordpress_bench.write_export(export, options.posts)
    url = wordpress_bench.fresh_database_url(options.database_url, workdir, "profile")
    wordpress_bench.prepare_site(url, workdir)
    from django.db import connection

    from wagtail.models import Page

    from wordpress.importer import WordPressImporter

    statements = [0]
    kinds = collections.Counter()

    def count(execute, sql, params, many, context):
        statements[0] += 1
        if options.sql:
            kinds[re.sub(r"\s+", " ", sql)[:90]] += 1
        return execute(sql, params, many, context)

    results = []
    for label in ("first", "rerun"):
        statements[0] = 0
        kinds.clear()
        profiler = cProfile.Profile() if options.profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count):
            if profiler:
                profiler.enable()
            report = WordPressImporter(export).run()
            if profiler:
                profiler.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        row = {
            "run": label,
            "statements": statements[0],
            "statements_per_post": round(statements[0] / options.posts, 1),
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "ms_per_post": round(1000 * wall / options.posts, 1),
            "counts": {getattr(k, "value", k): dict(v) for k, v in report.counts.items()},
            "errors": report.errors[:5],
            "fatal": report.fatal,
        }
        if profiler:
            stats = pstats.Stats(profiler)
            row["python_calls"] = stats.total_calls
            row["python_calls_per_post"] = round(stats.total_calls / options.posts)
            if options.top:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(options.top)
                print(out.getvalue(), file=sys.stderr)
        if options.sql:
            print(f"--- {label}: statements by kind", file=sys.stderr)
            for sql, number in kinds.most_common(options.sql):
                print(f"{number:6d}  {sql}", file=sys.stderr)
        results.append(row)
    # What `manage.py fixtree` checks (it has no dry run: it would repair), asked without repairing.
    problems = dict(
        zip(("bad_alpha", "bad_path", "orphans", "bad_depth", "bad_numchild"), Page.find_problems(), strict=True)
    )
    output = {
        "posts": options.posts,
        "load": Path("/proc/loadavg").read_text().split()[:3],
        "runs": results,
        "check": wordpress_bench.check_threads(),
        "tree_problems": {name: list(ids) for name, ids in problems.items() if ids},
    }
    print(json.dumps(output, indent=1))


if __name__ == "__main__":
    main()
