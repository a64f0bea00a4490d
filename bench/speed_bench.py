"""Issue 17: pages rendered with every cache empty, on the peers' workload. Writes "## Speed" of RESULTS.md.

Run: `make bench` (all benchmarks) or `.venv/bin/python bench/speed_bench.py [--quick]`.

Needs PostgreSQL (SPEED_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/wle_speed_bench, dropped
and created anew) and `wrk`. No Redis anywhere: without it the site caches nothing (docs/caching.md), so
every request renders the page from scratch.

- In-process (Django's test client, production settings, one process, the garbage collector set up as
  gunicorn.conf.py sets it up in a worker; also measured with Python's defaults): CPU time
  (`time.process_time`) median over SPEED_RUNS requests and the SQL queries of one more request, for the
  post page (the seed article with the peers' 100 comments from bench/workload.py, then 0 and 1,000
  comments), the post index, a category archive and a year archive, with 20 further posts, then 1,000
  and (without `--quick`) 10,000.
- Under gunicorn (production settings, gunicorn.conf.py, no Redis): `wrk -t4 -c16 -d10s` on the post page
  with the 100 comments, measured last and twice (wall-clock on a shared machine).

Every row is printed with its target and a verdict computed from the row.
"""

import argparse
import contextlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from results import write_section  # bench/results.py (bench/ is the script's folder)
from targets import Row, at_least, at_most, record

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
OUT = BENCH_DIR / "out"
PY = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
DATABASE_URL = os.environ.get("SPEED_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wle_speed_bench")
RUNS = int(os.environ.get("SPEED_RUNS", "30"))
ROUNDS = 3  # the in-process requests of each page and collector setting come in this many turns (`measure`)
HOST = "wir-leben-eifel.example"

# Issue 17's targets.
POST_CPU_MS, POST_QUERIES = 12, 8
LISTING_CPU_MS, LISTING_QUERIES = 10, 8
GUNICORN_RPS = 120
LABELS = {"post": "Post page", "index": "Index", "category": "Category archive", "year": "Year archive"}


def django_env():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "DATABASE_URL": DATABASE_URL,
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "BASE_URL": f"http://{HOST}",
    }
    env.pop("REDIS_URL", None)  # nothing cached: every request renders from scratch
    return env


def django_command(*args, timeout=3600):
    result = subprocess.run(
        [PY, str(Path(__file__).resolve()), "--django", *args],
        cwd=BASE_DIR,
        env=django_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{args}: {result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def settle():
    """After loading thousands of rows: PostgreSQL's statistics brought up to date, as autovacuum would a
    minute later (and as one should after any bulk load), so no measurement plans with stale statistics
    or shares the cores with autovacuum's ANALYZE."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run_django(args):
    sys.path.insert(0, str(BASE_DIR))
    sys.path.insert(0, str(BENCH_DIR))
    import django

    django.setup()
    import workload

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from blog.models import BlogIndexPage, BlogPostPage, Category
    from home.demo_content import SEED_SLUG

    command, *rest = args
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    index = BlogIndexPage.objects.get()
    if command == "comments":
        repeat = int(rest[0])
        if repeat:
            count = workload.load_seed_comments(seed, repeat=repeat)
            settle()
        else:
            from comments.models import PostComment

            PostComment.objects.filter(object_pk=str(seed.pk)).delete()
            count = 0
        print(json.dumps({"comments": count}))
    elif command == "posts":
        wanted = int(rest[0])
        existing = BlogPostPage.objects.count()
        if wanted > existing:
            start = BlogPostPage.objects.filter(slug__startswith="weiterer-beitrag-").count()
            workload.add_posts(index, wanted - existing, start=start)
            settle()
        print(json.dumps({"posts": BlogPostPage.objects.live().count()}))
    elif command == "urls":
        category = Category.objects.filter(posts=seed).order_by("name").first()
        print(
            json.dumps(
                {
                    "post": seed.url,
                    "index": index.url,
                    "category": index.url + index.reverse_subpage("category", args=[category.slug]),
                    "year": index.url + index.reverse_subpage("year", args=[seed.date.year]),
                }
            )
        )
    elif command == "measure":
        import gc
        import runpy

        # The collector as a gunicorn worker runs it (gunicorn.conf.py: the young threshold set at the fork,
        # everything loaded frozen once the worker has warmed up), and for comparison with Python's defaults.
        # This machine's speed drifts within seconds, so the two settings and the pages take turns: ROUNDS
        # rounds, each with every page under the defaults, then every page as a worker; the medians are over
        # all of a page's requests with one setting (RUNS in all).
        worker = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
        defaults = gc.get_threshold()
        pages = json.loads(rest[0])
        clients = {}
        for name, url in pages.items():
            clients[name] = Client(HTTP_HOST=HOST)
            clients[name].cookies["bench"] = "uncached"
            # Once per process, not per page view: imports, templates, URL patterns, renditions, and
            # comments' stored HTML filled on first view (comments/rendering.py).
            clients[name].get(url)

        def timed(name, count):
            cpu = []
            for _ in range(count):
                start = time.process_time()
                response = clients[name].get(pages[name])
                cpu.append((time.process_time() - start) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{pages[name]}: {response.status_code}")
            return cpu

        samples = {name: {"default": [], "worker": []} for name in pages}
        per_round = max(1, RUNS // ROUNDS)
        for _ in range(ROUNDS):
            for name in pages:
                samples[name]["default"] += timed(name, per_round)
            worker["tune_garbage_collector"]()
            if worker["gc_freeze_after"]:
                worker["freeze_long_lived_objects"]()
            for name in pages:
                samples[name]["worker"] += timed(name, per_round)
            gc.unfreeze()
            gc.set_threshold(*defaults)
        results = {}
        for name in pages:
            results[name] = {
                "cpu_ms": statistics.median(samples[name]["worker"]),
                "default_gc_cpu_ms": statistics.median(samples[name]["default"]),
            }
            with CaptureQueriesContext(connection) as queries:
                clients[name].get(pages[name])
            results[name]["queries"] = len(queries)
        results["_calibration"] = calibration_seconds()
        print(json.dumps(results))


def calibration_seconds():
    """CPU time of a fixed pure-Python loop: how fast this shared machine was at the time."""
    start = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.process_time() - start


def prepare_database():
    name = urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")
    import psycopg

    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    env = django_env()
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_demo_content", "--no-accounts", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["compiletranslations"],
    ):
        subprocess.run([PY, "manage.py", *command], cwd=BASE_DIR, env=env, check=True, timeout=1800)


def wrk(url, seconds=10):
    command = ["wrk", "-t4", "-c16", f"-d{seconds}s", "--timeout", "30s", "--latency", "-H", f"Host: {HOST}"]
    output = subprocess.run(
        [*command, "-H", "Cookie: bench=uncached", url], capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    latency = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    requests = re.search(r"(\d+) requests in", output)
    return {
        "requests": int(requests.group(1)) if requests else 0,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency.group(1) if latency else "–",
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def wait_until_up(port, tries=120):
    """Until the server on `port` answers /healthz (at most a minute)."""
    import urllib.request

    for _ in range(tries):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()  # noqa: S310
            return
        time.sleep(0.5)


def gunicorn_runs(post_url, times=2):

    sys.path.insert(0, str(BASE_DIR))
    from core.testing.servers import stop_process_group

    port = 18000 + os.getpid() % 1000
    env = {**django_env(), "BIND": f"127.0.0.1:{port}", "GUNICORN_MAX_REQUESTS": "0"}
    OUT.mkdir(exist_ok=True)
    with open(OUT / "speed-gunicorn.log", "wb") as log:
        process = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "config.wsgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}{post_url}"
            wait_until_up(port)
            # Warm-up: long enough for every worker thread to load templates, connect, compile its queries
            # (core/compiled.py) and prepare its statements (they are prepared from their fifth run).
            wrk(url, seconds=10)
            return [measured_wrk_run(url, process.pid) for _ in range(times)]
        finally:
            stop_process_group(process, seconds=20)


def cpu_ticks():
    """(steal, all) ticks of every core since boot, from /proc/stat's first line."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return fields[7], sum(fields)


def measured_wrk_run(url, pgid):
    """One wrk run, with what tells a slow machine from slow code: the calibration loop just before it, the
    share of the cores the hypervisor gave to others meanwhile (steal), and gunicorn's CPU per request
    (its process group's utime + stime, bench/gunicorn_cpu.py)."""
    import gunicorn_cpu  # bench/, like this script

    loop = calibration_seconds()
    steal_before, ticks_before = cpu_ticks()
    cpu_before = gunicorn_cpu.gunicorn_snapshot(pgid)
    run = wrk(url)
    cpu_after = gunicorn_cpu.gunicorn_snapshot(pgid)
    steal_after, ticks_after = cpu_ticks()
    run["loop_s"] = loop
    run["steal"] = (steal_after - steal_before) / max(ticks_after - ticks_before, 1)
    run["app_ms"] = 1000 * gunicorn_cpu.delta(cpu_before, cpu_after) / max(run["requests"], 1)
    return run


def verdict(ok):
    return "**met**" if ok else "**not met**"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="up to 1,000 posts (skips 10,000)")
    options = parser.parse_args()
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    print("Preparing the database (migrate, demo content, collectstatic) …", flush=True)
    prepare_database()
    urls = django_command("urls")
    rows = []  # (scenario, measured dict, cpu target, query target)

    def measure(label, names):
        measured = django_command("measure", json.dumps({name: urls[name] for name in names}))
        for name in names:
            target = (POST_CPU_MS, POST_QUERIES) if name == "post" else (LISTING_CPU_MS, LISTING_QUERIES)
            rows.append((f"{LABELS[name]}, {label}", measured[name], *target))
        return measured["_calibration"]

    print("The peers' workload: 100 comments, 20 further posts …", flush=True)
    django_command("comments", "1")
    django_command("posts", "30")  # the demo's 10 and the workload's 20
    calibrations = [measure("100 comments, 30 posts", ["post", "index", "category", "year"])]
    django_command("comments", "0")
    calibrations.append(measure("0 comments", ["post"]))
    django_command("comments", "10")
    calibrations.append(measure("1,000 comments", ["post"]))
    django_command("comments", "1")
    for posts in [1000] if options.quick else [1000, 10000]:
        print(f"{posts:,} posts …", flush=True)
        django_command("posts", str(posts), timeout=7200)
        calibrations.append(measure(f"100 comments, {posts:,} posts", ["post", "index", "category", "year"]))
    print("gunicorn without Redis, wrk -t4 -c16 -d10s, twice …", flush=True)
    runs = gunicorn_runs(urls["post"])

    lines = [
        "| Scenario (every cache empty, in-process) | CPU ms (median) | target | CPU ms, Python's default collector "
        "| SQL queries | target | verdict |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, measured, cpu_target, query_target in rows:
        ok = measured["cpu_ms"] <= cpu_target and measured["queries"] <= query_target
        lines.append(
            f"| {name} | {measured['cpu_ms']:.1f} | ≤ {cpu_target} | {measured['default_gc_cpu_ms']:.1f} | "
            f"{measured['queries']} | ≤ {query_target} | "
            f"{verdict(ok)} |"
        )
    for kind in ("Post page", "Index", "Category archive", "Year archive"):
        counts = [measured["queries"] for name, measured, *_ in rows if name.startswith(kind)]
        lines.append(
            f"| {kind}: queries flat over comments and posts | – | – | – | {', '.join(map(str, counts))} | equal | "
            f"{verdict(len(set(counts)) == 1)} |"
        )
    for number, run in enumerate(runs, 1):
        errors = f", {run['errors']} errors" if run["errors"] else ""
        lines.append(
            f"| gunicorn without Redis, post page with 100 comments, wrk -t4 -c16 -d10s, run {number} "
            f"(req/s; p50 {run['p50']}{errors}; gunicorn {run['app_ms']:.1f} ms CPU/request, loop {run['loop_s']:.2f} s "
            f"before, steal {run['steal']:.0%}) | {run['rps']:.1f} req/s | ≥ {GUNICORN_RPS} req/s | – | – | – | "
            f"{verdict(run['rps'] >= GUNICORN_RPS and not run['errors'])} |"
        )
    table = "\n".join(lines)
    print(table)
    target_rows = []
    for name, measured, cpu_target, query_target in rows:
        target_rows.append(at_most(f"{name}: CPU median", measured["cpu_ms"], cpu_target, " ms"))
        target_rows.append(at_most(f"{name}: SQL queries", measured["queries"], query_target, digits=0))
    for kind in ("Post page", "Index", "Category archive", "Year archive"):
        counts = [measured["queries"] for name, measured, *_ in rows if name.startswith(kind)]
        target_rows.append(
            Row(
                f"{kind}: SQL queries flat over comments and posts",
                ", ".join(map(str, counts)),
                "equal",
                len(set(counts)) == 1,
            )
        )
    for number, run in enumerate(runs, 1):
        row = at_least(
            f"gunicorn without Redis, post page with 100 comments, wrk run {number}", run["rps"], GUNICORN_RPS, " req/s"
        )
        row.met = row.met and not run["errors"]
        target_rows.append(row)
    record("speed", target_rows)
    load_after = os.getloadavg()
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1)
    memory = ""
    with contextlib.suppress(OSError, AttributeError):
        kilobytes = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kilobytes / 1024**2:.1f} GB RAM, "
    pg_version = subprocess.run(
        ["psql", DATABASE_URL, "-Atc", "SHOW server_version"], capture_output=True, text=True
    ).stdout.strip()
    section = f"""## Speed

`bench/speed_bench.py` (issue 17): PostgreSQL, no Redis (nothing cached: every request renders from
scratch), production settings. In-process rows: Django's test client in one process, {RUNS} requests
each, median of `time.process_time()` (PostgreSQL's CPU not included) and the SQL queries of one more
request. The CPU column with the target runs Python's garbage collector as gunicorn.conf.py sets it up in
a worker (young threshold 10,000, everything loaded frozen after the warm-up); the column beside it has
Python's defaults. The two settings and the pages of a row group take turns in {ROUNDS} rounds of
{RUNS // ROUNDS} requests each (this machine's speed drifts within seconds). Workload: the seed article with the peers' 100 comments (bench/seed_comments.json, nesting to
level 3; 1,000 = the same ten times) and the demo's 10 posts plus 20 (bench/workload.py), then more posts.
gunicorn: {os.cpu_count() * 2 + 1} workers × 2 threads (gunicorn.conf.py), wrk on the same machine, measured last;
each run row also gives gunicorn's CPU per request (its processes' utime + stime over wrk's requests), the
calibration loop just before the run and the steal time during it (/proc/stat: the share of the cores the
hypervisor ran other machines on), which tell a slower machine from slower code.

Machine: {os.cpu_count()} CPU(s) (nproc), {cpu}, {memory}Python {platform.python_version()}, PostgreSQL
{pg_version or "?"}; load average at start {" ".join(f"{value:.2f}" for value in load_before)}, at the end
{" ".join(f"{value:.2f}" for value in load_after)}; a pure-Python loop of 10 million additions took
{min(calibrations):.2f}–{max(calibrations):.2f} s during the run (CPU figures vary with the load).
Measured {started:%Y-%m-%d %H:%M} UTC{" (--quick: 10,000 posts skipped)" if options.quick else ""}.

{table}
"""
    write_section("## Speed", section)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--django":
        run_django(sys.argv[2:])
    else:
        main()
