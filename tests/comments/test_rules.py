"""Rules that learn (comments/rules.py): spam marks, blocks and word lists, through the real posting view."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django.utils import timezone

from comments import lifecycle, rules
from comments.factories import PostCommentFactory
from comments.models import Block, BlockKind, PostComment, SpamMark, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_flood_limit(settings):
    settings.COMMENTS_FLOOD_SECONDS = 0


def stored(text):
    return PostComment.objects.get(comment=text)


def test_a_spam_mark_is_stored_as_a_keyed_hash_and_outlives_the_comment(post, post_comment):
    comment = PostCommentFactory(post=post, user_email="Spammer@Example.org ")
    lifecycle.apply(comment, "spam")
    lifecycle.delete(comment)

    mark = SpamMark.objects.get()
    assert mark.marks == 1
    assert "spammer" not in mark.key and "example" not in mark.key
    assert mark.key == rules.address_key("spammer@example.org")

    post_comment(post, comment="Ich schon wieder", email="SPAMMER@example.org")
    again = stored("Ich schon wieder")
    assert again.status == Status.SPAM
    assert again.hold_reasons == [{"code": "spam_marks", "count": 1}]


def test_taking_a_comment_out_of_spam_takes_the_mark_back(post):
    comment = PostCommentFactory(post=post, user_email="irrtum@example.org")
    lifecycle.apply(comment, "spam")
    assert rules.spam_marks("irrtum@example.org") == 1
    lifecycle.apply(comment, "approve")
    assert rules.spam_marks("irrtum@example.org") == 0


def test_a_blocked_address_goes_to_spam_with_the_same_answer_as_anyone(post, post_comment):
    Block.objects.create(kind=BlockKind.EMAIL, value="troll@example.org")
    blocked = post_comment(post, comment="Gesperrt schreibt", email="troll@example.org")
    normal = post_comment(post, comment="Normal schreibt", email="leser@example.org")

    assert stored("Gesperrt schreibt").status == Status.SPAM
    assert stored("Gesperrt schreibt").hold_reasons == [{"code": "blocked"}]
    assert stored("Normal schreibt").status == Status.PENDING
    assert (blocked.status_code, blocked["Location"].split("?")[0]) == (
        normal.status_code,
        normal["Location"].split("?")[0],
    )
    assert set(blocked.cookies) == set(normal.cookies)


def test_a_domain_block_and_an_ip_block_apply(post, post_comment):
    Block.objects.create(kind=BlockKind.DOMAIN, value="wegwerf.example")
    Block.objects.create(kind=BlockKind.IP, value="198.51.100.0")
    post_comment(post, comment="Von der Domain", email="x@wegwerf.example")
    post_comment(post, comment="Von der IP", email="y@example.org", remote_addr="198.51.100.77")
    post_comment(post, comment="Von woanders", email="z@example.org", remote_addr="203.0.113.5")

    assert stored("Von der Domain").status == Status.SPAM
    assert stored("Von der IP").status == Status.SPAM
    assert stored("Von woanders").status == Status.PENDING


def test_an_expired_block_no_longer_applies(post, post_comment):
    Block.objects.create(
        kind=BlockKind.EMAIL, value="frei@example.org", until=timezone.now() - datetime.timedelta(minutes=1)
    )
    post_comment(post, comment="Wieder frei", email="frei@example.org")
    assert stored("Wieder frei").status == Status.PENDING


def test_block_values_are_normalised_and_bad_ones_refused_in_german():
    assert rules.normalise_block_value(BlockKind.EMAIL, " Troll@Example.ORG ") == "troll@example.org"
    assert rules.normalise_block_value(BlockKind.DOMAIN, "@Example.org") == "example.org"
    assert rules.normalise_block_value(BlockKind.IP, "192.0.2.77") == "192.0.2.0"
    with pytest.raises(ValueError, match="IP-Adresse"):
        rules.normalise_block_value(BlockKind.IP, "kein.ip")
    with pytest.raises(ValueError, match="E-Mail-Adresse"):
        rules.normalise_block_value(BlockKind.EMAIL, "troll")


def test_hold_reasons_say_how_many_links_which_word_and_first_comment(post, post_comment, comment_rules):
    comment_rules.hold_words = "Bürgermeister\n/wahl\\w*/"
    comment_rules.save()
    text = "Der Bürgermeister zur Wahlkampfzeit: https://a.example.org und https://b.example.org"
    post_comment(post, comment=text, email="neu@example.org")

    assert stored(text).hold_reasons == [
        {"code": "hold_all"},
        {"code": "links", "count": 2},
        {"code": "hold_word", "words": ["Bürgermeister", "Wahlkampfzeit"]},
        {"code": "first_comment"},
    ]
    post_comment(post, comment="Zweiter Kommentar", email="neu@example.org")
    assert {"code": "first_comment"} not in stored("Zweiter Kommentar").hold_reasons


def test_word_lists_match_whole_words_only(post, post_comment, comment_rules):
    comment_rules.hold_all = False
    comment_rules.hold_words = "rat"
    comment_rules.save()
    post_comment(post, comment="Der Gemeinderat tagt", email="a@example.org")
    post_comment(post, comment="Der Rat tagt", email="b@example.org")

    assert stored("Der Gemeinderat tagt").status == Status.APPROVED
    assert stored("Der Rat tagt").status == Status.PENDING


def test_word_lists_match_the_shortened_ip(post, post_comment, comment_rules):
    comment_rules.hold_all = False
    comment_rules.spam_words = "/^203\\.0\\.113\\./"
    comment_rules.save()
    post_comment(post, comment="Aus dem Netz", email="a@example.org", remote_addr="203.0.113.9")
    assert stored("Aus dem Netz").status == Status.SPAM
    assert stored("Aus dem Netz").hold_reasons == [{"code": "spam_word", "words": ["203.0.113."]}]


def test_an_invalid_regular_expression_is_refused_in_the_settings(comment_rules):
    from django.core.exceptions import ValidationError

    comment_rules.hold_words = "gut\n/(kaputt/"
    with pytest.raises(ValidationError) as error:
        comment_rules.full_clean()
    assert "reguläre Ausdruck ist ungültig: /(kaputt/" in str(error.value)


words = st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=8)


@given(word=words, before=words, after=words)
def test_a_listed_word_matches_alone_but_never_inside_another_word(word, before, after):
    assert rules.matching_words(word, f"{before} {word}, {after}") != []
    # Glued between letters, the word is part of a longer word wherever it occurs.
    assert rules.matching_words(word, f"{before}{word}{after}") == []


def test_the_settings_page_refuses_a_bad_regular_expression_in_german_and_keeps_the_input(admin_client, comment_rules):
    from django.urls import reverse

    from wagtail.models import Site

    url = reverse(
        "wagtailsettings:edit", args=["comments", "commentsettings", Site.objects.get(is_default_site=True).pk]
    )
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Meldungen und Begründungen" in page.content.decode()
    data = {
        "hold_all": "on",
        "max_links": "2",
        "hold_words": "Gemeinderat\n/(kaputt/",
        "spam_words": "",
        "delete_removed_after_days": "30",
        "delete_held_after_days": "90",
        "netiquette_url": "/netiquette/",
        "privacy_url": "/datenschutz/",
        # The time windows' block editor always sends its count, also for no windows.
        "schedule_windows-count": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Dieser reguläre Ausdruck ist ungültig: /(kaputt/" in content
    assert "Gemeinderat" in content
    comment_rules.refresh_from_db()
    assert comment_rules.hold_words == ""


def test_a_catastrophically_backtracking_expression_cannot_stall_the_comment_form(post, post_comment, comment_rules):
    """A moderator's `/(a|a)+b/` on 200 crafted letters would backtrack 2**200 steps with Python's `re`
    (one worker blocked for good per request). The list's time budget stops it; the comment is held
    with the slow expression as its reason, and the answer is the normal one."""
    import time

    comment_rules.hold_all = False
    comment_rules.hold_words = "/(a|a)+b/\nBürgermeister"
    comment_rules.save()
    text = "a" * 200
    started = time.monotonic()
    response = post_comment(post, comment=text, email="langsam@example.org")
    elapsed = time.monotonic() - started

    assert response.status_code == 303
    assert elapsed < rules.MATCH_BUDGET_SECONDS * 2 + 5
    assert stored(text).status == Status.PENDING
    assert {"code": "hold_word", "words": ["/(a|a)+b/"]} in stored(text).hold_reasons


def test_a_slow_expression_in_the_spam_list_sends_the_crafted_comment_to_spam(post, post_comment, comment_rules):
    comment_rules.spam_words = "/^(a|a?)+$/"
    comment_rules.save()
    text = "a" * 3000 + "!"
    post_comment(post, comment=text, email="langsam@example.org")
    assert stored(text).status == Status.SPAM
    # An ordinary comment is not caught by the same expression.
    post_comment(post, comment="Ein ganz normaler Kommentar", email="normal@example.org")
    assert stored("Ein ganz normaler Kommentar").status == Status.PENDING
