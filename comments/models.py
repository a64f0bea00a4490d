"""Reader comments (django-comments-xtd's model, extended) and the moderation rules."""

from django_comments.managers import CommentManager
from django_comments_xtd.models import XtdComment

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import register_setting

from core.models import OneQuerySiteSetting


class Status(models.TextChoices):
    """A comment's own moderation state (comments/lifecycle.py moves it; nothing else may)."""

    PENDING = "pending", _("Ausstehend")
    APPROVED = "approved", _("Freigegeben")
    WITHDRAWN = "withdrawn", _("Zurückgezogen")
    SPAM = "spam", _("Spam")
    TRASH = "trash", _("Papierkorb")


# States that wait for a moderator's decision: the queue's "Ausstehend".
HELD_STATUSES = (Status.PENDING, Status.WITHDRAWN)
REMOVED_STATUSES = (Status.SPAM, Status.TRASH)


class PostCommentQuerySet(models.QuerySet):
    """The comment domain's questions, asked the same way by the views, the admin, the importer and
    the commands."""

    def on_post(self, post):
        model = getattr(post, "specific_class", None) or type(post)
        return self.filter(content_type=ContentType.objects.get_for_model(model), object_pk=str(post.pk))

    def visible(self):
        """What readers see: approved, and every comment above it approved too (`is_public`)."""
        return self.filter(is_public=True)

    def held(self):
        return self.filter(status__in=HELD_STATUSES)

    def with_status(self, status):
        return self.filter(status=status)

    def written_with(self, email):
        """Every comment sent with this address (data-protection requests, moderator history)."""
        email = (email or "").strip()
        return self.filter(user_email__iexact=email) if email else self.none()


class PostCommentManager(CommentManager.from_queryset(PostCommentQuerySet)):
    pass


class PostComment(XtdComment):
    """A reader's comment on a post.

    `status` is the comment's own state, set only by the lifecycle (comments/lifecycle.py).
    `is_public` and `is_removed` (django_comments' columns, which its and xtd's code read) are derived
    from it by the lifecycle: a comment is public exactly when it is approved and every comment above
    it is public; removed when it is spam or in the trash.
    """

    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    is_moderator_reply = models.BooleanField(_("Antwort der Redaktion"), default=False)
    # An HMAC of the random token in the sender's `comment_author` cookie: proves "the same browser"
    # for the trusted-commenter rule without relying on name or e-mail. Never shown anywhere.
    author_token = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    # The comment's header and text as HTML, rendered once (comments/rendering.py) and used while
    # `html_key` matches the comment's displayed fields and the markup version.
    html = models.TextField(blank=True, default="", editable=False)
    html_key = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = PostCommentManager()

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")

    @property
    def is_held(self):
        return self.status in HELD_STATUSES


@register_setting(icon="comment")
class CommentSettings(OneQuerySiteSetting):
    """The rules moderators set for reader comments (Einstellungen → Kommentare)."""

    hold_all = models.BooleanField(
        _("Jeden Kommentar zurückhalten"),
        default=True,
        help_text=_("Jeder Kommentar muss freigegeben werden, bevor er erscheint."),
    )
    trust_approved_authors = models.BooleanField(
        _("Bekannte Kommentierende sofort veröffentlichen"),
        default=False,
        help_text=_(
            "Nur wenn nicht jeder Kommentar zurückgehalten wird: ein Kommentar erscheint sofort, wenn derselbe "
            "Browser unter demselben Namen schon einen freigegebenen Kommentar geschrieben hat und keinen als "
            "Spam markierten. Name und E-Mail-Adresse allein genügen nie."
        ),
    )
    max_links = models.PositiveSmallIntegerField(
        _("Zurückhalten ab so vielen Links"),
        default=2,
        help_text=_("Kommentare mit so vielen oder mehr Links werden zurückgehalten."),
    )
    hold_words = models.TextField(
        _("Wörter, die einen Kommentar zurückhalten"),
        blank=True,
        help_text=_("Ein Wort oder eine Wortfolge pro Zeile."),
    )
    spam_words = models.TextField(
        _("Wörter, die einen Kommentar als Spam markieren"),
        blank=True,
        help_text=_("Ein Wort oder eine Wortfolge pro Zeile."),
    )
    close_after_days = models.PositiveIntegerField(
        _("Kommentare schließen nach so vielen Tagen"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, um Kommentare nie automatisch zu schließen."),
    )
    notify_authors_on_approval = models.BooleanField(
        _("Autor(inn)en bei Freigabe benachrichtigen"),
        default=False,
        help_text=_("Schickt den Autor(inn)en eines Beitrags eine E-Mail, wenn ein Kommentar freigegeben wird."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("hold_all"), FieldPanel("trust_approved_authors"), FieldPanel("close_after_days")],
            heading=_("Freigabe"),
        ),
        MultiFieldPanel(
            [FieldPanel("max_links"), FieldPanel("hold_words"), FieldPanel("spam_words")],
            heading=_("Filter"),
        ),
        FieldPanel("notify_authors_on_approval"),
    ]

    class Meta:
        verbose_name = _("Kommentar-Einstellungen")
