"""Blocks ("Sperren"): from a row of the queue, and as a list in Einstellungen → Sperren. Moderators only:
a block shows an address."""

import contextlib
import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from comments import lifecycle, rules
from comments.admin.permissions import is_full_moderator
from comments.models import Block, BlockKind, PostComment

DURATIONS = {
    "1": (gettext_lazy("1 Tag"), datetime.timedelta(days=1)),
    "7": (gettext_lazy("7 Tage"), datetime.timedelta(days=7)),
    "30": (gettext_lazy("30 Tage"), datetime.timedelta(days=30)),
    "forever": (gettext_lazy("Für immer"), None),
}


class ModeratorsOnlyPolicy(ModelPermissionPolicy):
    """Blocks are for moderators of every comment (they name addresses and act on every post): category
    moderators neither list nor set them."""

    def user_has_permission(self, user, action):
        return is_full_moderator(user)

    def user_has_any_permission(self, user, actions):
        return is_full_moderator(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return is_full_moderator(user)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return is_full_moderator(user)

    def instances_user_has_any_permission_for(self, user, actions):
        return Block.objects.all() if is_full_moderator(user) else Block.objects.none()


class BlockFromCommentForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Was sperren?"), choices=BlockKind.choices, widget=forms.RadioSelect, initial=BlockKind.EMAIL
    )
    duration = forms.ChoiceField(
        label=gettext_lazy("Wie lange?"),
        choices=[(key, label) for key, (label, _delta) in DURATIONS.items()],
        widget=forms.RadioSelect,
        initial="7",
    )
    mark_spam = forms.BooleanField(
        label=gettext_lazy("Diesen Kommentar als Spam markieren"), required=False, initial=True
    )
    note = forms.CharField(label=gettext_lazy("Notiz"), max_length=200, required=False)


class BlockFromCommentView(View):
    """ "Sperren" from a row: the value comes from the comment on the server, never from the URL."""

    template_name = "comments_admin/block.html"

    def dispatch(self, request, pk):
        if not is_full_moderator(request.user):
            raise PermissionDenied
        self.comment = get_object_or_404(PostComment.objects.all(), pk=pk)
        return super().dispatch(request, pk)

    def render(self, form):
        return TemplateResponse(
            self.request,
            self.template_name,
            {"form": form, "comment": self.comment, "header_icon": "cross", "page_title": _("Sperren")},
            status=400 if form.is_bound else 200,
        )

    def get(self, request, pk):
        return self.render(BlockFromCommentForm())

    def post(self, request, pk):
        form = BlockFromCommentForm(request.POST)
        if form.is_valid():
            try:
                value = rules.block_value_from_comment(self.comment, form.cleaned_data["kind"])
            except ValueError as error:
                form.add_error("kind", str(error))
        if not form.is_valid():
            return self.render(form)
        delta = DURATIONS[form.cleaned_data["duration"]][1]
        Block.objects.create(
            kind=form.cleaned_data["kind"],
            value=value,
            until=timezone.now() + delta if delta else None,
            note=form.cleaned_data["note"],
            created_by=request.user,
        )
        if form.cleaned_data["mark_spam"]:
            with contextlib.suppress(lifecycle.TransitionNotAllowed, PostComment.DoesNotExist):
                lifecycle.apply(self.comment, "spam", request.user)
        messages.success(request, _("Gesperrt. Neue Kommentare dieses Absenders landen direkt im Spam."))
        return redirect(reverse("comment_moderation:index"))


class BlockViewSet(ModelViewSet):
    model = Block
    pk_path_converter = "id"
    icon = "cross"
    name = "comment_blocks"
    url_prefix = "kommentare/sperren"
    menu_label = gettext_lazy("Sperren")
    add_to_settings_menu = True
    permission_policy = ModeratorsOnlyPolicy(Block)
    form_fields = ["kind", "value", "until", "note"]
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        Column("kind", label=gettext_lazy("Art"), accessor="get_kind_display"),
        "value",
        DateColumn("until", label=gettext_lazy("Gesperrt bis")),
        "note",
        DateColumn("created_at", label=gettext_lazy("Angelegt")),
    ]
