"""Schlagwörter: editors tag posts; each tag has an archive and feeds under the post index; `/tag/<slug>/`
of the old site redirects there."""

import pytest
from bs4 import BeautifulSoup

from django.urls import reverse

from blog.factories import BlogPostPageFactory, post_form
from blog.models import BlogPostPage, PostTag


@pytest.fixture
def tagged(blog_index, author):
    uexheim = PostTag.objects.create(name="Üxheim")
    pruem = PostTag.objects.create(name="Prüm")
    first = BlogPostPageFactory(parent=blog_index, title="Dorfladen in Üxheim", slug="dorfladen", authors=[author])
    second = BlogPostPageFactory(parent=blog_index, title="Basilika in Prüm", slug="basilika", authors=[author])
    draft = BlogPostPageFactory(parent=blog_index, title="Entwurf aus Üxheim", slug="entwurf", live=False)
    for post, tags in ((first, [uexheim]), (second, [pruem]), (draft, [uexheim])):
        post.tags.set(tags)
        post.save()
    return {"uexheim": uexheim, "pruem": pruem}


def test_editor_tags_a_post_in_the_admin(admin_client, blog_index, author, other_author, category):
    form = post_form(author, other_author, [category], tags="Üxheim, Gerolstein Süd")
    response = admin_client.post(reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk)), form)
    assert response.status_code == 302
    post = BlogPostPage.objects.get(slug="dorfladen-in-uexheim")
    assert sorted(tag.slug for tag in post.tags.all()) == ["gerolstein-sued", "uexheim"]


def test_tag_archive_lists_the_live_posts_with_the_tag(client, tagged):
    response = client.get("/beitraege/schlagwort/uexheim/")
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    text = html.get_text()
    assert "Schlagwort: Üxheim" in text
    assert "Dorfladen in Üxheim" in text
    assert "Basilika in Prüm" not in text and "Entwurf aus Üxheim" not in text
    feeds = [link["href"] for link in html.select("link[rel=alternate]")]
    assert "/beitraege/schlagwort/uexheim/feed/" in feeds and "/beitraege/schlagwort/uexheim/feed/atom/" in feeds
    assert client.get("/beitraege/schlagwort/gibt-es-nicht/").status_code == 404


@pytest.mark.parametrize("path", ["/beitraege/schlagwort/uexheim/feed/", "/beitraege/schlagwort/uexheim/feed/atom/"])
def test_tag_feeds_carry_only_the_tagged_live_posts(client, tagged, path):
    body = client.get(path).content.decode()
    assert "Dorfladen in Üxheim" in body
    assert "Basilika in Prüm" not in body and "Entwurf aus Üxheim" not in body
    assert "Schlagwort Üxheim" in body


def test_post_page_links_its_tags(client, tagged):
    html = BeautifulSoup(client.get("/beitraege/dorfladen/").content, "html.parser")
    assert [link["href"] for link in html.select(".post__tags a[rel=tag]")] == ["/beitraege/schlagwort/uexheim/"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/tag/uexheim/", "/beitraege/schlagwort/uexheim/"),
        ("/tag/pr%C3%BCm/", "/beitraege/schlagwort/pruem/"),
        ("/tag/pruem/feed/", "/beitraege/schlagwort/pruem/feed/"),
    ],
)
def test_old_tag_addresses_redirect_permanently(client, tagged, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


@pytest.mark.parametrize("path", ["/tag/gibt-es-nicht/", "/tag/uexheim/unsinn/"])
def test_unknown_tag_addresses_are_404(client, tagged, path):
    assert client.get(path).status_code == 404


def test_tag_slug_is_reserved_for_posts(admin_client, blog_index, author, other_author, category):
    form = post_form(author, other_author, [category], slug="schlagwort")
    response = admin_client.post(reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk)), form)
    assert response.status_code == 200
    assert "reserviert" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/beitraege/schlagwort/ruecktritt/",
        "/beitraege/schlagwort/ruecktritt/feed/",
        "/beitraege/schlagwort/ruecktritt/feed/atom/",
        "/tag/ruecktritt/",
        "/tag/r%C3%BCcktritt/feed/",
    ],
)
def test_tag_of_unpublished_posts_only_is_not_revealed(client, blog_index, author, path):
    """A tag typed into a draft (or a scheduled or login-only post) is created at once; its archive and feeds
    would show its name ("Rücktritt") to anyone guessing the address before any post with it is public."""
    from wagtail.models import PageViewRestriction

    tag = PostTag.objects.create(name="Rücktritt")
    draft = BlogPostPageFactory(parent=blog_index, title="Entwurf", slug="entwurf", live=False, authors=[author])
    private = BlogPostPageFactory(parent=blog_index, title="Intern", slug="intern", authors=[author])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    for post in (draft, private):
        post.tags.set([tag])
        post.save()
    response = client.get(path)
    assert response.status_code == 404
    assert "Rücktritt" not in response.content.decode()
    private.get_view_restrictions().delete()
    assert client.get(path, follow=True).status_code == 200
