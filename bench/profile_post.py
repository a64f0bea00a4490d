"""Where a page rendered with every cache empty spends its time: `python bench/profile_post.py [url]`.

Loads the peers' workload (bench/workload.py) into the database of DATABASE_URL if the seed article has
no comments yet, then renders the page in-process (Django's test client, no Redis: nothing cached),
prints the CPU median, the SQL queries and a cProfile of one more request (`--profile`).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true")
    options = parser.parse_args()
    # Production settings as gunicorn runs them, without Redis: no page or fragment cache.
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=os.environ.get("SECRET_KEY", "profile-only-" + "x" * 50),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    import workload

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from blog.models import BlogIndexPage, BlogPostPage
    from comments.models import PostComment
    from home.demo_content import SEED_SLUG

    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    if not PostComment.objects.filter(object_pk=str(seed.pk)).exists():
        workload.load_seed_comments(seed)
        workload.add_posts(BlogIndexPage.objects.get(), 20)
    url = options.url or seed.url
    client = Client()
    client.cookies["bench"] = "uncached"
    assert client.get(url).status_code == 200
    cpu = []
    for _ in range(options.runs):
        start = time.process_time()
        client.get(url)
        cpu.append((time.process_time() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(f"{url}: CPU median {statistics.median(cpu):.1f} ms, min {min(cpu):.1f} ms, {len(queries)} queries")
    if options.queries:
        for query in queries:
            print("  ", query["sql"][:300])
    if options.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
