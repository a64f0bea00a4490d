"""One-click links in the moderation mail: signed, single-use, expiring, confirmed by a POST."""

import re
import time

import pytest

from django.core import mail, signing
from django.test import Client

from comments import mail_links
from comments.factories import PostCommentFactory, make_staff
from comments.models import Status
from comments.tasks import notify_moderators

LINK = re.compile(r"^(Freigeben|Als Spam markieren|In den Papierkorb): (\S+)$", re.MULTILINE)


@pytest.fixture
def moderator(db):
    return make_staff("moderatorin", groups=["Moderatoren"], email="mod@wir-leben-eifel.de")


def links_in_mail(comment):
    notify_moderators.call(comment.pk)
    (message,) = mail.outbox
    return dict(LINK.findall(message.body))


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def confirm(url, client=None):
    client = client or Client()
    path = path_of(url)
    page = client.get(path)
    return page, client.post(path, {"token": path.rstrip("/").rsplit("/", 1)[1]})


def test_the_mail_carries_three_links_that_lead_to_a_confirmation_and_act_only_on_post(post, moderator):
    comment = PostCommentFactory(post=post)
    links = links_in_mail(comment)
    assert set(links) == {"Freigeben", "Als Spam markieren", "In den Papierkorb"}

    page = Client().get(path_of(links["Freigeben"]))
    assert page.status_code == 200
    assert '<button type="submit">Freigeben</button>' in page.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING  # a GET (a mail scanner following links) changes nothing

    _page, done = confirm(links["Freigeben"])
    assert "Der Kommentar ist freigegeben." in done.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_a_link_works_once_and_the_others_stop_once_decided(post, moderator):
    comment = PostCommentFactory(post=post)
    links = links_in_mail(comment)
    confirm(links["In den Papierkorb"])
    comment.refresh_from_db()
    assert comment.status == Status.TRASH

    _page, again = confirm(links["In den Papierkorb"])
    assert again.status_code == 410
    assert "schon benutzt" in again.content.decode()
    _page, other = confirm(links["Freigeben"])
    assert other.status_code == 410
    comment.refresh_from_db()
    assert comment.status == Status.TRASH


def test_a_used_link_stays_used_when_the_comment_waits_again(post, moderator):
    from comments import lifecycle

    comment = PostCommentFactory(post=post)
    links = links_in_mail(comment)
    confirm(links["Als Spam markieren"])
    comment.refresh_from_db()
    lifecycle.apply(comment, "restore")
    _page, again = confirm(links["Als Spam markieren"])
    assert "schon benutzt" in again.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_an_unused_link_is_spent_once_the_comment_was_decided_elsewhere_and_waits_again(post, moderator):
    """The mail's "Als Spam markieren" was never clicked; the comment was approved in the queue, then
    withdrawn (it waits again). The old link must not come back to life for three days."""
    from comments import lifecycle

    comment = PostCommentFactory(post=post)
    links = links_in_mail(comment)
    lifecycle.apply(comment, "approve", moderator)
    comment.refresh_from_db()
    lifecycle.apply(comment, "withdraw", moderator)
    comment.refresh_from_db()
    assert comment.is_held

    page, done = confirm(links["Als Spam markieren"])
    assert page.status_code == 410
    assert done.status_code == 410
    assert "schon entschieden" in done.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.WITHDRAWN
    # A link mailed after the comment waits again works.
    fresh = mail_links.make_token(comment, "spam", moderator)
    assert Client().post(f"/kommentare/moderieren/{fresh}/", {"token": fresh}).status_code == 200
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


def test_forged_and_expired_links_are_refused(post, moderator, monkeypatch):
    comment = PostCommentFactory(post=post)
    token = mail_links.make_token(comment, "approve", moderator)
    forged = signing.dumps({"c": comment.pk, "a": "approve", "u": moderator.pk, "n": "x"}, salt="other")
    assert Client().post(f"/kommentare/moderieren/{forged}/", {"token": forged}).status_code == 410

    later = time.time() + mail_links.LINK_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = Client().post(f"/kommentare/moderieren/{token}/", {"token": token})
    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_a_link_stops_working_when_its_moderator_loses_the_right(post, moderator):
    comment = PostCommentFactory(post=post)
    token = mail_links.make_token(comment, "approve", moderator)
    moderator.groups.clear()
    response = Client().post(f"/kommentare/moderieren/{token}/", {"token": token})
    assert response.status_code == 410
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_the_link_acts_as_the_moderator_it_was_mailed_to(post, moderator):
    from wagtail.models import ModelLogEntry

    comment = PostCommentFactory(post=post)
    confirm(links_in_mail(comment)["Freigeben"])
    entry = ModelLogEntry.objects.get(action="comments.approve", object_id=str(comment.pk))
    assert entry.user == moderator
    assert entry.data["via"] == "mail_link"
