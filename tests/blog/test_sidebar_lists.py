"""The archive sidebar's lists are built in Python (blog/sidebar.py) with the markup the templates had."""

import datetime

from django.test import RequestFactory

from blog.models import Category
from blog.sidebar import category_tree, month_list


def test_the_month_list_links_each_months_archive_with_its_german_name_and_count(blog_index):
    request = RequestFactory().get("/beitraege/")
    html = month_list([(datetime.date(2015, 10, 1), 3), (datetime.date(2015, 3, 1), 1)], blog_index, request)

    assert html == (
        '<ul class="archive-sidebar__list">\n'
        '<li><a href="/beitraege/2015/10/">Oktober 2015</a> <span class="archive-sidebar__count">(3)</span></li>\n'
        '<li><a href="/beitraege/2015/03/">März 2015</a> <span class="archive-sidebar__count">(1)</span></li>\n'
        "</ul>"
    )


def test_the_category_tree_nests_escapes_and_marks_the_current_category(blog_index, db):
    region = Category.objects.create(name="Region & Land", slug="region")
    daun = Category.objects.create(name="Daun", slug="daun", parent=region)
    nodes = [{"category": region, "post_count": 2, "children": [{"category": daun, "post_count": 1, "children": []}]}]
    html = category_tree(nodes, blog_index, RequestFactory().get("/"), current=daun)

    assert html == (
        '<ul class="archive-sidebar__list">\n<li>\n'
        '<a href="/beitraege/kategorie/region/">Region &amp; Land</a> <span class="archive-sidebar__count">(2)</span>\n'
        '<ul class="archive-sidebar__list">\n<li>\n'
        '<a href="/beitraege/kategorie/daun/" aria-current="page">Daun</a> '
        '<span class="archive-sidebar__count">(1)</span>\n'
        "</li>\n</ul></li>\n</ul>"
    )
