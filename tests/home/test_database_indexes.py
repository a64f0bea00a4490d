"""Indexes the pages' hot queries rely on at scale (issue 17; query plans in bench/PROFILE.md)."""

import pytest

from django.db import connection

pytestmark = pytest.mark.django_db


def indexes(table):
    """{name: [columns, in order]} of the table's indexes."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: info["columns"] for name, info in constraints.items() if info["index"]}


def test_posts_are_indexed_newest_first():
    # "Weitere Beiträge" walks it and stops after five (blog/models.py _related_posts_query).
    assert ["date"] in indexes("blog_blogpostpage").values()


def test_the_children_of_a_page_are_indexed_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serves the demo with few pages (home/migrations/0003)")
    assert indexes("wagtailcore_page")["home_page_children"] == ["depth", "path"]
