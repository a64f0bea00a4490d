"""The confirmation page behind a moderation mail's one-click link: GET shows what will happen, POST does it."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import mail_links
from .lifecycle import TRANSITIONS
from .views import never_store

DONE = {
    "approve": _("Der Kommentar ist freigegeben."),
    "spam": _("Der Kommentar ist als Spam markiert."),
    "trash": _("Der Kommentar liegt im Papierkorb."),
}


@require_http_methods(["GET", "POST"])
def mail_action(request, token):
    context = {"token": token}
    status = 200
    try:
        if request.method == "POST":
            comment, action = mail_links.use(request.POST.get("token", ""))
            context.update(comment=comment, done=str(DONE[action]))
        else:
            comment, action, _user, _nonce = mail_links.read_token(token)
            context.update(comment=comment, action_label=TRANSITIONS[action].label)
    except mail_links.LinkInvalid as error:
        context["error"] = str(error)
        status = 410
    context["page_title"] = _("Kommentar moderieren")
    return never_store(render(request, "comments/mail_action.html", context, status=status))
