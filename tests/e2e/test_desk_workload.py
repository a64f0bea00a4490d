"""Held comments (5 in `make test`, 20 from bench/desk_bench.py: DESK_BENCH_COUNT), decided the old way (the row's "…" menu, a click, a page load) and the desk's way
(keyboard, no page load): clicks, key presses, page loads and seconds. bench/desk_bench.py runs this and
writes the figures into bench/RESULTS.md (DESK_BENCH_OUT names the file the figures go to)."""

import json
import os
import re
import time

from playwright.sync_api import expect

from blog.models import BlogPostPage
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status
from home.demo_content import SEED_SLUG

from .conftest import admin_log_in

# The suite checks the promise on a few comments; the benchmark measures the peers' 20.
COUNT = int(os.environ.get("DESK_BENCH_COUNT", "5"))


def fresh_queue():
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    PostComment.objects.all().delete()
    for n in range(COUNT):
        PostCommentFactory(post=seed, comment=f"Wartender Kommentar Nummer {n}")


def test_held_comments_take_fewer_page_loads_and_actions_at_the_desk(
    live_site, live_server, new_context, moderator, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    admin = new_context().new_page()
    admin_log_in(admin, live_server.url, "moderatorin", "moderieren-ist-wichtig-42")
    loads = []
    admin.on("load", lambda: loads.append(1))
    queue = live_server.url + "/admin/kommentare/"

    # Before: per comment the "…" menu, "Freigeben", and the queue loads again.
    fresh_queue()
    admin.goto(queue)
    loads.clear()
    clicks = 0
    started = time.perf_counter()
    for _ in range(COUNT):
        row = admin.locator("tr:has([data-comment-actions])").first
        row.get_by_role("button", name=re.compile("Weitere|More|Aktionen", re.I)).first.click()
        row.get_by_role("link", name="Freigeben", exact=True).click()
        clicks += 2
        admin.wait_for_load_state("load")
    expect(admin.locator("tr:has([data-comment-actions])")).to_have_count(0)
    before = {"actions": clicks, "page_loads": len(loads), "seconds": round(time.perf_counter() - started, 1)}
    assert PostComment.objects.filter(status=Status.APPROVED).count() == COUNT

    # After: j to pick the first row, then "a" per comment; no page load.
    fresh_queue()
    admin.goto(queue)
    loads.clear()
    started = time.perf_counter()
    admin.keyboard.press("j")
    presses = 1
    rows = admin.locator("tr:has([data-comment-actions])")
    for left in range(COUNT, 0, -1):
        admin.keyboard.press("a")
        presses += 1
        expect(rows.filter(visible=True)).to_have_count(left - 1)
    after = {"actions": presses, "page_loads": len(loads), "seconds": round(time.perf_counter() - started, 1)}
    assert PostComment.objects.filter(status=Status.APPROVED).count() == COUNT

    assert after["page_loads"] < before["page_loads"]
    assert after["actions"] < before["actions"]
    out = os.environ.get("DESK_BENCH_OUT")
    if out:
        with open(out, "w") as handle:
            json.dump({"count": COUNT, "before": before, "after": after}, handle)
