"""Hostile exports against the bulk writer of new posts (issue 17 attack): the tree, the slugs and
what is written must be what the per-page code wrote."""

import pytest

from wagtail.models import Page

from blog.models import BlogPostPage

from .test_bad_input import HEADER, POST, run, write
from .test_bulk import assert_tree_consistent

pytestmark = pytest.mark.django_db


def post(wp_id, slug=None, status="publish", date_gmt=None, title=None, extra=""):
    text = POST.format(wp_id=wp_id)
    if slug is not None:
        text = text.replace(f"<wp:post_name>beitrag-{wp_id}</wp:post_name>", f"<wp:post_name>{slug}</wp:post_name>")
    if status != "publish":
        text = text.replace("<wp:status>publish</wp:status>", f"<wp:status>{status}</wp:status>")
    if date_gmt:
        text = text.replace("</item>", f"<wp:post_date_gmt>{date_gmt}</wp:post_date_gmt></item>")
    if title is not None:
        text = text.replace(f"<title>Beitrag {wp_id}</title>", f"<title>{title}</title>")
    return text.replace("</item>", f"{extra}</item>")


def export(tmp_path, *items):
    return write(tmp_path, HEADER.format(version="1.2") + "".join(items) + "</channel></rss>")


def test_a_scheduled_post_and_a_new_post_with_its_slug_in_one_batch_get_different_slugs(blog_index, tmp_path):
    path = export(
        tmp_path,
        post(1, slug="gleich", status="future", date_gmt="2999-01-01 10:00:00"),
        post(2, slug="gleich"),
    )
    run(path)
    slugs = sorted(Page.objects.child_of(blog_index).values_list("slug", flat=True))
    assert len(slugs) == 2
    assert len(set(slugs)) == 2, slugs
    assert_tree_consistent(blog_index)
