"""Regressions for what the third attack run (branch `breaker`) found, through the real views and database."""

import pytest

from django.test import Client

from comments.factories import form_data
from comments.models import PostComment
from comments.views import TOO_MANY


def send(post, address, text):
    return Client().post("/kommentare/senden/", form_data(post, comment=text), REMOTE_ADDR=address)


@pytest.fixture
def flood_limit(settings):
    settings.COMMENTS_FLOOD_SECONDS = 3600


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe"),  # one subscriber line: one /64
        ("192.0.2.7", "::ffff:192.0.2.7"),  # the same IPv4 address, once as IPv4-mapped IPv6
    ],
)
def test_flood_control_cannot_be_dodged_by_changing_the_address_within_one_line(post, flood_limit, first, second):
    assert send(post, first, "Erster Kommentar von dieser Leitung.").status_code == 303
    refused = send(post, second, "Zweiter Kommentar, neue Adresse aus demselben Netz.")
    assert refused.status_code == 429
    assert str(TOO_MANY)[:40] in refused.content.decode()
    assert "Zweiter Kommentar, neue Adresse aus demselben Netz." in refused.content.decode()
    assert not PostComment.objects.filter(comment__startswith="Zweiter Kommentar").exists()


def test_flood_control_still_tells_other_lines_apart(post, flood_limit):
    assert send(post, "2001:db8:1:2::1", "Von der ersten Leitung.").status_code == 303
    assert send(post, "2001:db8:1:3::1", "Von der zweiten Leitung.").status_code == 303
    assert send(post, "192.0.2.7", "Von einer IPv4-Adresse.").status_code == 303
    assert send(post, "192.0.2.8", "Von der Nachbaradresse.").status_code == 303


def test_a_post_is_moderated_by_its_own_sites_rules_whatever_host_the_comment_is_sent_to(post, settings):
    """A second site without "hold everything" must not publish comments on the first site's posts when
    the form is sent to its host name."""
    from wagtail.models import Page, Site

    from comments.models import CommentSettings, Status

    settings.ALLOWED_HOSTS = ["*"]
    other_root = Page.get_first_root_node().add_child(title="Andere Seite", slug="andere-seite")
    other_site = Site.objects.create(hostname="andere.example", port=80, root_page=other_root)
    lenient = CommentSettings.for_site(other_site)
    lenient.hold_all = False
    lenient.save()
    assert CommentSettings.for_site(post.get_site()).hold_all

    response = Client().post(
        "/kommentare/senden/",
        form_data(post, comment="Über den fremden Host geschickt."),
        REMOTE_ADDR="192.0.2.99",
        HTTP_HOST="andere.example",
    )
    assert response.status_code == 303
    comment = PostComment.objects.get(comment="Über den fremden Host geschickt.")
    assert comment.status == Status.PENDING
    assert not comment.is_public
