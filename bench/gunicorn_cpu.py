"""Where the CPU goes per request under gunicorn (issue 17): `python bench/gunicorn_cpu.py [options]`.

Starts gunicorn (gunicorn.conf.py, production settings, no Redis, like bench/speed_bench.py's
`gunicorn_runs`) on the database of SPEED_DATABASE_URL (loaded by speed_bench.py or by hand), warms it
up, then runs wrk and divides the CPU seconds each process group spent during the run by wrk's request
count: gunicorn (master and workers, utime + stime from /proc, children included), the PostgreSQL
backends serving the bench database (those alive at the end, plus the CPU of those that ended during
the run as the postmaster's reaped-children counter shows it, which other databases' short sessions can
inflate; the number of new sessions is printed beside it), and wrk itself (its rusage). These figures
do not depend on the machine's load the way req/s does.

Examples:
    SPEED_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_gunicorn python bench/gunicorn_cpu.py
    ... --env WEB_CONCURRENCY=2 --env GUNICORN_THREADS=1 --wrk-threads 2 --runs 3
"""

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

import speed_bench  # noqa: E402  (bench/ is the script's folder)

TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid, children=True, kernel=None):
    """utime + stime (+ cutime + cstime) of one process in seconds, or None once it is gone.

    kernel=True counts only the system time (stime, cstime), kernel=False only the user time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # After the ")": state is field 3 of stat(5); utime is 14, stime 15, cutime 16, cstime 17.
    user, system, children_user, children_system = (int(value) for value in fields[11:15])
    if not children:
        children_user = children_system = 0
    if kernel is True:
        return (system + children_system) / TICK
    if kernel is False:
        return (user + children_user) / TICK
    return (user + system + children_user + children_system) / TICK


def machine_busy():
    """CPU seconds all cores spent on anything but idle and I/O wait since boot (/proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    # user nice system idle iowait irq softirq steal (guest and guest_nice are already in user and nice).
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK


def process_group(pgid):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                    pids.append(int(entry.name))
    return pids


def postgres_snapshot(database_url, name):
    import psycopg

    # Through the maintenance database, so these look-ups open no session on the bench database.
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        backends = [row[0] for row in connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])]
        data_directory = connection.execute("SHOW data_directory").fetchone()[0]
        sessions, transactions = connection.execute(
            "SELECT sessions, xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", [name]
        ).fetchone()
    postmaster = int(Path(data_directory, "postmaster.pid").read_text().split()[0])
    return {
        "backends": {pid: proc_cpu(pid, children=False) for pid in backends},
        "reaped": proc_cpu(postmaster) - proc_cpu(postmaster, children=False),
        "sessions": sessions,
        "transactions": transactions,
    }


def gunicorn_snapshot(pgid):
    return {pid: proc_cpu(pid) for pid in process_group(pgid)}


def gunicorn_system_snapshot(pgid):
    return {pid: proc_cpu(pid, kernel=True) for pid in process_group(pgid)}


def delta(before, after):
    total = 0.0
    for pid, value in after.items():
        if value is not None:
            total += value - (before.get(pid) or 0.0)
    return total


def wrk(url, seconds, threads, connections, headers):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    for header in headers:
        command += ["-H", header]
    process = subprocess.Popen([*command, url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    requests = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    latency = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    return {
        "requests": int(requests.group(1)) if requests else 0,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)) if requests else 0.0,
        "p50": latency.group(1) if latency else "–",
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "cpu": usage.ru_utime + usage.ru_stime,
        "output": output,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="path; default: the seed post")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for gunicorn's environment")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--wrk-threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--header", action="append", default=[], help="extra header for wrk")
    parser.add_argument("--label", default="")
    parser.add_argument("--json", help="append the results as one JSON line to this file")
    options = parser.parse_args()

    database_url = speed_bench.DATABASE_URL
    name = database_url.rsplit("/", 1)[1]
    path = options.url or speed_bench.django_command("urls")["post"]
    port = 18000 + os.getpid() % 1000
    env = {**speed_bench.django_env(), "BIND": f"127.0.0.1:{port}", "GUNICORN_MAX_REQUESTS": "0"}
    env.update(item.split("=", 1) for item in options.env)
    headers = [f"Host: {speed_bench.HOST}", "Cookie: bench=uncached", *options.header]
    from core.testing.servers import stop_process_group

    speed_bench.OUT.mkdir(exist_ok=True)
    log = open(speed_bench.OUT / "gunicorn-cpu.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [speed_bench.GUNICORN, "-c", os.environ.get("GUNICORN_CONF", "gunicorn.conf.py"), "config.wsgi:application"],
        cwd=speed_bench.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    results = []
    try:
        url = f"http://127.0.0.1:{port}{path}"
        speed_bench.wait_until_up(port)
        wrk(url, 3, options.wrk_threads, options.connections, headers)  # warm-up
        for _ in range(options.runs):
            load = Path("/proc/loadavg").read_text().split()[0]
            gunicorn_before, postgres_before = gunicorn_snapshot(process.pid), postgres_snapshot(database_url, name)
            system_before = gunicorn_system_snapshot(process.pid)
            master_before = proc_cpu(process.pid)
            busy_before, wall_before = machine_busy(), time.monotonic()
            run = wrk(url, options.duration, options.wrk_threads, options.connections, headers)
            gunicorn_after, postgres_after = gunicorn_snapshot(process.pid), postgres_snapshot(database_url, name)
            system_after = gunicorn_system_snapshot(process.pid)
            master_after = proc_cpu(process.pid)
            busy, wall = machine_busy() - busy_before, time.monotonic() - wall_before
            requests = max(run["requests"], 1)
            result = {
                "label": options.label,
                "env": options.env,
                "load": float(load),
                "requests": run["requests"],
                "rps": run["rps"],
                "p50": run["p50"],
                "errors": run["errors"],
                "gunicorn_ms": 1000 * delta(gunicorn_before, gunicorn_after) / requests,
                "gunicorn_system_ms": 1000 * delta(system_before, system_after) / requests,
                "master_ms": 1000 * (master_after - master_before) / requests,
                "postgres_ms": 1000 * delta(postgres_before["backends"], postgres_after["backends"]) / requests,
                "postgres_reaped_ms": 1000 * (postgres_after["reaped"] - postgres_before["reaped"]) / requests,
                "new_sessions": postgres_after["sessions"] - postgres_before["sessions"],
                "transactions_per_request": (postgres_after["transactions"] - postgres_before["transactions"])
                / requests,
                "wrk_ms": 1000 * run["cpu"] / requests,
                "workers": len(gunicorn_after) - 1,
            }
            ours = (result["gunicorn_ms"] + result["postgres_ms"] + result["wrk_ms"]) * requests / 1000
            # The cores' time that went to everything else on this machine (other users' processes).
            result["others_cores"] = max(busy - ours, 0.0) / wall
            result["ours_cores"] = ours / wall
            results.append(result)
            print(
                f"{options.label or 'run'}: {run['rps']:.1f} req/s (load {load}, p50 {run['p50']}, "
                f"{run['requests']} requests, {run['errors']} errors) | CPU ms/request: gunicorn "
                f"{result['gunicorn_ms']:.2f} (system {result['gunicorn_system_ms']:.2f}), postgres {result['postgres_ms']:.2f} "
                f"(+reaped {result['postgres_reaped_ms']:.2f}, {result['new_sessions']} new sessions), "
                f"wrk {result['wrk_ms']:.2f}; xacts/request {result['transactions_per_request']:.2f}; cores used: "
                f"ours {result['ours_cores']:.2f}, others {result['others_cores']:.2f}",
                flush=True,
            )
    finally:
        stop_process_group(process, seconds=20)
        log.close()
    if options.json:
        with open(options.json, "a") as file:
            for result in results:
                file.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
