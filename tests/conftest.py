"""Shared fixtures: a site tree like the demo's (home → Beiträge → posts)."""

import io

import pytest

from wagtail.models import Page, Site

from blog.factories import AuthorFactory, BlogIndexPageFactory, BlogPostPageFactory, CategoryFactory
from home.models import HomePage


@pytest.fixture
def home_page(db):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="WIR. LEBEN. EIFEL.", slug="start"))
    Site.objects.all().delete()
    Site.objects.create(
        hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="WIR. LEBEN. EIFEL."
    )
    return home


@pytest.fixture
def blog_index(home_page):
    return BlogIndexPageFactory(parent=home_page)


@pytest.fixture
def author(db):
    return AuthorFactory(name="Klaus Schäfer", slug="klaus-schaefer")


@pytest.fixture
def category(db):
    return CategoryFactory(name="Wirtschaft", slug="wirtschaft")


@pytest.fixture
def post(blog_index, author, category):
    """A published post with one author and one category."""
    return BlogPostPageFactory(
        parent=blog_index,
        title="Ein Beitrag aus der Eifel",
        slug="ein-beitrag",
        authors=[author],
        categories=[category],
    )


@pytest.fixture
def demo_site(db):
    """The complete demo content, as `make run` loads it."""
    from django.core.management import call_command

    call_command("load_demo_content", "--no-accounts", verbosity=0, stdout=io.StringIO())
    return HomePage.objects.get()
