"""Spam and abuse defences: honeypot, minimum time, flood control, duplicates, length (the spam
challenge: test_captcha.py)."""

import time

from comments.forms import HONEYPOT_FILLED
from comments.models import PostComment

TOO_FAST = "Von deinem Anschluss kam gerade schon ein Kommentar."
BEING_SAVED = "Dieser Kommentar wird gerade schon gespeichert."


def body(response):
    return response.content.decode()


def test_filled_honeypot_is_refused_with_the_text_kept(post, post_comment):
    response = post_comment(post, comment="Ich bin ein Bot", honeypot="http://spam.example.com")

    assert response.status_code == 400
    assert str(HONEYPOT_FILLED) in body(response)
    assert "Ich bin ein Bot" in body(response)
    assert not PostComment.objects.exists()


def test_form_sent_too_soon_after_loading_is_refused_with_the_text_kept(post, post_comment):
    response = post_comment(post, seconds_ago=0, comment="Sehr schnell getippt")

    assert response.status_code == 400
    assert "Das ging sehr schnell." in body(response)
    assert "Sehr schnell getippt" in body(response)
    assert not PostComment.objects.exists()


def test_second_comment_from_same_address_within_15_seconds_gets_429(post, post_comment):
    first = post_comment(post, remote_addr="198.51.100.7", email="eins@example.org", comment="Erster")
    second = post_comment(post, remote_addr="198.51.100.7", email="zwei@example.org", comment="Zweiter, zu schnell")

    assert first.status_code == 303
    assert second.status_code == 429
    assert TOO_FAST in body(second)
    assert "Zweiter, zu schnell" in body(second)
    assert PostComment.objects.count() == 1


def test_the_typed_address_plays_no_part_in_flood_control(post, post_comment):
    """Keyed on a typed address, the 429 would tell anyone whether someone just used that address."""
    post_comment(post, remote_addr="198.51.100.7", email="Gleich@example.org", comment="Erster")
    second = post_comment(post, remote_addr="198.51.100.8", email="gleich@EXAMPLE.org", comment="Zweiter")

    assert second.status_code == 303
    assert PostComment.objects.count() == 2


def test_flood_limit_expires(post, post_comment, settings):
    settings.COMMENTS_FLOOD_SECONDS = 1
    post_comment(post, remote_addr="198.51.100.7", email="a@example.org", comment="Erster")
    time.sleep(1.1)

    second = post_comment(post, remote_addr="198.51.100.7", email="a@example.org", comment="Später")

    assert second.status_code == 303


def test_the_same_comment_sent_twice_from_one_browser_is_answered_like_the_first(client, post, post_comment, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    first = post_comment(post, client=client, comment="Genau dieser Satz.")

    again = post_comment(post, client=client, comment="Genau dieser Satz.\r\n")

    assert again.status_code == first.status_code == 303
    assert again["Location"] == first["Location"]
    assert PostComment.objects.count() == 1


def test_a_public_name_and_text_with_a_guessed_address_learn_nothing(post, post_comment, settings):
    """Replaying an approved comment's name and text from another browser: the same answer whatever the
    address, and the stored address is never compared."""
    from django.test import Client

    from .conftest import approve

    settings.COMMENTS_FLOOD_SECONDS = 0
    post_comment(post, client=Client(), comment="Danke!", name="Maria", email="maria@example.org")
    approve(PostComment.objects.get())

    right = post_comment(post, client=Client(), comment="Danke!", name="Maria", email="maria@example.org")
    wrong = post_comment(post, client=Client(), comment="Danke!", name="Maria", email="falsch@example.org")

    assert right.status_code == wrong.status_code == 303
    assert set(right.cookies) == set(wrong.cookies)
    assert PostComment.objects.count() == 3


def test_same_text_from_another_author_is_no_duplicate(post, post_comment, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    post_comment(post, comment="Danke!")

    other = post_comment(post, comment="Danke!", name="Jemand anderes", email="anders@example.org")

    assert other.status_code == 303
    assert PostComment.objects.count() == 2


def test_the_same_text_being_saved_right_now_is_refused(rf, post, post_comment, settings):
    """Two identical posts at once from one address: the shared-cache lock of the first refuses the second."""
    from django.core.cache import cache

    from comments.utils import double_submit_lock_key

    settings.COMMENTS_FLOOD_SECONDS = 0
    cache.add(double_submit_lock_key(rf.post("/", REMOTE_ADDR="198.51.100.9"), post.pk, "Doppelklick"), 1)

    response = post_comment(post, remote_addr="198.51.100.9", comment="Doppelklick")

    assert response.status_code == 409
    assert BEING_SAVED in body(response)
    assert "Doppelklick" in body(response)
    assert not PostComment.objects.exists()


def test_overlong_comment_gets_a_clear_message_and_keeps_the_text(post, post_comment):
    text = "Eifel " * 2000  # 12,000 characters

    response = post_comment(post, comment=text)

    assert response.status_code == 400
    assert "Dein Text ist zu lang: höchstens 5000 Zeichen sind erlaubt, es sind 11999." in body(response)
    assert text.strip() in body(response)
    assert not PostComment.objects.exists()


def test_comment_of_exactly_the_maximum_length_is_accepted(post, post_comment):
    response = post_comment(post, comment="x" * 5000)

    assert response.status_code == 303
    assert len(PostComment.objects.get().comment) == 5000
