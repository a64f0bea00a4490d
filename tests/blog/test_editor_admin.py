"""The editors' admin (issue 16): one German slug rule, the "Beiträge" listing, publishing first on live posts,
scheduling beside the date, no autosave drafts of empty posts, slug clashes that explain themselves, tags."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup

from django.urls import reverse
from django.utils import timezone

from blog.factories import AuthorFactory, BlogPostPageFactory, post_form
from blog.models import Author, BlogPostPage, Category, PostTag
from comments.factories import PostCommentFactory
from comments.models import Status


@pytest.fixture
def editor(admin_client):
    return admin_client


def add_url(blog_index):
    return reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk))


# --- 1. One slug rule ---------------------------------------------------------------------------


def test_slug_fields_transliterate_the_german_way_while_typing(editor, blog_index):
    html = BeautifulSoup(editor.get(add_url(blog_index)).content, "html.parser")
    slug = html.select_one("input[name=slug]")
    assert slug["data-controller"] == "w-slug"
    # WAGTAIL_ALLOW_UNICODE_SLUGS = False: the attribute is left out, which the slug controller reads as false.
    assert not slug.has_attr("data-w-slug-allow-unicode-value")
    formatters = {regex[0]: replacement for regex, replacement in json.loads(slug["data-w-slug-formatters-value"])}
    assert {formatters[key] for key in ("ä", "ö", "ü", "ß")} == {"ae", "oe", "ue", "ss"}


@pytest.mark.parametrize("url_name", ["wagtailsnippets_blog_author:add", "wagtailsnippets_blog_category:add"])
def test_author_and_category_names_fill_the_slug_as_the_editor_types(editor, url_name):
    html = BeautifulSoup(editor.get(reverse(url_name)).content, "html.parser")
    name = html.select_one("input[name=name]")
    assert name["data-controller"] == "w-sync"
    assert "slug" in name["data-w-sync-target-value"]
    assert "data-w-slug-formatters-value" in html.select_one("input[name=slug]").attrs


def test_post_saved_without_slug_gets_the_german_slug_of_its_title(editor, blog_index, author, other_author, category):
    form = post_form(author, other_author, [category], title="Straße in Müllenbach geöffnet", slug="")
    assert editor.post(add_url(blog_index), form).status_code == 302
    assert BlogPostPage.objects.get(title="Straße in Müllenbach geöffnet").slug == "strasse-in-muellenbach-geoeffnet"


@pytest.mark.parametrize(
    ("title", "slug"),
    [("2024", "2024-2"), ("Suche", "suche-2"), ("Schlagwort", "schlagwort-2"), ("🎉🎉", "beitrag"), ("!!!", "beitrag")],
)
def test_slug_made_from_the_title_is_never_reserved_or_empty(
    editor, blog_index, author, other_author, category, title, slug
):
    """A title that is a year or a route word would give a post its archive's address (never reachable); one
    without letters or digits gave an empty slug (the post at the index's own address)."""
    response = editor.post(add_url(blog_index), post_form(author, other_author, [category], title=title, slug=""))
    assert response.status_code == 302
    post = BlogPostPage.objects.get(title=title)
    assert post.slug == slug
    assert post.url.endswith(f"/{slug}/")


def test_author_and_category_saved_without_slug_get_one_from_the_name(editor):
    AuthorFactory(name="Jörg Bäcker", slug="joerg-baecker")
    response = editor.post(reverse("wagtailsnippets_blog_author:add"), {"name": "Jörg Bäcker", "slug": "", "bio": ""})
    assert response.status_code == 302
    assert sorted(Author.objects.values_list("slug", flat=True)) == ["joerg-baecker", "joerg-baecker-2"]
    response = editor.post(reverse("wagtailsnippets_blog_category:add"), {"name": "Öffentliche Straßen", "slug": ""})
    assert response.status_code == 302
    assert Category.objects.get(name="Öffentliche Straßen").slug == "oeffentliche-strassen"


def test_tags_get_german_slugs(db):
    assert PostTag.objects.create(name="Üxheim").slug == "uexheim"
    assert PostTag.objects.create(name="Gerolstein Süd").slug == "gerolstein-sued"


# --- 2. The "Beiträge" listing ------------------------------------------------------------------


@pytest.fixture
def listed_posts(blog_index, author, other_author, category, other_category):
    first = BlogPostPageFactory(
        parent=blog_index,
        title="Maifest in Daun",
        slug="maifest",
        date=datetime.date(2024, 5, 1),
        authors=[author],
        categories=[category],
    )
    second = BlogPostPageFactory(
        parent=blog_index,
        title="Kirmes in Prüm",
        slug="kirmes",
        date=datetime.date(2024, 8, 1),
        authors=[other_author],
        categories=[other_category],
    )
    for _index in range(2):
        PostCommentFactory(post=second, status=Status.APPROVED)
    PostCommentFactory(post=second)  # held: not counted
    return first, second


def rows(response):
    html = BeautifulSoup(response.content, "html.parser")
    return [" ".join(row.get_text(" ").split()) for row in html.select("table tbody tr")]


def test_admin_menu_has_posts_authors_categories_and_tags(editor):
    html = editor.get(reverse("wagtailadmin_home")).content.decode()
    for url in ("/admin/beitraege/", "/admin/snippets/blog/author/", "/admin/snippets/blog/category/"):
        assert url in html
    assert "/admin/snippets/blog/posttag/" in html


def test_post_listing_shows_authors_categories_date_and_approved_comment_count(editor, listed_posts):
    listed = rows(editor.get("/admin/beitraege/"))
    assert len(listed) == 2
    assert "Kirmes in Prüm" in listed[0] and "Maria Weber" in listed[0] and "Kultur" in listed[0]
    assert listed[0].endswith(" 2")
    assert "Maifest in Daun" in listed[1] and "Klaus Schäfer" in listed[1] and "Wirtschaft" in listed[1]
    assert listed[1].endswith(" 0")


def test_post_listing_filters_by_author_category_and_status(editor, listed_posts, other_author, category):
    first, second = listed_posts
    assert [r.split(" ")[0] for r in rows(editor.get(f"/admin/beitraege/?author={other_author.pk}"))] == ["Kirmes"]
    assert "Maifest in Daun" in rows(editor.get(f"/admin/beitraege/?categories={category.pk}"))[0]
    second.unpublish()
    drafts = rows(editor.get("/admin/beitraege/?live=false"))
    assert len(drafts) == 1 and "Kirmes in Prüm" in drafts[0]


def test_post_listing_sorts_by_comment_count_and_date(editor, listed_posts):
    assert "Maifest" in rows(editor.get("/admin/beitraege/?ordering=comment_count"))[0]
    assert "Kirmes" in rows(editor.get("/admin/beitraege/?ordering=-comment_count"))[0]
    assert "Maifest" in rows(editor.get("/admin/beitraege/?ordering=date"))[0]


def test_new_post_button_opens_the_post_form_directly(editor, blog_index):
    html = BeautifulSoup(editor.get("/admin/beitraege/").content, "html.parser")
    button = next(link for link in html.select("a.button") if "Neuer Beitrag" in link.get_text())
    assert button["href"] == add_url(blog_index)


# --- 3. Publishing a live post ------------------------------------------------------------------


def test_live_post_offers_publish_first_and_the_draft_beside_it(editor, post):
    html = BeautifulSoup(editor.get(reverse("wagtailadmin_pages:edit", args=(post.pk,))).content, "html.parser")
    footer = html.select_one("footer")
    buttons = [" ".join(button.get_text(" ").split()) for button in footer.select("button[type=submit]")]
    assert footer.select("button[type=submit]")[0]["name"] == "action-publish"
    assert buttons[1] == "Als Entwurf speichern (öffentliche Seite bleibt unverändert)"


def test_messages_say_whether_a_draft_was_saved_or_the_changes_went_live(editor, post, author, other_author, category):
    edit_url = reverse("wagtailadmin_pages:edit", args=(post.pk,))
    form = post_form(author, other_author, [category], post=post, title="Ein Beitrag aus der Eifel (korrigiert)")
    form["slug"] = post.slug
    response = editor.post(edit_url, form, follow=True)
    draft_message = " ".join(str(m) for m in response.context["messages"])
    assert "Entwurf gespeichert" in draft_message and "unverändert" in draft_message
    response = editor.post(edit_url, {**form, "action-publish": "action-publish"}, follow=True)
    published_message = " ".join(str(m) for m in response.context["messages"])
    assert "live" in published_message
    post.refresh_from_db()
    assert post.title == "Ein Beitrag aus der Eifel (korrigiert)"


# --- 4. Scheduling ------------------------------------------------------------------------------


def test_go_live_time_is_beside_the_date_in_the_main_panel(editor, blog_index):
    html = BeautifulSoup(editor.get(add_url(blog_index)).content, "html.parser")
    content_tab = html.select_one("#tab-inhalt")
    assert content_tab.select_one("input[name=go_live_at]")
    assert content_tab.select_one("input[name=date]")
    assert len(html.select("input[name=go_live_at]")) == 1


def test_scheduled_post_takes_the_go_live_day_as_its_date(editor, blog_index, author, other_author, category):
    go_live = timezone.localtime() + datetime.timedelta(days=3)
    form = post_form(author, other_author, [category], go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    form["date"] = timezone.localdate().isoformat()  # the form's default: not set on purpose
    form["action-publish"] = "action-publish"
    assert editor.post(add_url(blog_index), form).status_code == 302
    post = BlogPostPage.objects.get(slug="dorfladen-in-uexheim")
    assert not post.live
    assert post.get_latest_revision_as_object().date == go_live.date()


def test_a_date_set_on_purpose_stays_and_the_editor_is_warned(editor, blog_index, author, other_author, category):
    go_live = timezone.localtime() + datetime.timedelta(days=3)
    form = post_form(author, other_author, [category], go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    form["action-publish"] = "action-publish"
    response = editor.post(add_url(blog_index), form, follow=True)
    post = BlogPostPage.objects.get(slug="dorfladen-in-uexheim")
    assert post.get_latest_revision_as_object().date == datetime.date(2015, 9, 28)
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert any("28.09.2015" in warning for warning in warnings)


# --- 5. Autosave and slug clashes ---------------------------------------------------------------


def test_autosave_of_a_new_post_with_only_a_title_creates_nothing(editor, blog_index):
    response = editor.post(
        add_url(blog_index), {"title": "Nur ein Titel", "slug": "nur-ein-titel"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_error"
    assert "ersten Speichern" in response.json()["error_message"]
    assert not BlogPostPage.objects.exists()


def test_autosave_of_a_new_post_with_content_creates_nothing_either(editor, blog_index, author, other_author, category):
    """Only the editor's click creates a post: an autosave would race "Veröffentlichen" for the slug."""
    response = editor.post(
        add_url(blog_index), post_form(author, other_author, [category]), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_error"
    assert not BlogPostPage.objects.exists()
    # The click itself works as always.
    form = {**post_form(author, other_author, [category]), "action-publish": "action-publish"}
    assert editor.post(add_url(blog_index), form).status_code == 302
    assert BlogPostPage.objects.get().live


def test_slug_clash_is_explained_above_the_form_with_a_free_slug(
    editor, blog_index, post, author, other_author, category
):
    BlogPostPageFactory(parent=blog_index, title="Zweiter", slug="ein-beitrag-2", authors=[author])
    form = post_form(author, other_author, [category], title="Ein Beitrag aus der Eifel", slug="ein-beitrag")
    response = editor.post(add_url(blog_index), form)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "„ein-beitrag“" in errors and "„ein-beitrag-3“" in errors
    assert "„ein-beitrag-3“" in response.content.decode()
    assert BlogPostPage.objects.count() == 2


@pytest.mark.parametrize(("typed", "slug"), [("prüm-öffnet", "pruem-oeffnet"), ("straße_süd", "strasse_sued")])
def test_typed_slug_with_umlauts_follows_the_german_rule(
    editor, blog_index, author, other_author, category, typed, slug
):
    """Wagtail's slug field accepts Unicode: a pasted "prüm-öffnet" became the address `pr%C3%BCm-%C3%B6ffnet`."""
    response = editor.post(add_url(blog_index), post_form(author, other_author, [category], slug=typed))
    assert response.status_code == 302
    assert BlogPostPage.objects.get().slug == slug


@pytest.mark.parametrize("slug", ["Hallo Welt", "schlagwort", "2024"])
def test_malformed_or_reserved_slug_is_not_called_taken(editor, blog_index, author, other_author, category, slug):
    """Only a slug another post has is a clash: a malformed or reserved one has its own error, and proposing
    the very same slug as "free" would send the editor in a circle."""
    response = editor.post(add_url(blog_index), post_form(author, other_author, [category], slug=slug))
    assert response.status_code == 200
    assert response.context["form"].errors["slug"]
    assert "hat schon ein anderer Beitrag" not in response.content.decode()
    assert not BlogPostPage.objects.exists()


# --- 6. German help ------------------------------------------------------------------------------


def test_help_menu_links_to_our_german_guide_not_wagtails_english_one(editor):
    html = editor.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("editor_guide") in html
    assert "guide.wagtail.org" not in html
    guide = editor.get(reverse("editor_guide"))
    assert guide.status_code == 200
    assert "Veröffentlichen und planen" in guide.content.decode()


def test_page_approval_group_and_workflow_have_german_names_apart_from_comment_moderators(db):
    from django.contrib.auth.models import Group

    from wagtail.models import Workflow

    names = set(Group.objects.values_list("name", flat=True))
    assert "Moderators" not in names and "Seitenfreigabe (Chefredaktion)" in names
    assert Workflow.objects.filter(name="Freigabe durch die Chefredaktion").exists()


def test_wagtail_strings_we_surface_are_german(editor, post):
    html = editor.get(reverse("wagtailadmin_pages:edit", args=(post.pk,))).content.decode()
    for english_or_broken in ("domain.com/blog/[my-slug]", "In Moderators approval einreichen", "Go-Live"):
        assert english_or_broken not in html
    assert "Zur Freigabe durch die Chefredaktion einreichen" in html
