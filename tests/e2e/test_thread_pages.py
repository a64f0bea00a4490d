"""Long threads in a real browser without JavaScript: the order links and the pages of threads are
plain links, and a comment's permalink lands on the comment on a later page (comments/threads.py)."""

import pytest

from blog.models import BlogPostPage
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status
from home.demo_content import SEED_SLUG


@pytest.fixture
def long_thread(live_site, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    post = BlogPostPage.objects.get(slug=SEED_SLUG)
    for number in range(5):
        PostCommentFactory(post=post, status=Status.APPROVED, comment=f"Faden Nummer {number}")
    roots = list(
        PostComment.objects.on_post(post)
        .filter(is_public=True, level=0)
        .order_by("thread_id")
        .values_list("pk", flat=True)
    )
    return post, roots


def test_order_links_pages_and_permalink_work_without_javascript(new_context, live_server, long_thread):
    from playwright.sync_api import expect

    post, roots = long_thread
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + post.url)

    page.locator(".comments__order a", has_text="Neueste").click()
    assert page.url.endswith(f"{post.url}?kommentare=neueste#kommentare"), page.url
    expect(page.locator("ol.comment-list > li.comment").first).to_have_attribute("id", f"c{roots[-1]}")

    page.locator(".comments__pages a[rel=next]").click()
    assert page.url.endswith("?kommentare=neueste&seite=2#kommentare"), page.url
    expect(page.locator(".comments__pages")).to_contain_text("Seite 2 von")
    expect(page.locator("ol.comment-list > li.comment").first).to_have_attribute("id", f"c{roots[-3]}")

    # A comment of page 2 in the default order: its permalink finds that page and scrolls to it.
    target = roots[2]
    page.goto(f"{live_server.url}/kommentare/{target}/")
    assert page.url.endswith(f"{post.url}?seite=2#c{target}"), page.url
    expect(page.locator(f"#c{target}")).to_be_in_viewport()
