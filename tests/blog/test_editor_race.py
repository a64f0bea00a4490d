"""Two creations of the same new post at once (issue: a 500 in tests/e2e/test_editor_walk.py, where
Wagtail's autosave raced "Veröffentlichen"; autosave no longer creates posts, but a form sent twice or two
editors still can race).

Both requests pass the form's slug check before either has saved; the later save then clashes with the
earlier page. `interleave` reproduces that order without threads: the first request runs inside the
second, right after the second's form was validated and before its page is saved.
"""

import pytest

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from blog.factories import post_form
from blog.models import BlogPostPage, BlogPostPageForm

pytestmark = pytest.mark.django_db

SLUG = "dorfladen-in-uexheim"
JSON = {"HTTP_ACCEPT": "application/json"}  # what Wagtail's autosave sends


@pytest.fixture
def add_url(blog_index):
    return reverse("wagtailadmin_pages:add", args=("blog", "blogpostpage", blog_index.pk))


@pytest.fixture
def form(author, other_author, category):
    return post_form(author, other_author, [category])


@pytest.fixture
def interleave(monkeypatch):
    """`interleave(first)`: the next post form validated runs `first()` right after its own validation."""

    def arrange(first):
        original = BlogPostPageForm.clean
        pending = [first]

        def clean(self):
            cleaned_data = original(self)
            if pending:
                pending.pop()()  # the other request commits its page now
            return cleaned_data

        monkeypatch.setattr(BlogPostPageForm, "clean", clean)

    return arrange


def messages_of(response):
    return [str(message) for message in response.context["messages"]] + list(
        response.context["form"].non_field_errors()
    )


def test_without_the_guard_the_later_request_fails_with_a_slug_clash(admin_client, add_url, form, interleave, settings):
    """The reproduction: what the editor got as a 500 before blog.middleware.PageCreateSlugRaceMiddleware."""
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "blog.middleware.PageCreateSlugRaceMiddleware"
    ]
    interleave(lambda: admin_client.post(add_url, form))  # the same form sent a moment earlier: a draft
    with pytest.raises(ValidationError) as clash:
        admin_client.post(add_url, {**form, "action-publish": "action-publish"})
    assert "slug" in clash.value.message_dict
    assert BlogPostPage.objects.filter(slug=SLUG).count() == 1


def test_an_autosave_during_the_publish_click_takes_nothing_and_the_click_publishes(
    admin_client, add_url, form, interleave
):
    """What the e2e editor test hit on a slow machine: autosave's POST landed while the click's was on its
    way. Autosave no longer creates a new post, so the click finds its slug free and publishes."""
    autosave = {}
    interleave(lambda: autosave.setdefault("response", admin_client.post(add_url, form, **JSON)))
    response = admin_client.post(add_url, {**form, "action-publish": "action-publish"})
    assert autosave["response"].status_code == 400
    assert autosave["response"].json()["error_code"] == "validation_error"
    assert response.status_code == 302
    (page,) = BlogPostPage.objects.filter(slug=SLUG)
    assert page.live


def test_the_same_form_sent_twice_gets_the_form_with_a_german_message(admin_client, add_url, form, interleave):
    interleave(lambda: admin_client.post(add_url, form))  # "Entwurf speichern" in another tab, a moment earlier
    response = admin_client.post(add_url, {**form, "action-publish": "action-publish"})
    assert response.status_code == 200
    assert any(
        "Die Kurzadresse „dorfladen-in-uexheim“ hat Ihr Entwurf „Dorfladen in Üxheim eröffnet“, den Sie eben "
        "angelegt haben." in message
        for message in messages_of(response)
    )
    # What the editor typed is still in the form; nothing half-saved: one post, the first draft.
    assert response.context["form"].data["intro"] == "Eine Genossenschaft trägt den Laden."
    (page,) = BlogPostPage.objects.filter(slug=SLUG)
    assert not page.live


def test_a_click_after_another_editors_post_took_the_slug_gets_the_proposal(admin_client, add_url, form, interleave):
    colleague = Client()
    colleague.force_login(get_user_model().objects.create_superuser("kollegin", "kollegin@example.org", "x"))
    interleave(lambda: colleague.post(add_url, {**form, "action-publish": "action-publish"}))
    response = admin_client.post(add_url, {**form, "action-publish": "action-publish"})
    assert response.status_code == 200
    assert any(
        "Die Kurzadresse „dorfladen-in-uexheim“ hat schon ein anderer Beitrag. Vorschlag: „dorfladen-in-uexheim-2“"
        in message
        for message in messages_of(response)
    )
    assert BlogPostPage.objects.filter(slug=SLUG).count() == 1
