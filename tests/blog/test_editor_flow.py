"""An editor creates, previews, schedules and publishes a post with authors and categories, through the admin."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from blog.factories import post_form
from blog.models import BlogPostPage


@pytest.fixture
def editor(admin_client):
    return admin_client


def assert_saved(response):
    """The admin redirects after a save; on a form error it shows the form again (status 200)."""
    if response.status_code != 302:
        form = response.context["form"]
        errors = {name: (formset.errors, formset.non_form_errors()) for name, formset in form.formsets.items()}
        messages = [str(message) for message in response.context["messages"]]
        pytest.fail(f"Not saved: {form.errors} {errors} {messages}")


def test_post_form_shows_categories_as_checkboxes_and_authors_through_a_chooser(editor, blog_index, category):
    response = editor.get(reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk)))

    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one(f'input[type="checkbox"][name="categories"][value="{category.pk}"]')
    assert html.select_one('input[name="post_authors-TOTAL_FORMS"]')
    assert b"Autor(inn)en" in response.content


def test_editor_creates_previews_schedules_and_publishes_a_post(
    editor, client, blog_index, author, other_author, category, other_category
):
    add_url = reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk))
    form = post_form(author, other_author, [category, other_category])

    # 1. Preview before the first save.
    preview_on_add = reverse("wagtailadmin_pages:preview_on_add", args=("blog", "blogpostpage", blog_index.pk))
    assert editor.post(preview_on_add, form).json()["is_valid"] is True
    preview = editor.get(preview_on_add)
    assert preview.status_code == 200
    assert "Dorfladen in Üxheim eröffnet" in preview.content.decode()
    assert "Zehn Jahre lang" in preview.content.decode()

    # 2. Save as a draft: not live, readers get a 404.
    response = editor.post(add_url, form)
    assert response.status_code == 302
    post = BlogPostPage.objects.get(slug="dorfladen-in-uexheim")
    assert not post.live
    assert [a.name for a in post.authors] == ["Klaus Schäfer", "Maria Weber"]
    assert sorted(c.slug for c in post.categories.all()) == ["kultur", "wirtschaft"]
    assert client.get("/beitraege/dorfladen-in-uexheim/").status_code == 404

    # 3. Preview the saved draft with changes.
    preview_on_edit = reverse("wagtailadmin_pages:preview_on_edit", args=(post.pk,))
    changed = post_form(author, other_author, [category], post=post, title="Dorfladen eröffnet – mit Lieferdienst")
    assert editor.post(preview_on_edit, changed).json()["is_valid"] is True
    preview = editor.get(preview_on_edit).content.decode()
    assert "Dorfladen eröffnet – mit Lieferdienst" in preview
    assert "Klaus Schäfer" in preview and "Maria Weber" in preview
    assert "Kategorien:" in preview

    # 4. Schedule for tomorrow: approved, still not live.
    edit_url = reverse("wagtailadmin_pages:edit", args=(post.pk,))
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    response = editor.post(
        edit_url,
        {
            **post_form(author, other_author, [category, other_category], post=post, go_live_at=tomorrow),
            "action-publish": "action-publish",
        },
    )
    assert_saved(response)
    post.refresh_from_db()
    assert not post.live
    assert post.go_live_at is not None
    assert post.get_latest_revision().approved_go_live_at is not None
    assert client.get("/beitraege/dorfladen-in-uexheim/").status_code == 404
    assert "Dorfladen" not in client.get("/beitraege/").content.decode()

    # 5. Tomorrow comes: Wagtail's publish_scheduled command (cron) publishes it.
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    scheduled = post.revisions.get(approved_go_live_at__isnull=False)
    scheduled.approved_go_live_at = an_hour_ago
    scheduled.content["go_live_at"] = an_hour_ago.isoformat()
    scheduled.save()
    call_command("publish_scheduled", stdout=io.StringIO())
    post.refresh_from_db()
    assert post.live
    page = client.get("/beitraege/dorfladen-in-uexheim/").content.decode()
    assert "Autor(inn)en:" in page
    assert "28. September 2015" in page
    assert "Dorfladen in Üxheim eröffnet" in client.get("/beitraege/kategorie/kultur/").content.decode()

    # 5b. A correction is published at once.
    response = editor.post(
        edit_url,
        {
            **post_form(author, other_author, [category], post=post, title="Dorfladen in Üxheim eröffnet (korrigiert)"),
            "action-publish": "action-publish",
        },
    )
    assert_saved(response)
    assert "(korrigiert)" in client.get("/beitraege/dorfladen-in-uexheim/").content.decode()
    assert "Dorfladen" not in client.get("/beitraege/kategorie/kultur/").content.decode()

    # 6. Revisions and the audit log recorded every step.
    assert post.revisions.count() == 3  # draft, scheduled, correction
    actions = list(PageLogEntry.objects.filter(page=post).values_list("action", flat=True))
    assert "wagtail.create" in actions
    assert "wagtail.publish.scheduled" in actions
    assert "wagtail.publish" in actions
    assert editor.get(reverse("wagtailadmin_pages:history", args=(post.pk,))).status_code == 200
    first_revision = post.revisions.order_by("created_at").first()
    old_version = editor.get(reverse("wagtailadmin_pages:revisions_view", args=(post.pk, first_revision.pk)))
    assert old_version.status_code == 200
    assert "(korrigiert)" not in old_version.content.decode()


def test_post_without_author_is_refused_with_a_message(editor, blog_index, category):
    form = nested_form_data(
        {
            "title": "Ohne Autor",
            "slug": "ohne-autor",
            "date": "2015-09-28",
            "post_authors": inline_formset([]),
            "body": streamfield([]),
            "intro": "",
        }
    )
    response = editor.post(reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk)), form)

    assert response.status_code == 200
    assert "Bitte mindestens eine Autorin oder einen Autor auswählen." in response.content.decode()
    assert not BlogPostPage.objects.filter(slug="ohne-autor").exists()


def test_reserved_slug_is_refused_in_the_admin_with_a_german_message(
    editor, blog_index, author, other_author, category
):
    form = post_form(author, other_author, [category], slug="feed")

    response = editor.post(reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk)), form)

    assert response.status_code == 200
    assert "für Archive und Feeds reserviert" in response.content.decode()
    assert not BlogPostPage.objects.filter(slug="feed").exists()


@pytest.mark.parametrize(
    ("url_name", "query", "expected", "unexpected"),
    [
        ("wagtailsnippets_blog_author:list", "Schä", "Klaus Schäfer", "Maria Weber"),
        ("wagtailsnippets_blog_category:list", "Kul", "Kultur", "Wirtschaft"),
    ],
)
def test_snippet_listings_for_authors_and_categories_are_searchable(
    editor, author, other_author, category, other_category, url_name, query, expected, unexpected
):
    listing = editor.get(reverse(url_name))
    assert listing.status_code == 200
    assert expected in listing.content.decode() and unexpected in listing.content.decode()

    results = editor.get(reverse(url_name), {"q": query}).content.decode()

    assert expected in results
    assert unexpected not in results
