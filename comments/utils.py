"""Small helpers around comments: personal data (IP addresses), the reader's preview cookie,
flood control and the text checks the moderation rules use."""

import datetime
import ipaddress
import re
import secrets
import unicodedata

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import urlize

from core.security import client_ip

# --- IP addresses -----------------------------------------------------------------------------

IPV4_KEPT_PREFIX = 24  # the last octet is zeroed
IPV6_KEPT_PREFIX = 48  # the last 80 bits are zeroed


def truncate_ip(address):
    """The address with its host part zeroed (IPv4: last octet; IPv6: last 80 bits); None if invalid."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = IPV4_KEPT_PREFIX if ip.version == 4 else IPV6_KEPT_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def ip_address_to_store(request):
    """What we keep of the commenter's address: shortened ("truncate", the default) or nothing ("none")."""
    if settings.COMMENTS_IP_STORAGE == "none":
        return None
    return truncate_ip(client_ip(request))


# --- The reader's own held comments (signed, time-limited cookie) -----------------------------

PREVIEW_COOKIE = "comment_preview"
PREVIEW_SALT = "comments.preview"
PREVIEW_MAX_AGE = 60 * 60
PREVIEW_MAX_IDS = 20


def preview_comment_ids(request):
    """Ids of the comments this browser sent in the last hour (from the signed cookie)."""
    value = request.COOKIES.get(PREVIEW_COOKIE)
    if not value:
        return []
    try:
        ids = signing.loads(value, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return []
    if not isinstance(ids, list):
        return []
    return [comment_id for comment_id in ids if isinstance(comment_id, int)][-PREVIEW_MAX_IDS:]


def remember_preview_comment(request, response, comment_id):
    """Add `comment_id` to the browser's preview cookie (valid for an hour from now)."""
    ids = [*preview_comment_ids(request), comment_id][-PREVIEW_MAX_IDS:]
    response.set_cookie(
        PREVIEW_COOKIE,
        signing.dumps(ids, salt=PREVIEW_SALT),
        max_age=PREVIEW_MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def edit_window_minutes():
    return settings.COMMENTS_EDIT_MINUTES


def edit_window_ends(comment):
    """Until when the writer may change their comment: `COMMENTS_EDIT_MINUTES` after it was sent."""
    return comment.submit_date + datetime.timedelta(minutes=edit_window_minutes())


def edit_window_open(comment, now=None):
    """True while the writer may still change their comment."""
    if comment.submit_date is None:
        return False
    return (now or timezone.now()) <= edit_window_ends(comment)


# --- The sender's browser token (the trusted-commenter rule's proof) --------------------------

AUTHOR_COOKIE = "comment_author"
# Only sent with requests to the comment endpoints: pages stay cacheable for returning commenters.
AUTHOR_COOKIE_PATH = "/kommentare/"
AUTHOR_SALT = "comments.author"
AUTHOR_REMEMBER_SECONDS = 365 * 24 * 60 * 60


def author_token_from(request):
    """The random token this browser got with its first comment (signed cookie), or ""."""
    value = request.COOKIES.get(AUTHOR_COOKIE)
    if not value:
        return ""
    try:
        token = signing.loads(value, salt=AUTHOR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return ""
    return token if isinstance(token, str) and 20 <= len(token) <= 100 else ""


def new_author_token():
    return secrets.token_urlsafe(32)


def author_token_digest(token):
    """What is stored with a comment: an HMAC of the token, never the token itself."""
    return salted_hmac("comments.author-token", token, algorithm="sha256").hexdigest() if token else ""


def remember_author_token(request, response, token, remember):
    """Give the browser its token: for a year when the reader ticked "speichern", else for the session."""
    response.set_cookie(
        AUTHOR_COOKIE,
        signing.dumps(token, salt=AUTHOR_SALT),
        max_age=AUTHOR_REMEMBER_SECONDS if remember else None,
        path=AUTHOR_COOKIE_PATH,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


# --- Flood control and double-submit locks (shared cache: every app server sees them) ----------


def flood_seconds():
    return settings.COMMENTS_FLOOD_SECONDS


# A subscriber line gets a whole IPv6 /64 and picks any address in it: for flood control the line is
# the sender, or every comment could come from a new address.
FLOOD_IPV6_PREFIX = 64


def sender_address(request):
    """Who sends, for flood control: the client address, an IPv6 address as
    its /64, an IPv4-mapped IPv6 address as the IPv4 address it is."""
    address = (client_ip(request) or "").strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{FLOOD_IPV6_PREFIX}", strict=False))
    return str(ip)


def _cache_key(kind, value):
    digest = salted_hmac("comments.flood", value).hexdigest()[:32]
    return f"comments:{kind}:{digest}"


def claim_comment_slot(request):
    """True if this client address may comment now; claims the slot for `flood_seconds()`.

    Keyed on the line the request comes from (`sender_address`), never on the e-mail address typed into the form:
    an answer that depended on a typed address would tell a guesser whether someone used it.
    `cache.add` is atomic in Redis and in the local-memory cache: of two simultaneous requests
    only one gets the slot. A cache that does not answer (None) lets the comment through.
    """
    seconds = flood_seconds()
    if seconds <= 0:
        return True
    return cache.add(_cache_key("ip", sender_address(request)), 1, timeout=seconds) is not False


def double_submit_lock_key(request, post_pk, text):
    """The same text to the same post from the same address while the first copy is being saved."""
    # The exact address, not the sender's whole line: a double click comes from one address, and a wider
    # key would let a housemate learn from "being saved" what text someone else just sent.
    value = "\n".join([str(post_pk), client_ip(request) or "unknown", normalize_text(text)])
    return f"comments:saving:{salted_hmac('comments.saving', value, algorithm='sha256').hexdigest()}"


# --- Text checks ------------------------------------------------------------------------------

# Letters that look like Latin ones (Cyrillic, Greek) and the digits and signs used for them: a reader
# must not get "Redaktion" past the reserved-name check as "Rеdaktion" (Cyrillic е) or "ADMlN".
LOOK_ALIKES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "к": "k",
        "м": "m", "н": "h", "т": "t", "в": "b", "ѕ": "s", "ԁ": "d", "ӏ": "l",
        "α": "a", "ε": "e", "ο": "o", "ρ": "p", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u",
        "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "|": "i", "l": "i",
    }
)  # fmt: skip


def without_invisible_characters(text):
    """The text without format characters (zero-width spaces and joiners, soft hyphens, bidi overrides):
    invisible on the page, they only serve to disguise a name or reorder what readers see."""
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


def name_words(name):
    """The words a name reads as, whatever characters spell them: NFKC-folded, look-alikes mapped."""
    folded = unicodedata.normalize("NFKC", without_invisible_characters(name)).casefold()
    folded = "".join(
        character for character in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(character)
    )
    return set(re.findall(r"[a-z]+", folded.translate(LOOK_ALIKES)))


LINE_ENDINGS = re.compile(r"\r\n?")


def normalize_text(text):
    return LINE_ENDINGS.sub("\n", text or "").strip()


def count_links(text):
    """How many links the comment shows: what `urlize` turns into links when it is displayed."""
    return urlize(text or "", nofollow=True, autoescape=True).count("<a ")
