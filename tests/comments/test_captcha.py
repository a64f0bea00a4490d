"""The spam challenge at the comment form (comments/captcha.py): ALTCHA by default, reCAPTCHA after the
reader's click, or none. A comment without a passed challenge is held ("ohne Spam-Prüfung"), never
refused, and its writer gets the same answer whatever went wrong."""

import datetime
import time
from unittest import mock
from urllib.error import URLError

import altcha
import pytest
from bs4 import BeautifulSoup
from django_recaptcha.client import RecaptchaResponse

from django.core import checks
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import captcha
from comments.admin.desk import reason_badges
from comments.factories import form_data
from comments.models import PostComment, Status, UsedAltchaChallenge
from comments.moderation import UNVERIFIED, reason_codes

CHALLENGE_URL = "/kommentare/altcha/"


@pytest.fixture
def publishing_rules(comment_rules):
    """Rules that publish a comment at once unless something holds it: what the challenge decides shows."""
    comment_rules.hold_all = False
    comment_rules.save()
    return comment_rules


def the_comment(text):
    return PostComment.objects.get(comment=text)


def signed_challenge(**options):
    """A challenge as the endpoint makes it, with `options` for the altcha library (e.g. expires_at)."""
    options.setdefault("expires_at", int(time.time()) + captcha.CHALLENGE_SECONDS)
    options.setdefault("counter", 7)
    return altcha.create_challenge(captcha.ALGORITHM, 1, hmac_secret=captcha.hmac_key(), **options).to_dict()


def answer_shape(response):
    """What the writer learns from an answer: status, where it leads (without the comment's number), cookies."""
    location = response.get("Location", "")
    return response.status_code, location.split("?")[0], sorted(response.cookies)


# --- ALTCHA ---------------------------------------------------------------------------------------


def test_solved_challenge_lets_the_comment_through_as_verified(post, post_comment, publishing_rules):
    response = post_comment(post, comment="Mit gelöster Aufgabe.")

    assert response.status_code == 303
    comment = the_comment("Mit gelöster Aufgabe.")
    assert comment.status == Status.APPROVED
    assert UNVERIFIED not in reason_codes(comment.hold_reasons)
    assert UsedAltchaChallenge.objects.count() == 1


def test_comment_without_a_solution_is_held_with_the_badge_not_refused(
    post, post_comment, publishing_rules, moderator_client
):
    response = post_comment(post, comment="Ohne JavaScript geschrieben.", altcha="")

    assert response.status_code == 303
    comment = the_comment("Ohne JavaScript geschrieben.")
    assert comment.status == Status.PENDING
    assert UNVERIFIED in reason_codes(comment.hold_reasons)
    assert "ohne Spam-Prüfung" in reason_badges(comment)[0]
    queue = moderator_client.get(reverse("comment_moderation:index")).content.decode()
    assert "ohne Spam-Prüfung" in queue


def test_replayed_solution_is_held_and_answered_like_a_missing_one(post, post_comment, publishing_rules):
    answer = captcha.solve(captcha.new_challenge())
    first = post_comment(post, comment="Die erste mit dieser Lösung.", altcha=answer)
    replay = post_comment(post, comment="Die zweite mit derselben Lösung.", altcha=answer)
    none = post_comment(post, comment="Ganz ohne Lösung.", altcha="")

    assert first.status_code == 303
    assert the_comment("Die erste mit dieser Lösung.").status == Status.APPROVED
    replayed = the_comment("Die zweite mit derselben Lösung.")
    assert replayed.status == Status.PENDING
    assert UNVERIFIED in reason_codes(replayed.hold_reasons)
    assert answer_shape(replay) == answer_shape(none)


@pytest.mark.parametrize(
    "make_answer",
    [
        pytest.param(
            lambda: captcha.solve(signed_challenge(expires_at=int(time.time()) - 1)),
            id="expired",
        ),
        pytest.param(
            lambda: altcha.Payload(
                altcha.Challenge.from_dict(signed_challenge()), altcha.Solution(counter=8, derived_key="00" * 32)
            ).to_base64(),
            id="wrong-counter",
        ),
        pytest.param(
            lambda: captcha.solve(
                altcha.create_challenge(captcha.ALGORITHM, 1, counter=3, hmac_secret="not-our-key").to_dict()
            ),
            id="signed-by-someone-else",
        ),
        pytest.param(lambda: "bm90IGpzb24=", id="not-json"),
        pytest.param(lambda: "%%%", id="not-base64"),
        pytest.param(lambda: "x" * 5000, id="far-too-long"),
    ],
)
def test_bad_solutions_are_held_and_answered_like_a_missing_one(post, post_comment, publishing_rules, make_answer):
    bad = post_comment(post, comment="Mit falscher Lösung.", altcha=make_answer())
    none = post_comment(post, comment="Ohne jede Lösung.", altcha="")

    comment = the_comment("Mit falscher Lösung.")
    assert comment.status == Status.PENDING
    assert UNVERIFIED in reason_codes(comment.hold_reasons)
    assert answer_shape(bad) == answer_shape(none)
    assert not UsedAltchaChallenge.objects.exists()


def test_refused_form_does_not_use_up_its_solution(post, post_comment, publishing_rules):
    answer = captcha.solve(captcha.new_challenge())
    refused = post_comment(post, comment="Zu schnell gesendet.", altcha=answer, seconds_ago=0)
    again = post_comment(post, comment="Zu schnell gesendet.", altcha=answer)

    assert refused.status_code == 400
    assert again.status_code == 303
    assert the_comment("Zu schnell gesendet.").status == Status.APPROVED


def test_honeypot_and_minimum_time_still_refuse_without_a_solution(post, post_comment):
    trapped = post_comment(post, comment="Bot ohne Skript.", altcha="", honeypot="http://spam.example")
    hasty = post_comment(post, comment="Auch zu schnell.", altcha="", seconds_ago=0)

    assert trapped.status_code == 400
    assert hasty.status_code == 400
    assert not PostComment.objects.exists()


def test_form_sent_back_after_a_refusal_carries_no_old_solution(post, post_comment):
    response = post_comment(post, comment="Ohne Namen.", name="")

    field = BeautifulSoup(response.content, "html.parser").find("input", attrs={"name": "altcha"})
    assert response.status_code == 400
    assert field is not None and not field.get("value")


def test_challenge_key_is_derived_from_the_secret_key_unless_set(settings):
    settings.ALTCHA_HMAC_KEY = ""
    answer = captcha.solve(captcha.new_challenge())
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert captcha.solved_challenge(answer) is None

    settings.ALTCHA_HMAC_KEY = "a-key-of-its-own"
    answer = captcha.solve(captcha.new_challenge())
    settings.SECRET_KEY = "yet-another-secret-key"
    assert captcha.solved_challenge(answer) is not None


def test_challenge_cost_bounds_the_counter(settings):
    settings.ALTCHA_COST = 20
    counters = {altcha.solve_challenge(altcha.Challenge.from_dict(captcha.new_challenge())).counter for _ in range(30)}

    assert max(counters) <= 20


def test_delete_old_comments_forgets_expired_challenges_only(db):
    now = timezone.now()
    UsedAltchaChallenge.objects.create(nonce="abgelaufen", expires_at=now - datetime.timedelta(seconds=1))
    UsedAltchaChallenge.objects.create(nonce="noch-gueltig", expires_at=now + datetime.timedelta(minutes=4))

    call_command("delete_old_comments", verbosity=0)

    assert list(UsedAltchaChallenge.objects.values_list("nonce", flat=True)) == ["noch-gueltig"]


# --- The challenge endpoint -----------------------------------------------------------------------


def test_endpoint_gives_a_fresh_challenge_never_cached_without_cookie_or_query(db, django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(0):
        first = client.get(CHALLENGE_URL)
    second = client.get(CHALLENGE_URL)

    assert first.status_code == 200
    assert first["Content-Type"] == "application/json"
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert not first.cookies
    assert first.json()["parameters"]["nonce"] != second.json()["parameters"]["nonce"]
    assert first.json()["parameters"]["expiresAt"] <= time.time() + captcha.CHALLENGE_SECONDS + 1


def test_endpoint_with_page_cache_on_is_never_served_from_it(db, settings):
    settings.PAGE_CACHE_SECONDS = 600
    first = Client().get(CHALLENGE_URL)
    second = Client().get(CHALLENGE_URL)

    assert second.get("X-Cache") != "HIT"
    assert first.json()["signature"] != second.json()["signature"]


def test_endpoint_answers_only_get(db):
    response = Client().post(CHALLENGE_URL)

    assert response.status_code == 405
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("mode", ["recaptcha", "none"])
def test_endpoint_is_not_there_without_altcha(db, settings, mode):
    settings.COMMENTS_CAPTCHA = mode

    assert Client().get(CHALLENGE_URL).status_code == 404


def test_post_page_stays_in_the_page_cache_with_the_challenge_left_to_the_script(post, settings):
    settings.PAGE_CACHE_SECONDS = 600
    first = Client().get(post.url)
    second = Client().get(post.url)

    assert second["X-Cache"] == "HIT"
    field = BeautifulSoup(second.content, "html.parser").find("input", attrs={"name": "altcha"})
    assert field["data-altcha-challenge"] == CHALLENGE_URL
    assert not field.get("value")
    assert b"/static/js/altcha.js" in first.content
    assert b"google" not in first.content.lower() and b"recaptcha" not in first.content.lower()


# --- reCAPTCHA ------------------------------------------------------------------------------------


@pytest.fixture
def recaptcha_mode(settings):
    settings.COMMENTS_CAPTCHA = "recaptcha"
    settings.RECAPTCHA_PUBLIC_KEY = "public-key-for-test"
    settings.RECAPTCHA_PRIVATE_KEY = "private-key-for-test"


def test_recaptcha_page_loads_nothing_from_google_before_the_click(client, post, recaptcha_mode):
    soup = BeautifulSoup(client.get(post.url).content, "html.parser")

    sources = [tag.get("src", "") for tag in soup.find_all(["script", "iframe", "img", "link"])] + [
        tag.get("href", "") for tag in soup.find_all("link")
    ]
    assert not [source for source in sources if "google" in source or "gstatic" in source]
    consent = soup.find(attrs={"data-recaptcha-consent": True})
    assert consent.find("button").get_text(strip=True) == "reCAPTCHA laden (Google)"
    assert "Google erhält dabei" in consent.get_text()
    assert consent.find(class_="g-recaptcha")["data-sitekey"] == "public-key-for-test"
    assert soup.find("script", src="/static/js/recaptcha_consent.js") is not None
    assert soup.find("input", attrs={"name": "altcha"}) is None


def test_recaptcha_solved_lets_the_comment_through(post, post_comment, recaptcha_mode, publishing_rules):
    with mock.patch("django_recaptcha.client.submit", return_value=RecaptchaResponse(is_valid=True)) as submit:
        response = post_comment(post, comment="Mit Häkchen.", **{"g-recaptcha-response": "token-from-google"})

    assert response.status_code == 303
    assert submit.call_args.kwargs["recaptcha_response"] == "token-from-google"
    assert submit.call_args.kwargs["private_key"] == "private-key-for-test"
    assert submit.call_args.kwargs["remoteip"] == ""  # the reader's address is not sent on to Google
    assert the_comment("Mit Häkchen.").status == Status.APPROVED


def test_recaptcha_failed_is_held_not_refused(post, post_comment, recaptcha_mode, publishing_rules):
    answer = RecaptchaResponse(is_valid=False, error_codes=["invalid-input-response"])
    with mock.patch("django_recaptcha.client.submit", return_value=answer):
        response = post_comment(post, comment="Falsches Häkchen.", **{"g-recaptcha-response": "falsch"})

    assert response.status_code == 303
    comment = the_comment("Falsches Häkchen.")
    assert comment.status == Status.PENDING
    assert UNVERIFIED in reason_codes(comment.hold_reasons)


def test_recaptcha_never_loaded_is_held_without_asking_google(post, post_comment, recaptcha_mode, publishing_rules):
    with mock.patch("django_recaptcha.client.submit") as submit:
        response = post_comment(post, comment="Ohne Klick auf Google.")

    assert response.status_code == 303
    assert submit.called is False
    assert the_comment("Ohne Klick auf Google.").status == Status.PENDING


@pytest.mark.parametrize("failure", [URLError("no route to host"), TimeoutError("timed out"), ValueError("garbled")])
def test_google_unreachable_holds_the_comment_never_a_server_error(
    post, post_comment, recaptcha_mode, publishing_rules, failure
):
    with mock.patch("django_recaptcha.client.submit", side_effect=failure):
        response = post_comment(post, comment="Google schweigt.", **{"g-recaptcha-response": "token"})

    assert response.status_code == 303
    comment = the_comment("Google schweigt.")
    assert comment.status == Status.PENDING
    assert UNVERIFIED in reason_codes(comment.hold_reasons)


def test_google_unreachable_via_urlopen_holds_the_comment_too(post, post_comment, recaptcha_mode, publishing_rules):
    with mock.patch("django_recaptcha.client.build_opener") as build_opener:
        build_opener.return_value.open.side_effect = URLError("DNS failure")
        response = post_comment(post, comment="Kein DNS.", **{"g-recaptcha-response": "token"})

    assert response.status_code == 303
    assert the_comment("Kein DNS.").status == Status.PENDING


# --- No challenge, and the settings ---------------------------------------------------------------


def test_without_a_challenge_the_rules_alone_decide(post, settings, publishing_rules):
    settings.COMMENTS_CAPTCHA = "none"
    page = Client().get(post.url).content

    response = Client().post("/kommentare/senden/", form_data(post, comment="Ganz ohne Aufgabe."))

    assert b'name="altcha"' not in page and b"altcha.js" not in page
    assert response.status_code == 303
    assert the_comment("Ganz ohne Aufgabe.").status == Status.APPROVED


def test_system_check_names_an_unknown_mode_and_recaptcha_without_keys(settings):
    settings.COMMENTS_CAPTCHA = "hcaptcha"
    assert [message.id for message in captcha.check_settings()] == ["comments.E001"]
    assert isinstance(captcha.check_settings()[0], checks.Error)

    settings.COMMENTS_CAPTCHA = "recaptcha"
    settings.RECAPTCHA_PUBLIC_KEY = ""
    assert [message.id for message in captcha.check_settings()] == ["comments.W001"]

    settings.COMMENTS_CAPTCHA = "altcha"
    assert captcha.check_settings() == []
