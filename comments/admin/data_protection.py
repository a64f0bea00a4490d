"""Admin view for moderators: export or erase all comments of one e-mail address."""

import json

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wagtail.admin import messages

from comments import data_protection
from comments.admin.permissions import DELETE_PERMISSION, is_full_moderator

OPERATIONS = [
    ("export", gettext_lazy("Exportieren (JSON-Datei)")),
    ("anonymise", gettext_lazy("Anonymisieren: Name „Anonym“, E-Mail, Website und IP-Adresse leeren")),
    ("delete", gettext_lazy("Löschen: Kommentare und die Antworten darauf entfernen")),
]


class DataProtectionForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-Mail-Adresse"))
    operation = forms.ChoiceField(
        label=gettext_lazy("Was soll geschehen?"), choices=OPERATIONS, widget=forms.RadioSelect, initial="export"
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DataProtectionView(View):
    """Moderators of every comment only (not editors, not category moderators): a request about an
    address concerns comments on every post."""

    template_name = "comments_admin/data_protection.html"

    def dispatch(self, request, *args, **kwargs):
        if not is_full_moderator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, confirm=None, status=200):
        return TemplateResponse(
            self.request,
            self.template_name,
            {"form": form, "confirm": confirm, "header_icon": "lock", "page_title": _("Datenschutz")},
            status=status,
        )

    def get(self, request):
        return self.render(DataProtectionForm())

    def post(self, request):
        form = DataProtectionForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        email = form.cleaned_data["email"]
        operation = form.cleaned_data["operation"]
        if operation == "export":
            payload = data_protection.export(email, user=request.user)
            response = HttpResponse(
                json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="kommentare-export.json"'
            return response
        if operation == "delete" and not (request.user.is_superuser or request.user.has_perm(DELETE_PERMISSION)):
            raise PermissionDenied
        count = data_protection.comments_of(email).count()
        if not form.cleaned_data["confirmed"]:
            # Erasing cannot be undone: show what will happen and ask once more.
            confirm_form = DataProtectionForm(initial={"email": email, "operation": operation, "confirmed": True})
            return self.render(confirm_form, confirm={"count": count, "operation": dict(OPERATIONS)[operation]})
        result = data_protection.erase(email, operation, user=request.user)
        if operation == "anonymise":
            messages.success(request, _("%(count)s Kommentar(e) anonymisiert.") % {"count": result["comments"]})
        else:
            messages.success(
                request,
                _("%(count)s Kommentar(e) und %(replies)s Antwort(en) darauf gelöscht.")
                % {"count": result["comments"], "replies": result["replies_deleted"]},
            )
        return redirect("comment_moderation:data_protection")
