"""The moderation queue: a Wagtail ModelViewSet for reader comments with moderation actions."""

import django_filters
from django_comments_xtd.models import max_thread_level_for_content_type

from django import forms
from django.conf import settings
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from blog.models import BlogPostPage
from comments import lifecycle
from comments.admin.desk import (
    STATUS_REPORTED,
    STATUS_REVIEW,
    RowInfo,
    highlighted,
    open_reports,
    reason_badges,
    status_counts,
)
from comments.admin.permissions import CommentPermissionPolicy, editable_pages, is_full_moderator, is_moderator
from comments.models import HELD_STATUSES, PostComment, ReportDecision, Status
from core.text import is_number

# The queue's status filter: "Ausstehend" holds every comment waiting for a decision (new ones and
# withdrawn ones), then one value per remaining state, then everything.
STATUS_HELD = "pending"
STATUS_ALL = "all"
STATUS_FILTERS = {
    STATUS_HELD: gettext_lazy("Ausstehend"),
    STATUS_REPORTED: gettext_lazy("Gemeldet"),
    STATUS_REVIEW: gettext_lazy("Nachmoderation"),
    Status.APPROVED: gettext_lazy("Freigegeben"),
    Status.SPAM: gettext_lazy("Spam"),
    Status.TRASH: gettext_lazy("Papierkorb"),
}
ACTION_ICONS = {"approve": "check", "withdraw": "cross", "spam": "warning", "trash": "bin", "restore": "undo"}
# "Geprüft": not a change of state (lifecycle.mark_reviewed), offered on comments awaiting review.
REVIEW = "review"
REVIEW_LABEL = gettext_lazy("Geprüft")
APPROVE_AND_REPLY_LABEL = gettext_lazy("Freigeben und antworten")
ACTION_DONE_MESSAGES = {
    "approve": gettext_lazy("Kommentar freigegeben."),
    "withdraw": gettext_lazy("Kommentar zurückgezogen: er wartet wieder auf Freigabe."),
    "spam": gettext_lazy("Kommentar als Spam markiert."),
    "trash": gettext_lazy("Kommentar in den Papierkorb gelegt."),
    "restore": gettext_lazy("Kommentar wiederhergestellt: er wartet wieder auf Freigabe."),
    REVIEW: gettext_lazy("Kommentar geprüft: er bleibt veröffentlicht."),
}

policy = CommentPermissionPolicy()


def scoped_comments(user, action="change"):
    """The comments this user may act on; PermissionDenied if none at all."""
    if not policy.user_has_permission(user, action):
        raise PermissionDenied
    return policy.instances_user_has_permission_for(user, action)


def excerpt(comment):
    return Truncator(comment.comment).chars(80)


def status_label(comment):
    label = Status(comment.status).label
    if comment.status == Status.APPROVED and not comment.is_public:
        # Approved, but hidden with the comment it answers.
        return _("%(status)s (verborgen mit dem Kommentar darüber)") % {"status": label}
    return label


def moderate_url(comment, action):
    return reverse("comment_moderation:moderate", args=[quote(comment.pk), action])


def reply_url(comment):
    return reverse("comment_moderation:reply", args=[quote(comment.pk)])


def approve_reply_url(comment):
    return reverse("comment_moderation:approve_reply", args=[quote(comment.pk)])


def replies_note(count):
    return (
        _("Dieser Kommentar hat %(count)s sichtbare Antwort(en). Sie werden zusammen mit ihm verborgen.")
        % {"count": count}
        if count
        else ""
    )


# --- The listing -------------------------------------------------------------------------------


def posts_with_comments_for(request):
    """The posts the "Beitrag" filter offers: those with comments this user may moderate, and only
    posts that were published at some point (a draft's working title is nobody's business here)."""
    if request is None:
        return BlogPostPage.objects.none()
    in_scope = policy.instances_user_has_permission_for(request.user, "change").values("object_pk")
    return (
        BlogPostPage.objects.filter(Q(live=True) | Q(first_published_at__isnull=False))
        .annotate(pk_text=Cast("pk", CharField()))
        .filter(pk_text__in=in_scope)
        .order_by("-date", "-pk")
    )


class IdModelChoiceField(django_filters.fields.ModelChoiceField):
    """A choice by primary key that refuses what cannot be one ("99999999999999999999", "١") before the
    database sees it: the filter is then invalid (the queue shows its default), not a 500."""

    def to_python(self, value):
        if value not in self.empty_values and not is_number(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdModelChoiceField


class CommentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[*STATUS_FILTERS.items(), (STATUS_ALL, gettext_lazy("Alle"))],
        method="filter_status",
        empty_label=None,
        initial=STATUS_HELD,
    )
    post = IdModelChoiceFilter(
        label=gettext_lazy("Beitrag"),
        queryset=posts_with_comments_for,
        method="filter_post",
    )
    # "The commenter's other comments": the comments written with the same address as comment #N (the
    # address itself never goes into a URL). Moderators only.
    same_as = django_filters.NumberFilter(
        label=gettext_lazy("Mit derselben Adresse wie Kommentar Nr."),
        method="filter_same_as",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = PostComment
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # The queue opens on the held comments: "Ausstehend" is the filter when none is chosen.
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = STATUS_HELD
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == STATUS_ALL:
            return queryset
        if value == STATUS_HELD:
            return queryset.filter(status__in=HELD_STATUSES)
        if value == STATUS_REPORTED:
            return queryset.filter(pk__in=open_reports().values("comment_id"))
        if value == STATUS_REVIEW:
            return queryset.filter(awaits_review=True)
        return queryset.filter(status=value)

    def filter_same_as(self, queryset, name, value):
        if self.request is None or not is_moderator(self.request.user):
            return queryset
        if not is_number(value):  # "1E+400", "-5", 20 digits: no comment has that number (and no 500)
            return queryset.none()
        email = PostComment.objects.filter(pk=int(value)).values_list("user_email", flat=True).first()
        return queryset.filter(pk__in=PostComment.objects.written_with(email).values("pk"))

    def filter_post(self, queryset, name, value):
        return queryset.filter(object_pk=str(value.pk))


def listing_queryset(request, comments):
    """The comments the queue lists for this request's filters and search (the bulk actions' "all")."""
    filters = CommentFilterSet(request.GET, queryset=comments, request=request)
    comments = filters.qs if filters.is_valid() else comments.filter(status__in=HELD_STATUSES)
    query = (request.GET.get("q") or "").strip()
    if query:
        fields = search_fields_for(request.user)
        matches = Q()
        for field in fields:
            matches |= Q(**{f"{field}__icontains": query})
        comments = comments.filter(matches)
    return comments


def search_fields_for(user):
    """Moderators may search by address; editors (who moderate their own posts) see no addresses at all."""
    return ["comment", "user_name", "user_email"] if is_moderator(user) else ["comment", "user_name"]


class CommentTextColumn(TitleColumn):
    """The whole text, so a moderator can decide without opening anything; long ones folded. Wagtail's
    title column, so the row's actions stay beside it."""

    cell_template_name = "comments_admin/text_cell.html"
    FOLD_AFTER = 400

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["comment"] = instance
        context["folded"] = len(instance.comment) > self.FOLD_AFTER
        context["teaser"] = Truncator(instance.comment).chars(self.FOLD_AFTER)
        context["edit_url"] = reverse("comment_moderation:edit", args=[quote(instance.pk)])
        request = parent_context.get("request")
        context["csrf_token"] = get_token(request) if request is not None else ""
        next_url = request.get_full_path() if request is not None else ""
        context["quick_actions"] = [
            (
                action,
                lifecycle.TRANSITIONS[action].label,
                f"{moderate_url(instance, action)}?{urlencode({'next': next_url})}",
            )
            for action in ("approve", "spam", "trash")
            if action in lifecycle.actions_for(instance)
            and not (action in lifecycle.HIDING_ACTIONS and instance.is_public and instance.nested_count)
        ]
        if instance.awaits_review:
            context["quick_actions"].insert(
                0, (REVIEW, REVIEW_LABEL, f"{moderate_url(instance, REVIEW)}?{urlencode({'next': next_url})}")
            )
        back = urlencode({"next": next_url})
        answerable = can_be_answered(instance)
        context["reply_url"] = f"{reply_url(instance)}?{back}" if answerable else ""
        context["approve_reply_url"] = (
            f"{approve_reply_url(instance)}?{back}" if answerable and instance.is_held else ""
        )
        context["approve_reply_label"] = APPROVE_AND_REPLY_LABEL
        context["thread_url"] = f"{reverse('comment_moderation:thread', args=[quote(instance.pk)])}?{back}"
        rows = self.listing_view.row_info
        context["badges"], words = reason_badges(
            instance, rows.reports.get(instance.pk, 0), rows.report_reasons.get(instance.pk, ())
        )
        context["text_html"] = highlighted(instance.comment, words)
        context["teaser_html"] = highlighted(context["teaser"], words)
        context["parent"] = rows.parent(instance)
        others = rows.other_comments(instance) if rows.with_history else None
        if others is not None:
            base = reverse("comment_moderation:index")
            context["others"] = [
                (count, label, f"{base}?status={status}&same_as={instance.pk}")
                for status, count, label in (
                    (Status.APPROVED, others["approved"], _("freigegeben")),
                    (Status.TRASH, others["trash"], _("abgelehnt")),
                    (Status.SPAM, others["spam"], _("Spam")),
                )
            ]
            context["others_all_url"] = f"{base}?status=all&same_as={instance.pk}"
        return context


class PostColumn(Column):
    cell_template_name = "comments_admin/post_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        view = self.listing_view
        context["post"] = instance.content_object
        context["can_edit_post"] = instance.content_object is not None and (
            instance.content_object.pk in view.editable_page_ids
        )
        context["request"] = parent_context.get("request")
        return context


class CommentIndexView(generic.IndexView):
    template_name = "comments_admin/index.html"
    results_template_name = "comments_admin/index_results.html"
    filterset_class = CommentFilterSet
    search_backend_name = None

    @property
    def search_fields(self):
        return search_fields_for(self.request.user)

    default_ordering = "-submit_date"
    page_title = gettext_lazy("Kommentare")
    any_permission_required = ["view", "change"]

    def get_base_queryset(self):
        return (
            policy.instances_user_has_permission_for(self.request.user, "change")
            .select_related("content_type")
            .prefetch_related("content_object")
        )

    editable_page_ids = frozenset()

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        # Which of the posts on this page of results the user may open in the page editor: one query.
        post_ids = {int(comment.object_pk) for comment in context["object_list"] if is_number(comment.object_pk)}
        self.editable_page_ids = set(
            editable_pages(self.request.user).filter(pk__in=post_ids).values_list("pk", flat=True)
        )
        self.row_info = RowInfo(
            context["object_list"],
            with_history=is_moderator(self.request.user),
            history_scope=None if is_full_moderator(self.request.user) else self.get_base_queryset(),
        )
        context["status_tabs"] = self.status_tabs()
        context["reply_max_length"] = settings.COMMENTS_MAX_LENGTH
        return context

    def status_tabs(self):
        """(label, count, url, current) per status: the counts are over everything this user may moderate."""
        counts = status_counts(policy.instances_user_has_permission_for(self.request.user, "change"))
        current = self.request.GET.get("status") or STATUS_HELD
        kept = self.request.GET.copy()
        for name in ("status", "p"):
            kept.pop(name, None)
        tabs = []
        for value, label in [*STATUS_FILTERS.items(), (STATUS_ALL, _("Alle"))]:
            query = kept.copy()
            query["status"] = value
            tabs.append((label, counts[value], f"{self.index_url}?{query.urlencode()}", value == current))
        return tabs

    @cached_property
    def columns(self):
        post_column = PostColumn("post", label=_("Beitrag"))
        post_column.listing_view = self
        text_column = self._get_title_column_class(CommentTextColumn)(
            "comment",
            label=_("Kommentar"),
            get_url=lambda comment: reverse("comment_moderation:edit", args=[quote(comment.pk)]),
            get_title_id=lambda comment: f"comment_{quote(comment.pk)}_title",
        )
        text_column.listing_view = self
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="comment"),
            text_column,
            Column("user_name", label=_("Name")),
            *([Column("user_email", label=_("E-Mail"))] if is_moderator(self.request.user) else []),
            post_column,
            DateColumn("submit_date", label=_("Datum"), sort_key="submit_date"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor=status_label,
                primary=lambda comment: comment.is_public,
            ),
        ]

    def get_list_more_buttons(self, instance):
        buttons = []
        if instance.awaits_review:
            url = moderate_url(instance, REVIEW)
            attrs = {"data-controller": "w-action", "data-action": "w-action#post", "data-w-action-url-value": url}
            buttons.append(Button(REVIEW_LABEL, url=url, icon_name="view", attrs=attrs, priority=0))
        for priority, action in enumerate(lifecycle.actions_for(instance), start=1):
            url = moderate_url(instance, action)
            attrs = {}
            # One click for everything but hiding a public comment that has replies: that asks first.
            if not (action in lifecycle.HIDING_ACTIONS and instance.is_public and instance.nested_count):
                attrs = {"data-controller": "w-action", "data-action": "w-action#post", "data-w-action-url-value": url}
            label = lifecycle.TRANSITIONS[action].label
            buttons.append(Button(label, url=url, icon_name=ACTION_ICONS[action], attrs=attrs, priority=priority))
        row_info = getattr(self, "row_info", None)
        if row_info is not None and row_info.reports.get(instance.pk):
            for decision, label, icon in (
                (ReportDecision.REMOVED, _("Meldung: entfernen"), "bin"),
                (ReportDecision.KEPT, _("Meldung: Kommentar bleibt"), "check"),
            ):
                url = reverse("comment_moderation:report_decision", args=[quote(instance.pk), decision])
                attrs = {"data-controller": "w-action", "data-action": "w-action#post", "data-w-action-url-value": url}
                buttons.append(Button(label, url=url, icon_name=icon, attrs=attrs, priority=8))
        if instance.is_public and not instance.is_moderator_reply:
            switch = RECOMMEND_OFF if instance.is_recommended else RECOMMEND_ON
            url = reverse("comment_moderation:recommend", args=[quote(instance.pk), switch])
            attrs = {"data-controller": "w-action", "data-action": "w-action#post", "data-w-action-url-value": url}
            label = _("Empfehlung entfernen") if instance.is_recommended else _("Empfehlen")
            buttons.append(Button(label, url=url, icon_name="pick", attrs=attrs, priority=9))
        buttons.append(
            Button(
                _("Text bearbeiten"),
                url=reverse("comment_moderation:edit", args=[quote(instance.pk)]),
                icon_name="edit",
                priority=10,
            )
        )
        if can_be_answered(instance):
            if instance.is_held:
                url = approve_reply_url(instance)
                attrs = {"data-controller": "w-action", "data-action": "w-action#post", "data-w-action-url-value": url}
                buttons.append(Button(APPROVE_AND_REPLY_LABEL, url=url, icon_name="check", attrs=attrs, priority=2))
            buttons.append(Button(_("Antworten"), url=reply_url(instance), icon_name="comment", priority=11))
        buttons.append(
            Button(
                _("Thread anzeigen"),
                url=reverse("comment_moderation:thread", args=[quote(instance.pk)]),
                icon_name="list-ul",
                priority=12,
            )
        )
        if is_full_moderator(self.request.user):
            buttons.append(
                Button(
                    _("Sperren"),
                    url=reverse("comment_moderation:block", args=[quote(instance.pk)]),
                    icon_name="cross",
                    priority=15,
                )
            )
        buttons.append(
            Button(
                _("Verlauf"),
                url=reverse("comment_moderation:history", args=[quote(instance.pk)]),
                icon_name="history",
                priority=20,
            )
        )
        if policy.user_has_permission(self.request.user, "delete"):
            buttons.append(
                Button(
                    _("Endgültig löschen"),
                    url=reverse("comment_moderation:delete", args=[quote(instance.pk)]),
                    icon_name="bin",
                    priority=30,
                )
            )
        return buttons

    @cached_property
    def header_more_buttons(self):
        if not is_full_moderator(self.request.user):
            return []
        return [
            Button(
                _("Datenschutz: Export und Löschung"),
                url=reverse("comment_moderation:data_protection"),
                icon_name="lock",
            )
        ]


def can_be_answered(comment):
    """Staff may answer any comment that is not spam or in the trash and not at the deepest level."""
    return comment.status not in (Status.SPAM, Status.TRASH) and comment.level < max_thread_level_for_content_type(
        comment.content_type
    )


# --- Editing, deleting, history ---------------------------------------------------------------


class ScopedObjectMixin:
    """Edit, delete and history only reach comments the user may moderate (editors: on their pages)."""

    scope_action = "change"

    def get_queryset(self):
        return scoped_comments(self.request.user, self.scope_action)


class CommentEditView(ScopedObjectMixin, generic.EditView):
    page_title = gettext_lazy("Kommentar bearbeiten")
    success_message = gettext_lazy("Kommentartext gespeichert.")
    template_name = "comments_admin/edit.html"

    def get_usage_url(self):
        return None  # comments are used nowhere; the viewset routes no usage view

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["comment"] = self.object
        context["status_label"] = status_label(self.object)
        return context

    def save_instance(self):
        lifecycle.edit(self.object, self.form.cleaned_data["comment"], self.request.user)
        return self.object

    def get_success_buttons(self):
        return []


class CommentDeleteView(ScopedObjectMixin, generic.DeleteView):
    scope_action = "delete"
    page_title = gettext_lazy("Endgültig löschen")
    success_message = gettext_lazy("Kommentar endgültig gelöscht.")

    def get_usage_url(self):
        return None

    @property
    def confirmation_message(self):
        replies = len(lifecycle.descendant_ids(self.object))
        message = _("Diesen Kommentar endgültig löschen? Das lässt sich nicht rückgängig machen.")
        if replies:
            message += " " + _("Seine %(count)s Antwort(en) werden mit gelöscht.") % {"count": replies}
        return message

    def get_success_message(self):
        return str(self.success_message)

    def delete_action(self):
        lifecycle.delete(self.object, self.request.user)


class CommentHistoryView(generic.history.HistoryView):
    any_permission_required = ["view", "change"]

    def get_base_object_queryset(self):
        # Only the object lookup is scoped; the listing of this view is the object's log entries.
        return scoped_comments(self.request.user)

    def get_usage_url(self):
        return None


# --- Moderation actions and replies -----------------------------------------------------------


class ModerateView(View):
    """GET: a confirmation page (what happens, what happens to the replies). POST: do it."""

    def dispatch(self, request, pk, action):
        if action not in lifecycle.TRANSITIONS and action != REVIEW:
            return redirect("comment_moderation:index")
        self.action = action
        self.comment = get_object_or_404(scoped_comments(request.user), pk=pk)
        self.next_url = get_valid_next_url_from_request(request) or reverse("comment_moderation:index")
        return super().dispatch(request, pk, action)

    def label(self):
        return REVIEW_LABEL if self.action == REVIEW else lifecycle.TRANSITIONS[self.action].label

    def get(self, request, pk, action):
        hides = action in lifecycle.HIDING_ACTIONS and self.comment.is_public
        label = self.label()
        return TemplateResponse(
            request,
            "comments_admin/confirm_action.html",
            {
                "comment": self.comment,
                "action_label": label,
                "replies_note": replies_note(lifecycle.visible_replies_count(self.comment)) if hides else "",
                "next": self.next_url,
                "header_icon": "comment",
                "page_title": label,
            },
        )

    def post(self, request, pk, action):
        before = self.comment.status
        ok = False
        try:
            if action == REVIEW:
                changed = lifecycle.mark_reviewed(self.comment, request.user)
            else:
                changed = lifecycle.apply(self.comment, action, request.user)
        except lifecycle.TransitionNotAllowed:
            message = _("Das geht bei einem Kommentar mit dem Status „%(status)s“ nicht.") % {
                "status": Status(self.comment.status).label
            }
        except PostComment.DoesNotExist:
            message = _("Diesen Kommentar gibt es nicht mehr.")
        else:
            ok = changed
            message = str(ACTION_DONE_MESSAGES[action]) if changed else str(NOTHING_TO_DO[action == REVIEW])
        if wants_json(request):
            # The queue's script (static/js/comments_admin.js): the same decision without a page load,
            # with the way back for "Rückgängig".
            undo = undo_action(action, before) if ok else None
            return JsonResponse(
                {
                    "ok": ok,
                    "message": message,
                    "undo_url": moderate_url(self.comment, undo) if undo else "",
                    "undo_label": str(lifecycle.TRANSITIONS[undo].label) if undo else "",
                }
            )
        (messages.success if ok else messages.warning)(request, message)
        return redirect(self.next_url)


NOTHING_TO_DO = {
    False: gettext_lazy("Der Kommentar hatte diesen Status schon."),
    True: gettext_lazy("Dieser Kommentar wartet nicht (mehr) auf Prüfung."),
}


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


class ApproveAndReplyView(ModerateView):
    """ "Freigeben und antworten" on a held comment. GET: the confirmation page, as for every action.
    POST: approve it (through the lifecycle), then the reply page; the queue's script gets JSON instead and
    opens the reply box in the row. Refused as a whole (nothing approved) where no reply could follow."""

    def dispatch(self, request, pk):
        return super().dispatch(request, pk, "approve")

    def label(self):
        return APPROVE_AND_REPLY_LABEL

    def refusal(self):
        if self.comment.status not in (*HELD_STATUSES, Status.APPROVED):
            return _("Das geht bei einem Kommentar mit dem Status „%(status)s“ nicht.") % {
                "status": Status(self.comment.status).label
            }
        if not can_be_answered(self.comment):
            return _("Dieser Gesprächsfaden ist schon so tief verschachtelt wie erlaubt.")
        return ""

    def post(self, request, pk, action):
        before = self.comment.status
        ok, changed = False, False
        message = self.refusal()
        if not message:
            try:
                changed = lifecycle.apply(self.comment, "approve", request.user)
            except (lifecycle.TransitionNotAllowed, PostComment.DoesNotExist):
                message = _("Diesen Kommentar gibt es nicht mehr.")
            else:
                # Approved now or by someone else a moment ago: either way the answer can follow.
                ok = True
                message = str(ACTION_DONE_MESSAGES["approve"]) if changed else _("Der Kommentar war schon freigegeben.")
        answer_url = f"{reply_url(self.comment)}?{urlencode({'next': self.next_url})}"
        if wants_json(request):
            undo = undo_action("approve", before) if changed else None
            return JsonResponse(
                {
                    "ok": ok,
                    "message": message,
                    "reply_url": answer_url if ok else "",
                    "undo_url": moderate_url(self.comment, undo) if undo else "",
                    "undo_label": str(lifecycle.TRANSITIONS[undo].label) if undo else "",
                }
            )
        (messages.success if ok else messages.warning)(request, message)
        return redirect(answer_url if ok else self.next_url)


def undo_action(action, before):
    """The transition that takes back `action` on a comment that was in state `before` (None if none)."""
    if action == "approve":
        return "withdraw" if before in HELD_STATUSES else ("spam" if before == Status.SPAM else "trash")
    if action in ("spam", "trash"):
        return "approve" if before == Status.APPROVED else "restore"
    if action == "withdraw":
        return "approve"
    if action == "restore":
        return "spam" if before == Status.SPAM else "trash"
    return None


RECOMMEND_ON, RECOMMEND_OFF = "an", "aus"


class RecommendView(View):
    """POST: mark a public comment "Empfehlung der Redaktion" (`an`) or take the mark back (`aus`)."""

    def post(self, request, pk, switch):
        if switch not in (RECOMMEND_ON, RECOMMEND_OFF):
            return redirect("comment_moderation:index")
        comment = get_object_or_404(scoped_comments(request.user), pk=pk)
        next_url = get_valid_next_url_from_request(request) or reverse("comment_moderation:index")
        on = switch == RECOMMEND_ON
        try:
            changed = lifecycle.recommend(comment, on, request.user)
        except lifecycle.TransitionNotAllowed:
            messages.warning(request, _("Empfehlen lassen sich nur freigegebene, sichtbare Kommentare."))
        except PostComment.DoesNotExist:
            messages.warning(request, _("Diesen Kommentar gibt es nicht mehr."))
        else:
            if not changed:
                messages.warning(request, _("Der Kommentar war schon so markiert."))
            elif on:
                messages.success(request, _("Kommentar als „Empfehlung der Redaktion“ markiert."))
            else:
                messages.success(request, _("Empfehlung der Redaktion entfernt."))
        return redirect(next_url)

    def get(self, request, pk, switch):
        return redirect("comment_moderation:index")


class ReportDecisionView(View):
    """POST: the moderator's decision on the open reports of a comment (remove or keep)."""

    def post(self, request, pk, decision):
        from comments import reports

        if decision not in ReportDecision.values:
            return redirect("comment_moderation:index")
        comment = get_object_or_404(scoped_comments(request.user), pk=pk)
        next_url = get_valid_next_url_from_request(request) or reverse("comment_moderation:index") + "?status=reported"
        decided = reports.decide(comment, decision, request.user)
        if not decided:
            messages.warning(request, _("Zu diesem Kommentar gibt es keine offene Meldung mehr."))
        elif decision == ReportDecision.REMOVED:
            messages.success(
                request,
                _("Kommentar entfernt; die Entscheidung ist bei %(count)s Meldung(en) vermerkt.") % {"count": decided},
            )
        else:
            messages.success(
                request,
                _("Kommentar bleibt; die Entscheidung ist bei %(count)s Meldung(en) vermerkt.") % {"count": decided},
            )
        return redirect(next_url)

    def get(self, request, pk, decision):
        return redirect(reverse("comment_moderation:index") + "?status=reported")


class CommentEditForm(WagtailAdminModelForm):
    """The text as readers may write it: up to COMMENTS_MAX_LENGTH (django_comments' model says 3000)."""

    comment = forms.CharField(
        label=gettext_lazy("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=settings.COMMENTS_MAX_LENGTH,
    )

    class Meta:
        model = PostComment
        fields = ["comment"]


class ReplyForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Antwort der Redaktion"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=settings.COMMENTS_MAX_LENGTH,
    )


class ReplyView(View):
    template_name = "comments_admin/reply.html"

    def dispatch(self, request, pk):
        self.parent = get_object_or_404(scoped_comments(request.user), pk=pk)
        self.next_url = get_valid_next_url_from_request(request) or reverse("comment_moderation:index") + "?status=all"
        return super().dispatch(request, pk)

    def render(self, form):
        if self.request.method == "POST" and wants_json(self.request):
            # The reply box in the queue's row: the reasons in German; what was typed stays in the box.
            errors = [str(error) for errors in form.errors.values() for error in errors]
            return JsonResponse({"ok": False, "message": " ".join(errors)}, status=400)
        return TemplateResponse(
            self.request,
            self.template_name,
            {
                "form": form,
                "parent": self.parent,
                "header_icon": "comment",
                "page_title": _("Antworten"),
                "next": self.next_url,
            },
            status=400 if form.is_bound else 200,
        )

    def get(self, request, pk):
        return self.render(ReplyForm())

    def post(self, request, pk):
        form = ReplyForm(request.POST)
        if self.parent.status in (Status.SPAM, Status.TRASH):
            form.add_error(None, _("Auf Spam und Kommentare im Papierkorb kann nicht geantwortet werden."))
        elif not can_be_answered(self.parent):
            form.add_error(None, _("Dieser Gesprächsfaden ist schon so tief verschachtelt wie erlaubt."))
        if not form.is_valid():
            return self.render(form)
        try:
            answer = lifecycle.reply_as_staff(self.parent, form.cleaned_data["comment"], request.user)
        except (lifecycle.TransitionNotAllowed, PostComment.DoesNotExist):
            form.add_error(None, _("Auf diesen Kommentar kann nicht (mehr) geantwortet werden."))
            return self.render(form)
        if answer.is_public:
            message = _("Antwort veröffentlicht.")
        else:
            message = _(
                "Antwort gespeichert. Sie erscheint, sobald der Kommentar, auf den sie antwortet, freigegeben ist."
            )
        if wants_json(request):
            return JsonResponse({"ok": True, "message": message})
        messages.success(request, message)
        return redirect(self.next_url)


# --- The viewset -------------------------------------------------------------------------------


class CommentViewSet(ModelViewSet):
    model = PostComment
    pk_path_converter = "id"  # edit/delete/history of a 20-digit id: a 404, not the database's overflow
    icon = "comment"
    name = "comment_moderation"
    url_prefix = "kommentare"
    menu_label = gettext_lazy("Kommentare")
    menu_order = 250
    add_to_admin_menu = True
    inspect_view_enabled = False
    copy_view_enabled = False
    index_view_class = CommentIndexView
    edit_view_class = CommentEditView
    delete_view_class = CommentDeleteView
    history_view_class = CommentHistoryView
    edit_handler = ObjectList([FieldPanel("comment")], base_form_class=CommentEditForm)

    @property
    def menu_item_class(self):
        from comments.admin.panels import CommentsMenuItem

        return CommentsMenuItem

    def get_urlpatterns(self):
        from comments.admin.blocks import BlockFromCommentView
        from comments.admin.data_protection import DataProtectionView
        from comments.admin.thread import ThreadView
        from core.converters import register as register_converters

        register_converters()  # `<id:…>`: an id too long for the database is a 404, not a 500
        # No "new", "usage" or "copy": comments come from readers, replies through the reply view.
        kept = {"index", "index_results", "edit", "delete", "history", "history_results"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept] + [
            path("moderieren/<id:pk>/<str:action>/", ModerateView.as_view(), name="moderate"),
            path("antworten/<id:pk>/", ReplyView.as_view(), name="reply"),
            path("freigeben-und-antworten/<id:pk>/", ApproveAndReplyView.as_view(), name="approve_reply"),
            path("thread/<id:pk>/", ThreadView.as_view(), name="thread"),
            path("datenschutz/", DataProtectionView.as_view(), name="data_protection"),
            path("sperren/<id:pk>/", BlockFromCommentView.as_view(), name="block"),
            path("meldung/<id:pk>/<str:decision>/", ReportDecisionView.as_view(), name="report_decision"),
            path("empfehlen/<id:pk>/<str:switch>/", RecommendView.as_view(), name="recommend"),
        ]
