"""The links in reply-notification mails (`/kommentare/benachrichtigung/<token>/…`).

A GET only shows a page with one button; the button's POST acts. Mail scanners and link previews fetch
links with GET, so a GET must never confirm or unsubscribe anything. Mail programs that offer "Abbestellen"
send RFC 8058's one-click POST (`List-Unsubscribe=One-Click`) to the unsubscribe address, which acts at
once. The random token in the address is the only credential, so the views need no CSRF token (a forged
POST would have to know it) and they answer alike for unknown and spent tokens: no answer tells anything
about an address. Nothing here is cached.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from . import subscriptions
from .views import never_store

UNKNOWN = _(
    "Dieser Link ist nicht (mehr) gültig. Vielleicht hast du die Benachrichtigung schon abbestellt, oder der "
    "Kommentar wurde gelöscht. Du bekommst dazu keine E-Mails."
)
CONFIRM_QUESTION = _("Möchtest du per E-Mail erfahren, wenn jemand auf deinen Kommentar antwortet?")
CONFIRMED = _(
    "Danke, die Benachrichtigung ist bestätigt. Wir schreiben dir, sobald eine Antwort auf deinen Kommentar "
    "freigegeben ist. Jede dieser E-Mails enthält einen Link zum Abbestellen."
)
UNSUBSCRIBE_QUESTION = _("Keine E-Mails mehr über Antworten auf diesen Kommentar?")
UNSUBSCRIBED = _("Erledigt: du bekommst keine E-Mails mehr über Antworten auf diesen Kommentar.")
UNSUBSCRIBE_ALL_QUESTION = _("Keine E-Mails mehr über Antworten auf alle deine Kommentare?")
UNSUBSCRIBED_ALL = _("Erledigt: du bekommst keine E-Mails mehr über Antworten auf deine Kommentare.")


def answer(request, *, message, question=None, button=None, status=200):
    response = render(
        request,
        "comments/subscription.html",
        {"message": message, "question": question, "button": button},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return never_store(response)


@csrf_exempt
def confirm(request, token):
    subscription = subscriptions.find(token)
    if subscription is None:
        return answer(request, message=UNKNOWN, status=404)
    if request.method == "POST":
        subscriptions.confirm(subscription)
        return answer(request, message=CONFIRMED)
    if subscription.is_confirmed:
        return answer(request, message=CONFIRMED)
    return answer(request, message=None, question=CONFIRM_QUESTION, button=_("Ja, Benachrichtigung bestätigen"))


@csrf_exempt
def unsubscribe(request, token):
    if request.method == "POST":
        # RFC 8058's one-click POST and our button do the same thing.
        subscriptions.unsubscribe(token)
        return answer(request, message=UNSUBSCRIBED)
    if subscriptions.find(token) is None:
        return answer(request, message=UNKNOWN, status=404)
    return answer(request, message=None, question=UNSUBSCRIBE_QUESTION, button=_("Abbestellen"))


@csrf_exempt
def unsubscribe_all(request, token):
    if request.method == "POST":
        subscriptions.unsubscribe_all(token)
        return answer(request, message=UNSUBSCRIBED_ALL)
    if subscriptions.find(token) is None:
        return answer(request, message=UNKNOWN, status=404)
    return answer(request, message=None, question=UNSUBSCRIBE_ALL_QUESTION, button=_("Alle abbestellen"))
