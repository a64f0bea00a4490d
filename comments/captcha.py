"""Spam defence at the comment form: which challenge the form carries, and whether a comment passed it.

`COMMENTS_CAPTCHA` chooses:

- "altcha" (default): a proof of work, served by this site (ALTCHA, the `altcha` package, v2 format).
  `/kommentare/altcha/` hands out a challenge signed with `ALTCHA_HMAC_KEY`; static/js/altcha.js tries
  counters until SHA-256(salt + nonce + counter) starts with the challenge's key prefix (at most
  `ALTCHA_COST` tries) and puts the solution into the hidden `altcha` field. No third party, no cookie,
  nothing stored about the reader; a challenge expires after `CHALLENGE_SECONDS` and counts once
  (`UsedAltchaChallenge`, by its random nonce).
- "recaptcha": Google's reCAPTCHA v2 checkbox (django-recaptcha's client). Google's script loads only
  after the reader clicks "reCAPTCHA laden (Google)" (static/js/recaptcha_consent.js).
- "none": no challenge.

A comment that did not pass (JavaScript off, no click for Google, a wrong, replayed or expired solution,
Google unreachable) is not refused: it is held for moderation with the reason "ohne Spam-Prüfung"
(comments/moderation.py, UNVERIFIED). Its writer gets the same answer as for any held comment, so the
answer tells nobody which of these it was. The honeypot and the minimum time still refuse.
"""

import datetime
import logging
import secrets
import time

import altcha
from django_recaptcha import client as recaptcha_client

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from .models import UsedAltchaChallenge

logger = logging.getLogger(__name__)

ALTCHA = "altcha"
RECAPTCHA = "recaptcha"
NONE = "none"
MODES = (ALTCHA, RECAPTCHA, NONE)

ALTCHA_FIELD = "altcha"
RECAPTCHA_FIELD = "g-recaptcha-response"
RECAPTCHA_SCRIPT = "https://www.google.com/recaptcha/api.js?hl=de"
# Long enough for a reader who starts typing and then thinks; altcha.js fetches a new one on
# submit when its solution is older than most of this.
CHALLENGE_SECONDS = 5 * 60
# One round of SHA-256 per try: what crypto.subtle offers in every browser.
ALGORITHM = "SHA-256"
# A solution is a few hundred characters; anything much longer is not one of ours.
MAX_ANSWER_LENGTH = 4000


def mode():
    return settings.COMMENTS_CAPTCHA


def hmac_key():
    """`ALTCHA_HMAC_KEY`, else a key derived from SECRET_KEY (a change of SECRET_KEY voids open challenges)."""
    return settings.ALTCHA_HMAC_KEY or salted_hmac("comments.captcha.altcha", "hmac-key").hexdigest()


def recaptcha_configured():
    return bool(settings.RECAPTCHA_PUBLIC_KEY and settings.RECAPTCHA_PRIVATE_KEY)


# --- ALTCHA ---------------------------------------------------------------------------------------


def new_challenge():
    """A fresh signed challenge (a dict for JSON). Nothing is stored: the signature proves it is ours.

    The counter the browser must find is chosen here (deterministic mode), at most `ALTCHA_COST`, so
    the work is bounded: a reader's phone never hashes for long by bad luck."""
    return altcha.create_challenge(
        ALGORITHM,
        1,
        counter=secrets.randbelow(max(settings.ALTCHA_COST, 1) + 1),
        expires_at=int(time.time()) + CHALLENGE_SECONDS,
        hmac_secret=hmac_key(),
    ).to_dict()


def solved_challenge(answer):
    """The parameters of the challenge `answer` solves, if we signed it and it has not expired; else None."""
    if not isinstance(answer, str) or not answer or len(answer) > MAX_ANSWER_LENGTH:
        return None
    try:
        result = altcha.verify_solution(answer, hmac_key())
        if not result.verified:
            return None
        return altcha.Payload.from_base64(answer).challenge.parameters
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def claim(parameters):
    """Marks the challenge as used; False if it was used before (a replay)."""
    expires_at = datetime.datetime.fromtimestamp(parameters.expires_at, tz=datetime.UTC)
    try:
        with transaction.atomic():
            UsedAltchaChallenge.objects.create(nonce=parameters.nonce, expires_at=expires_at)
    except IntegrityError:
        return False
    return True


def forget_expired_challenges(now=None):
    """Deletes the used challenges that expired (they are refused as expired anyway); returns how many."""
    now = now or datetime.datetime.now(tz=datetime.UTC)
    deleted, _by_model = UsedAltchaChallenge.objects.filter(expires_at__lt=now).delete()
    return deleted


def solve(challenge):
    """The answer a reader's browser sends for `challenge` (what altcha.js does; for tests and benchmarks)."""
    parsed = altcha.Challenge.from_dict(challenge)
    solution = altcha.solve_challenge(parsed)
    return altcha.Payload(parsed, solution).to_base64()


# --- reCAPTCHA ------------------------------------------------------------------------------------


def recaptcha_passed(token):
    """Google's verdict on the checkbox's token; False when Google cannot be asked or does not answer."""
    if not isinstance(token, str) or not token or len(token) > MAX_ANSWER_LENGTH or not recaptcha_configured():
        return False
    try:
        # No reader's IP address: Google's check does not need it.
        answer = recaptcha_client.submit(
            recaptcha_response=token, private_key=settings.RECAPTCHA_PRIVATE_KEY, remoteip=""
        )
    except (OSError, ValueError, KeyError, TypeError):
        # OSError covers URLError, HTTPError and timeouts; the others a garbled answer.
        logger.warning("reCAPTCHA could not be verified; the comment is held for moderation", exc_info=True)
        return False
    return bool(answer.is_valid)


# --- For the view ---------------------------------------------------------------------------------


def passed(data):
    """True if the comment in the form data `data` passed the configured challenge.

    Called once per comment, just before it is stored: an ALTCHA solution is used up here, and Google
    asked here, only for comments that got past every other check."""
    current = mode()
    if current == NONE:
        return True
    if current == RECAPTCHA:
        return recaptcha_passed(data.get(RECAPTCHA_FIELD, ""))
    parameters = solved_challenge(data.get(ALTCHA_FIELD, ""))
    return parameters is not None and claim(parameters)


def check_settings(app_configs=None, **kwargs):
    """System check: a known `COMMENTS_CAPTCHA`, and reCAPTCHA's keys when it is chosen."""
    from django.core import checks

    if mode() not in MODES:
        return [
            checks.Error(f"COMMENTS_CAPTCHA is {mode()!r}; it must be one of {', '.join(MODES)}.", id="comments.E001")
        ]
    if mode() == RECAPTCHA and not recaptcha_configured():
        return [
            checks.Warning(
                "COMMENTS_CAPTCHA is 'recaptcha' but RECAPTCHA_PUBLIC_KEY or RECAPTCHA_PRIVATE_KEY is empty: "
                "every comment will be held as unverified.",
                id="comments.W001",
            )
        ]
    return []
