"""Sharing a post on Mastodon: the reader names their own server, we send them there.

Mastodon has no central share address; each server has `https://<server>/share?text=…`. The form under
"Seite Teilen Über:" asks for the server (works without JavaScript) and sends it to the post's
`teilen/mastodon/` route, which answers with a redirect to that server's share page with the post's title
and address. Only a host name is accepted (no path, port, user or scheme), and the text is always the
post's own: the route cannot be used to send anyone anywhere else or with other words. Nothing is
stored and nothing is loaded from Mastodon before the reader sends the form.
"""

import re
from urllib.parse import urlencode, urlsplit

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
INVALID_SERVER = _(
    "Bitte gib den Namen deines Mastodon-Servers ein, zum Beispiel mastodon.social oder eifel.social "
    "(ohne https:// und ohne deinen Benutzernamen)."
)


def mastodon_host(value):
    """The host name the reader typed ("mastodon.social", also "https://mastodon.social/" or "@me@host"),
    lower-case and IDNA-encoded; None if it is not a plain public host name."""
    value = (value or "").strip().lower()
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    if "://" in value:
        value = urlsplit(value).hostname or ""
    value = value.rstrip("/")
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = value.split(".")
    if len(value) > 253 or len(labels) < 2 or not all(HOST_LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit() or value in {"localhost"}:
        return None
    return value


def share_on_mastodon(request, post):
    typed = request.GET.get("instanz", "")
    host = mastodon_host(typed)
    if host is None:
        response = TemplateResponse(
            request,
            "pages/share_mastodon.html",
            {"page": post, "message": INVALID_SERVER if typed else None, "typed": typed},
            status=400 if typed else 200,
        )
    else:
        text = f"{post.title} {post.get_full_url(request)}"
        response = HttpResponseRedirect(f"https://{host}/share?{urlencode({'text': text})}")
        response.status_code = 303
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response
