"""Rules that learn from moderators: spam marks per address, blocks ("Sperren") and the word lists.

- **Spam marks.** Marking a comment as spam counts one mark against its address; taking it out of spam
  again takes the mark back. Only an HMAC of the normalised address is stored (`SpamMark.key`), so the
  mark survives the deletion of the spam comment without keeping the address. The next comment from an
  address with a mark goes to Spam.
- **Blocks.** An address, an address's domain or a truncated IP address, for a time or for good. A blocked
  sender's comment goes to Spam; the sender gets the same answer as anyone (no oracle).
- **Word lists.** One entry per line: a word or phrase matches as a whole word (case-insensitive), an entry
  between slashes (`/casino\\w*/`) is a regular expression. They are matched against the text, the name,
  the address, the website and the truncated IP address. A moderator's expression may backtrack
  catastrophically (`/(a+)+$/`) on text a reader crafts; the `regex` library stops every list's matching
  after MATCH_BUDGET_SECONDS, and an entry still running then counts as a match (held or spam, never a
  worker stuck for minutes).
"""

import functools
import re
import time

import regex

from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .models import Block, BlockKind, SpamMark
from .utils import truncate_ip

# --- Addresses --------------------------------------------------------------------------------


def normalise_email(email):
    return (email or "").strip().casefold()


def email_domain(email):
    email = normalise_email(email)
    return email.rpartition("@")[2] if "@" in email else ""


def address_key(email):
    """The keyed HMAC a spam mark is stored under ("" for no address)."""
    email = normalise_email(email)
    return salted_hmac("comments.spam-mark", email, algorithm="sha256").hexdigest() if email else ""


# --- Spam marks -------------------------------------------------------------------------------


def add_spam_mark(email):
    key = address_key(email)
    if not key:
        return
    mark, created = SpamMark.objects.get_or_create(key=key, defaults={"marks": 1})
    if not created:
        SpamMark.objects.filter(pk=mark.pk).update(marks=F("marks") + 1, last_marked_at=timezone.now())


def take_back_spam_mark(email):
    key = address_key(email)
    if key:
        SpamMark.objects.filter(key=key, marks__gt=0).update(marks=F("marks") - 1)


def spam_marks(email):
    key = address_key(email)
    if not key:
        return 0
    return SpamMark.objects.filter(key=key).values_list("marks", flat=True).first() or 0


# --- Blocks -----------------------------------------------------------------------------------


def normalise_block_value(kind, value):
    """The value as blocks store and match it; ValueError with a German message if it is not one."""
    value = (value or "").strip()
    if kind == BlockKind.EMAIL:
        value = normalise_email(value)
        if "@" not in value or value.startswith("@") or value.endswith("@"):
            raise ValueError(_("Bitte eine vollständige E-Mail-Adresse angeben."))
        return value
    if kind == BlockKind.DOMAIN:
        value = normalise_email(value).lstrip("@")
        if "@" in value or "." not in value or " " in value:
            raise ValueError(_("Bitte eine Domain wie example.org angeben."))
        return value
    if kind == BlockKind.IP:
        shortened = truncate_ip(value)
        if shortened is None:
            raise ValueError(_("Bitte eine IP-Adresse wie 192.0.2.0 angeben."))
        return shortened
    raise ValueError(_("Unbekannte Art der Sperre."))


def active_blocks(now=None):
    now = now or timezone.now()
    return Block.objects.filter(Q(until__isnull=True) | Q(until__gt=now))


def block_for(email, ip_address):
    """The active block that applies to this sender, or None."""
    conditions = Q()
    email = normalise_email(email)
    if email:
        conditions |= Q(kind=BlockKind.EMAIL, value=email) | Q(kind=BlockKind.DOMAIN, value=email_domain(email))
    shortened = truncate_ip(ip_address) if ip_address else None
    if shortened:
        conditions |= Q(kind=BlockKind.IP, value=shortened)
    if not conditions:
        return None
    return active_blocks().filter(conditions).first()


def block_value_from_comment(comment, kind):
    """What a block "from the row" stores for this comment; ValueError if the comment has none."""
    source = {
        BlockKind.EMAIL: comment.user_email,
        BlockKind.DOMAIN: email_domain(comment.user_email),
        BlockKind.IP: comment.ip_address or "",
    }[kind]
    if not source:
        raise ValueError(_("Dieser Kommentar hat dafür keine Angabe."))
    return normalise_block_value(kind, source)


# --- Word lists -------------------------------------------------------------------------------

REGEX_ENTRY = re.compile(r"^/(.+)/$")
# The time one word list may spend on one comment (all entries, all fields together).
MATCH_BUDGET_SECONDS = 0.25


def entries(lines):
    return [line.strip() for line in (lines or "").splitlines() if line.strip()]


@functools.lru_cache(maxsize=512)
def compile_entry(entry):
    """A compiled pattern for one word-list entry (None for an invalid regular expression)."""
    match = REGEX_ENTRY.match(entry)
    try:
        if match:
            return regex.compile(match.group(1), regex.IGNORECASE)
        # A whole word or phrase: not inside another word; spaces match any run of white space.
        words = [regex.escape(word) for word in entry.split()]
        return regex.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", regex.IGNORECASE)
    except (regex.error, re.error):
        return None


def invalid_patterns(lines):
    return [entry for entry in entries(lines) if compile_entry(entry) is None]


def matching_words(lines, *texts):
    """The pieces of `texts` that entries of the list match, in the order of the list (no duplicates).

    An entry whose matching runs past the list's time budget counts as matched with the entry itself as the
    "word" (the moderator sees which expression was too slow); the rest of the list is not tried."""
    found = []
    deadline = time.monotonic() + MATCH_BUDGET_SECONDS
    for entry in entries(lines):
        pattern = compile_entry(entry)
        if pattern is None:
            continue
        for text in texts:
            try:
                match = pattern.search(text or "", timeout=max(deadline - time.monotonic(), 0.001))
            except TimeoutError:
                found.append(entry)
                return found
            if match and match.group(0) and match.group(0).casefold() not in {word.casefold() for word in found}:
                found.append(match.group(0))
                break
    return found


def ip_text(ip_address):
    shortened = truncate_ip(ip_address) if ip_address else None
    return shortened or ""
