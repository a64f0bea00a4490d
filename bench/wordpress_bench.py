"""Benchmark of `manage.py import_wordpress`: import rate and peak memory on large exports.

Run: .venv/bin/python bench/wordpress_bench.py [--posts 5000] [--small 500] [--database-url postgres://…|sqlite]

It writes WordPress exports (WXR 1.2) with POSTS posts and 10 comments per post (threads, pending,
spam, pingbacks) to a temporary folder, then, each in a fresh process and a fresh database:

- parse: the streaming reader alone over the file, peak Python memory (tracemalloc) and peak RSS;
- import: the whole import into a fresh database (PostgreSQL: WORDPRESS_BENCH_DATABASE_URL, default
  postgres://postgres@127.0.0.1:5432/wle_wordpress_bench, dropped and recreated; `--database-url sqlite`
  for a temporary SQLite file), posts/s,
  comments/s, peak RSS (ru_maxrss) against the RSS before the import started;
- rerun: the same export again (nothing may change), for both exports;
- check: posts and comments in the database against the report, every reply in its parent's thread.

Memory must not grow with the size of the export: compare the small and the large export. The
"## WordPress import" section of bench/RESULTS.md is printed at the end (paste or --write it), and the
figures with a target (issue 17) are recorded for `make bench`'s table (bench/targets.py):

- the import of the 5,000-post / 50,000-comment export on PostgreSQL ≤ 5 minutes (with another size or
  SQLite the row says so and is not met: the target is for that export on PostgreSQL);
- its rerun ≤ 30 s, changing nothing;
- memory flat: the large import's RSS growth at most the small one's + 20 MB (a ledger or cache that
  grows with the export shows up here: 10 × the objects);
- nothing lost: posts and comments in the database as the report counts them, no broken thread.
"""

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from targets import Row, at_most, record  # bench/ is the script's folder

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "RESULTS.md"
COMMENTS_PER_POST = 10
DEFAULT_DATABASE_URL = os.environ.get(
    "WORDPRESS_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wle_wordpress_bench"
)
TARGET_POSTS = 5000
IMPORT_SECONDS = 5 * 60
RERUN_SECONDS = 30
FLAT_MEMORY_MB = 20
AUTHORS = 20
CATEGORIES = 30

PARAGRAPH = (
    "Zwischen Maaren, Wäldern und Dörfern verändert sich die Eifel &#8211; Betriebe suchen Fachkräfte, "
    "Vereine neue Mitglieder und die Gemeinden <strong>Ideen</strong> für ihre Ortskerne. "
    '<a href="https://www.example.org/eifel">Mehr dazu</a> &amp; weitere Hinweise.'
)


def wxr_header():
    authors = "".join(
        f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login><![CDATA[autor{n}]]></wp:author_login>"
        f"<wp:author_email><![CDATA[autor{n}@example.org]]></wp:author_email>"
        f"<wp:author_display_name><![CDATA[Autorin Nummer {n} Müller]]></wp:author_display_name></wp:author>\n"
        for n in range(1, AUTHORS + 1)
    )
    categories = "".join(
        f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename><![CDATA[thema-{n}]]></wp:category_nicename>"
        f"<wp:category_parent><![CDATA[{'thema-1' if n > 1 and n % 5 == 0 else ''}]]></wp:category_parent>"
        f"<wp:cat_name><![CDATA[Thema {n} – Eifel &amp; Mosel]]></wp:cat_name></wp:category>\n"
        for n in range(1, CATEGORIES + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
        "<channel><title>WIR. LEBEN. EIFEL.</title><wp:wxr_version>1.2</wp:wxr_version>\n" + authors + categories
    )


def wxr_comment(comment_id, parent_id, number, rng):
    approved = "1" if number % 10 < 7 else {7: "0", 8: "spam", 9: "1"}[number % 10]
    comment_type = "pingback" if number % 10 == 9 and rng.random() < 0.3 else "comment"
    return (
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author><![CDATA[Leserin {comment_id} Bäcker]]></wp:comment_author>"
        f"<wp:comment_author_email><![CDATA[leserin{comment_id}@example.org]]></wp:comment_author_email>"
        f"<wp:comment_author_url>https://leserin{comment_id}.example.org</wp:comment_author_url>"
        f"<wp:comment_author_IP><![CDATA[192.0.2.{comment_id % 250}]]></wp:comment_author_IP>"
        f"<wp:comment_date><![CDATA[2020-01-01 12:00:00]]></wp:comment_date>"
        f"<wp:comment_date_gmt><![CDATA[2020-01-01 {10 + number % 10}:00:{number:02d}]]></wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[Ein Kommentar mit Umlauten: schön, grün &amp; über {comment_id}.]]>"
        f"</wp:comment_content><wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>"
        f"<wp:comment_type><![CDATA[{comment_type}]]></wp:comment_type>"
        f"<wp:comment_parent>{parent_id}</wp:comment_parent></wp:comment>"
    )


def wxr_post(post_id, rng, comment_ids):
    day = 1 + post_id % 28
    body = "\n\n".join(
        f"<!-- wp:paragraph -->\n<p>{PARAGRAPH} Absatz {n}.</p>\n<!-- /wp:paragraph -->" for n in range(6)
    )
    body += (
        "\n\n<!-- wp:heading -->\n<h2>Zwischentitel</h2>\n<!-- /wp:heading -->\n\n[embed]https://example.org/v[/embed]"
    )
    comments, thread = [], []
    for number in range(COMMENTS_PER_POST):
        comment_id = next(comment_ids)
        parent = rng.choice(thread) if thread and rng.random() < 0.5 else 0
        comments.append(wxr_comment(comment_id, parent, number, rng))
        thread.append(comment_id)
    status = "publish" if post_id % 20 else "draft"
    return (
        f"<item><title><![CDATA[Beitrag {post_id}: Dörfer &amp; Höfe]]></title>"
        f"<link>https://www.wir-leben-eifel.de/2020/01/{day:02d}/beitrag-{post_id}/</link>"
        f"<dc:creator><![CDATA[autor{1 + post_id % AUTHORS}]]></dc:creator>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[Kurzfassung {post_id} mit &auml;]]></excerpt:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_date><![CDATA[2020-01-{day:02d} 10:00:00]]></wp:post_date>"
        f"<wp:post_date_gmt><![CDATA[2020-01-{day:02d} 09:00:00]]></wp:post_date_gmt>"
        f"<wp:comment_status><![CDATA[open]]></wp:comment_status>"
        f"<wp:post_name><![CDATA[beitrag-{post_id}]]></wp:post_name><wp:status><![CDATA[{status}]]></wp:status>"
        f"<wp:post_type><![CDATA[post]]></wp:post_type>"
        f'<category domain="category" nicename="thema-{1 + post_id % CATEGORIES}"><![CDATA[Thema]]></category>'
        + "".join(comments)
        + "</item>\n"
    )


def write_export(path, posts):
    rng = random.Random(posts)
    comment_ids = iter(range(1, 10**9))
    with path.open("w", encoding="utf-8") as export:
        export.write(wxr_header())
        for post_id in range(1, posts + 1):
            export.write(wxr_post(1000 + post_id, rng, comment_ids))
        export.write("</channel></rss>\n")
    return path.stat().st_size


def peak_rss_mb():
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_parse(export):
    """Only the streaming reader: peak traced Python memory while reading the whole file."""
    import tracemalloc

    sys.path.insert(0, str(BASE_DIR))
    from wordpress import wxr

    tracemalloc.start()
    started = time.perf_counter()
    items = sum(1 for kind, _data in wxr.read_wxr(export) if kind == "item")
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    return {"items": items, "seconds": seconds, "traced_peak_mb": peak / 2**20, "rss_mb": peak_rss_mb()}


def prepare_site(database_url, workdir):
    """Django set up on `database_url` (migrated), with a home page and a post index to import into."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DEBUG"] = "0"
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = str(Path(workdir) / "media")
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.core.management import call_command

    from wagtail.models import Page, Site

    from blog.models import BlogIndexPage
    from home.models import HomePage

    call_command("migrate", verbosity=0)
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="WIR. LEBEN. EIFEL.", slug="start-bench"))
    home.add_child(instance=BlogIndexPage(title="Beiträge", slug="beitraege"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})


def child_import(export, database_url, workdir, rerun):
    prepare_site(database_url, workdir)
    from wordpress.importer import WordPressImporter

    rss_before = peak_rss_mb()
    runs = []
    for _run in range(2 if rerun else 1):
        started = time.perf_counter()

        def progress(message, started=started):
            # Progress with time and memory, so a run stopped early still tells its rate.
            elapsed = time.perf_counter() - started
            print(f"{message}  {elapsed:.0f} s  RSS peak {peak_rss_mb():.0f} MB", file=sys.stderr, flush=True)

        report = WordPressImporter(export, progress=progress).run()
        seconds = time.perf_counter() - started
        runs.append(
            {
                "seconds": seconds,
                "counts": {getattr(kind, "value", kind): dict(counter) for kind, counter in report.counts.items()},
                "errors": report.errors[:5],
                "fatal": report.fatal,
            }
        )
    return {"rss_before_mb": rss_before, "rss_peak_mb": peak_rss_mb(), "runs": runs, "check": check_threads()}


def check_threads():
    """Nothing lost: what the database holds, and every reply in its parent's thread one level below it."""
    from blog.models import BlogPostPage
    from comments.models import PostComment

    rows = {
        pk: (parent_id, thread_id, level)
        for pk, parent_id, thread_id, level in PostComment.norel_objects.values_list(
            "pk", "parent_id", "thread_id", "level"
        )
    }
    broken = 0
    for pk, (parent_id, thread_id, level) in rows.items():
        if parent_id == pk:
            broken += thread_id != pk or level != 0
            continue
        parent = rows.get(parent_id)
        broken += parent is None or parent[1] != thread_id or parent[2] + 1 != level
    return {"posts": BlogPostPage.objects.count(), "comments": len(rows), "broken_threads": broken}


def run_child(*args):
    # stderr is passed through: the import's progress lines show while it runs.
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, text=True, check=False, cwd=BASE_DIR
    )
    if result.returncode:
        sys.exit(f"child {args[0]} failed (see above)")
    return json.loads(result.stdout.strip().splitlines()[-1])


def fresh_database_url(base_url, workdir, label):
    if base_url == "sqlite":
        return f"sqlite:///{workdir}/bench-{label}.sqlite3"
    # A fresh PostgreSQL database per run: drop and create it through psql.
    name = base_url.rsplit("/", 1)[1]
    admin_url = base_url.rsplit("/", 1)[0] + "/postgres"
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin_url, "-q", "-c", statement], check=True)
    return base_url


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument(
        "--database-url", default=DEFAULT_DATABASE_URL, help="postgres://…/DBNAME (dropped and recreated!) or sqlite"
    )
    parser.add_argument("--skip-large-import", action="store_true", help="only parse the large export")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        kind, *args = options.child
        result = child_parse(*args) if kind == "parse" else child_import(args[0], args[1], args[2], args[3] == "1")
        print(json.dumps(result))
        return

    database = "SQLite" if options.database_url == "sqlite" else "PostgreSQL"
    with tempfile.TemporaryDirectory() as workdir:
        workdir = Path(workdir)
        rows = []
        for label, posts in (("small", options.small), ("large", options.posts)):
            export = workdir / f"export-{posts}.xml"
            size = write_export(export, posts)
            parse = run_child("parse", str(export))
            print(f"{posts} posts: {size / 2**20:.1f} MB, parse {parse}", file=sys.stderr, flush=True)
            imported = None
            if not (label == "large" and options.skip_large_import):
                url = fresh_database_url(options.database_url, workdir, label)
                imported = run_child("import", str(export), url, str(workdir), "1")
                print(f"{posts} posts: import {imported}", file=sys.stderr, flush=True)
            rows.append((posts, size, parse, imported))

    lines = [
        "## WordPress import",
        "",
        f"`bench/wordpress_bench.py`, {database}, {time.strftime('%Y-%m-%d')}. Machine: {machine()} "
        "(shared with other jobs while measured). Each export has 10 comments per post "
        "(70 % approved, 10 % pending, 10 % spam, some pingbacks; threads up to the reply limit).",
        "",
        "| export | size | parse only: traced peak / RSS | import: time | posts/s | comments/s | RSS before → peak |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for posts, size, parse, imported in rows:
        parse_cell = f"{parse['traced_peak_mb']:.1f} MB / {parse['rss_mb']:.0f} MB ({parse['seconds']:.1f} s)"
        if imported:
            first = imported["runs"][0]
            comments = first["counts"]["comment"].get("created", 0)
            import_cells = (
                f"{first['seconds']:.0f} s | {posts / first['seconds']:.1f} | {comments / first['seconds']:.1f} | "
                f"{imported['rss_before_mb']:.0f} → {imported['rss_peak_mb']:.0f} MB"
            )
        else:
            import_cells = "not run | | | "
        lines.append(
            f"| {posts} posts, {posts * COMMENTS_PER_POST} comments | {size / 2**20:.1f} MB | {parse_cell} | {import_cells} |"
        )
    for posts, _size, _parse, imported in rows:
        if imported:
            check, created = imported["check"], imported["runs"][0]["counts"]
            lines.append("")
            lines.append(
                f"{posts}-post export: {check['posts']} posts and {check['comments']} comments in the database "
                f"(the import reported {created['post'].get('created', 0)} and "
                f"{created['comment'].get('created', 0)} created), {check['broken_threads']} broken threads."
            )
        if imported and len(imported["runs"]) > 1:
            rerun = imported["runs"][1]
            changed = sum(rerun["counts"][kind].get(o, 0) for kind in rerun["counts"] for o in ("created", "updated"))
            lines.append("")
            lines.append(
                f"Rerun of the {posts}-post export: {rerun['seconds']:.0f} s, {changed} objects created or updated "
                "(must be 0)."
            )
    print("\n".join(lines))
    record("wordpress", target_rows(rows, database))


def target_rows(rows, database):
    """The import's figures against issue 17's targets, computed from the runs (never typed in)."""
    results = []
    imported = {posts: run for posts, _size, _parse, run in rows if run}
    for posts, run in sorted(imported.items()):
        first = run["runs"][0]
        label = f"{posts:,} posts / {posts * COMMENTS_PER_POST:,} comments, {database}"
        # The time targets are for the 5,000-post export on PostgreSQL; any other run only reports.
        full_size = posts >= TARGET_POSTS and database == "PostgreSQL"
        timed = []
        if posts == max(imported):
            timed.append(at_most(f"WordPress import, {label}", first["seconds"], IMPORT_SECONDS, " s", digits=0))
        if len(run["runs"]) > 1:
            rerun = run["runs"][1]
            changed = sum(rerun["counts"][kind].get(o, 0) for kind in rerun["counts"] for o in ("created", "updated"))
            if posts == max(imported):
                timed.append(at_most(f"Rerun, {label}", rerun["seconds"], RERUN_SECONDS, " s", digits=0))
        for row in timed:
            if not full_size:
                row.met = False
                row.target += f" (for {TARGET_POSTS:,} posts on PostgreSQL)"
        results.extend(timed)
        if len(run["runs"]) > 1:
            results.append(Row(f"Rerun changes nothing, {label}", f"{changed} changed", "0 changed", changed == 0))
        check, created = run["check"], first["counts"]
        lost = (
            check["posts"] != created["post"].get("created", 0)
            or check["comments"] != created["comment"].get("created", 0)
            or check["broken_threads"]
            or first["fatal"]
        )
        results.append(
            Row(
                f"Nothing lost, {label}",
                f"{check['posts']:,} posts, {check['comments']:,} comments, {check['broken_threads']} broken threads",
                "as reported, 0 broken",
                not lost,
            )
        )
    if len(imported) == 2:
        (small, small_run), (large, large_run) = sorted(imported.items())
        growth = {
            posts: run["rss_peak_mb"] - run["rss_before_mb"] for posts, run in ((small, small_run), (large, large_run))
        }
        results.append(
            Row(
                f"Memory flat: RSS growth of the import, {small:,} → {large:,} posts",
                f"{growth[small]:.0f} → {growth[large]:.0f} MB",
                f"≤ {growth[small]:.0f} + {FLAT_MEMORY_MB} MB",
                growth[large] <= growth[small] + FLAT_MEMORY_MB,
            )
        )
    return results


if __name__ == "__main__":
    main()
