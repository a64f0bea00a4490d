"""Shared fixtures: a site tree like the demo's (home → Beiträge → posts)."""

import io

import pytest

from wagtail.models import Page, Site

from blog.factories import AuthorFactory, BlogIndexPageFactory, BlogPostPageFactory, CategoryFactory
from home.models import HomePage


def ensure_wagtail_root():
    """Wagtail's root page and root collection, its default locale and django.contrib.sites' site.

    Migrations create them; a transactional test's flush (live server, threads) removes them for
    every test that runs after it, so fixtures that build a site tree restore them first.
    """
    from django.conf import settings as django_settings
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site as DjangoSite

    from wagtail.models import Collection, Locale

    # A flush and restore can give content types new ids; Django's cache would keep the old ones.
    ContentType.objects.clear_cache()
    DjangoSite.objects.get_or_create(pk=django_settings.SITE_ID, defaults={"domain": "example.com", "name": "example"})
    Locale.objects.get_or_create(language_code=django_settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", live=True))
    return root


@pytest.fixture
def home_page(db):
    root = ensure_wagtail_root()
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


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): …` runs what waits for the commit (the tests' transaction never commits):
    cache invalidations, mails, purges."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
