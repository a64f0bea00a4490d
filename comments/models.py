"""Reader comments (django-comments-xtd's model, extended) and the moderation rules."""

import secrets

from django_comments.managers import CommentManager
from django_comments_xtd.models import XtdComment

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import register_setting
from wagtail.fields import StreamField

from core import clock
from core.models import OneQuerySiteSetting

from . import schedules
from .blocks import ScheduleWindowBlock, windows_from


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
    # "Empfehlung der Redaktion": set and cleared by the lifecycle only (`lifecycle.recommend`), and
    # dropped whenever the comment stops being public.
    is_recommended = models.BooleanField(_("Empfehlung der Redaktion"), default=False, editable=False)
    # An HMAC of the random token in the sender's `comment_author` cookie: proves "the same browser"
    # for the trusted-commenter rule without relying on name or e-mail. Never shown anywhere.
    author_token = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    # Why the posting rules held or marked it (comments/moderation.py `decide()`), shown as badges in the
    # queue: [{"code": "links", "count": 3}, {"code": "hold_word", "words": ["…"]}, …].
    hold_reasons = models.JSONField(default=list, blank=True, editable=False)
    # The comment's header and text as HTML, rendered once (comments/rendering.py) and used while
    # `html_key` matches the comment's displayed fields and the markup version.
    html = models.TextField(blank=True, default="", editable=False)
    html_key = models.CharField(max_length=32, blank=True, default="", editable=False)
    # When readers were first told that it is public (reply notifications, "Dein Kommentar wurde
    # freigegeben"; comments/subscriptions.py): set once, by a conditional UPDATE, so it is told once.
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Published at once under a category's "Nachmoderation" (comments/categories.py): listed in the
    # queue's "Nachmoderation" tab until a moderator marks it "Geprüft" (lifecycle.mark_reviewed) or
    # decides on it otherwise.
    awaits_review = models.BooleanField(_("Wartet auf Prüfung"), default=False, db_index=True, editable=False)
    # When the writer last changed the text from their own browser (lifecycle.edit_own); shown to readers
    # as "(bearbeitet)". A moderator's correction does not set it.
    edited_at = models.DateTimeField(_("Bearbeitet"), null=True, blank=True, editable=False)

    objects = PostCommentManager()

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")

    @property
    def is_held(self):
        return self.status in HELD_STATUSES


def new_subscription_token():
    return secrets.token_urlsafe(32)


class ReplySubscription(models.Model):
    """A reader asked to hear about replies to one of their comments ("Benachrichtige mich über Antworten").

    Stores as little as it can: the comment (whose address the mails go to, so no second copy of it), a
    random token for the links in the mails (never the address nor a hash of it), and when the reader
    confirmed by mail (double opt-in; nothing is sent but the confirmation before). Deleted with the
    comment, on unsubscribing, and when the comment is anonymised.
    """

    comment = models.OneToOneField(PostComment, on_delete=models.CASCADE, related_name="reply_subscription")
    token = models.CharField(max_length=64, unique=True, default=new_subscription_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung über Antworten")
        verbose_name_plural = _("Benachrichtigungen über Antworten")

    def __str__(self):
        # Never the address: only the comment's number.
        return _("Benachrichtigung zu Kommentar #%(id)s") % {"id": self.comment_id}

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


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
    recheck_edited = models.BooleanField(
        _("Bearbeitete Kommentare erneut prüfen"),
        default=True,
        help_text=_(
            "Ändert jemand kurz nach dem Senden den eigenen, schon freigegebenen Kommentar, wartet "
            "er wieder auf Freigabe. Ausgeschaltet gilt das nur, wenn die Filter ihn jetzt zurückhalten würden."
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
        help_text=_(
            "Ein Wort oder eine Wortfolge pro Zeile, als ganzes Wort gesucht (auch in Name, E-Mail-Adresse, "
            "Website und gekürzter IP-Adresse). Zwischen Schrägstrichen ein regulärer Ausdruck: /casino\\w*/"
        ),
    )
    spam_words = models.TextField(
        _("Wörter, die einen Kommentar als Spam markieren"),
        blank=True,
        help_text=_("Wie oben: ganze Wörter oder /reguläre Ausdrücke/, eines pro Zeile."),
    )
    close_after_days = models.PositiveIntegerField(
        _("Kommentare schließen nach so vielen Tagen"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, um Kommentare nie automatisch zu schließen."),
    )
    schedule_windows = StreamField(
        [("window", ScheduleWindowBlock())],
        verbose_name=_("Zeitfenster"),
        blank=True,
        help_text=_(
            "Zeiten, in denen Kommentare zu allen Beiträgen geschlossen sind oder zurückgehalten werden, "
            "z. B. jeden Tag 22:00 bis 06:00 Uhr oder Samstag und Sonntag 0:00 bis 0:00. Es gilt die Uhrzeit "
            "in Deutschland; überschneiden sich Zeitfenster, geht „Geschlossen“ vor."
        ),
    )
    notify_authors_on_approval = models.BooleanField(
        _("Autor(inn)en bei Freigabe benachrichtigen"),
        default=False,
        help_text=_("Schickt den Autor(inn)en eines Beitrags eine E-Mail, wenn ein Kommentar freigegeben wird."),
    )

    notify_commenters_on_approval = models.BooleanField(
        _("Kommentierende bei Freigabe benachrichtigen"),
        default=True,
        help_text=_(
            "Schickt „Dein Kommentar wurde freigegeben“ an Kommentierende, die Benachrichtigungen über "
            "Antworten bestellt und bestätigt haben."
        ),
    )
    delete_removed_after_days = models.PositiveIntegerField(
        _("Spam und Papierkorb löschen nach so vielen Tagen"),
        default=30,
        help_text=_("Der Befehl delete_old_comments löscht Spam und Kommentare im Papierkorb nach dieser Frist."),
    )
    delete_held_after_days = models.PositiveIntegerField(
        _("Nie entschiedene Kommentare löschen nach so vielen Tagen"),
        null=True,
        blank=True,
        default=90,
        help_text=_("Leer lassen, um zurückgehaltene Kommentare nie automatisch zu löschen."),
    )

    statement_insult = models.TextField(
        _("Begründung bei Beleidigung"),
        blank=True,
        default=_("Ihr Kommentar wurde entfernt, weil er andere beleidigt. Das verstößt gegen unsere Netiquette."),
    )
    statement_spam = models.TextField(
        _("Begründung bei Spam"),
        blank=True,
        default=_("Ihr Kommentar wurde als Werbung oder Spam entfernt. Das verstößt gegen unsere Netiquette."),
    )
    statement_misinformation = models.TextField(
        _("Begründung bei Falschinformation"),
        blank=True,
        default=_("Ihr Kommentar wurde entfernt, weil er nachweislich falsche Tatsachen behauptet."),
    )
    statement_illegal = models.TextField(
        _("Begründung bei rechtswidrigem Inhalt"),
        blank=True,
        default=_(
            "Ihr Kommentar wurde nach einer Meldung entfernt, weil sein Inhalt nach unserer Prüfung rechtswidrig ist."
        ),
    )
    statement_other = models.TextField(
        _("Begründung in anderen Fällen"),
        blank=True,
        default=_("Ihr Kommentar wurde nach einer Meldung entfernt, weil er gegen unsere Netiquette verstößt."),
    )
    netiquette_text = models.TextField(
        _("Netiquette"),
        blank=True,
        default=_(
            "Wir freuen uns über Ihre Meinung. Bitte bleiben Sie beim Thema und respektvoll: keine Beleidigungen, "
            "keine Werbung, keine rechtswidrigen Inhalte, keine erfundenen Tatsachen. Kommentare erscheinen erst "
            "nach Freigabe durch die Redaktion. Kommentare, die gegen diese Regeln verstoßen, entfernen wir; "
            "wer eine E-Mail-Adresse angegeben hat, erfährt dann, warum."
        ),
        help_text=_("Erscheint unter /netiquette/ (ein Absatz pro Leerzeile)."),
    )
    privacy_url = models.CharField(
        _("Adresse der Datenschutzerklärung"),
        max_length=255,
        blank=True,
        default="/datenschutz/",
        help_text=_("Wird am Kommentarformular verlinkt (Art. 13 DSGVO). Leer lassen, wenn es keine gibt."),
    )
    netiquette_url = models.CharField(
        _("Adresse der Netiquette"),
        max_length=255,
        blank=True,
        default="/netiquette/",
        help_text=_("Wird im Kommentarformular und in jeder Begründung verlinkt."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("hold_all"),
                FieldPanel("trust_approved_authors"),
                FieldPanel("recheck_edited"),
                FieldPanel("close_after_days"),
            ],
            heading=_("Freigabe"),
        ),
        MultiFieldPanel(
            [FieldPanel("max_links"), FieldPanel("hold_words"), FieldPanel("spam_words")],
            heading=_("Filter"),
        ),
        FieldPanel("schedule_windows"),
        FieldPanel("notify_authors_on_approval"),
        FieldPanel("notify_commenters_on_approval"),
        MultiFieldPanel(
            [FieldPanel("delete_removed_after_days"), FieldPanel("delete_held_after_days")],
            heading=_("Aufbewahrung"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("netiquette_text"),
                FieldPanel("netiquette_url"),
                FieldPanel("privacy_url"),
                FieldPanel("statement_insult"),
                FieldPanel("statement_spam"),
                FieldPanel("statement_misinformation"),
                FieldPanel("statement_illegal"),
                FieldPanel("statement_other"),
            ],
            heading=_("Meldungen und Begründungen (DSA Art. 17)"),
        ),
    ]

    def schedule_state(self, when=None):
        """Which time window applies now (or at `when`), and until when (comments/schedules.py)."""
        return schedules.state_at(windows_from(self.schedule_windows), when or clock.now())

    def statement_for(self, reason):
        return getattr(self, f"statement_{reason}", "") or self.statement_other

    def clean(self):
        from .rules import invalid_patterns

        errors = {}
        for field in ("hold_words", "spam_words"):
            bad = invalid_patterns(getattr(self, field))
            if bad:
                errors[field] = _("Dieser reguläre Ausdruck ist ungültig: %(pattern)s") % {"pattern": bad[0]}
        if errors:
            raise ValidationError(errors)

    class Meta:
        verbose_name = _("Kommentar-Einstellungen")


class SpamMark(models.Model):
    """How often a moderator marked a comment from one address as spam. Keyed by an HMAC of the normalised
    address (comments/rules.py), never the address itself: the mark outlives the deleted spam comment
    without keeping anybody's address."""

    key = models.CharField(max_length=64, unique=True, editable=False)
    marks = models.PositiveIntegerField(default=0)
    last_marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Spam-Markierung")
        verbose_name_plural = _("Spam-Markierungen")

    def __str__(self):
        return _("%(count)s Spam-Markierung(en)") % {"count": self.marks}


class BlockKind(models.TextChoices):
    EMAIL = "email", _("E-Mail-Adresse")
    DOMAIN = "domain", _("Domain der E-Mail-Adresse")
    IP = "ip", _("Gekürzte IP-Adresse")


class Block(models.Model):
    """A sender moderators blocked ("Sperren"): their comments go straight to Spam, the sender sees the same
    answer as anyone. Only moderators see or change blocks (Einstellungen → Sperren)."""

    kind = models.CharField(_("Art"), max_length=8, choices=BlockKind.choices)
    value = models.CharField(
        _("Wert"),
        max_length=254,
        help_text=_(
            "Die E-Mail-Adresse, die Domain (z. B. example.org) oder die gekürzte IP-Adresse (z. B. 192.0.2.0)."
        ),
    )
    until = models.DateTimeField(_("Gesperrt bis"), null=True, blank=True, help_text=_("Leer lassen: für immer."))
    note = models.CharField(_("Notiz"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("Angelegt"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("Sperre")
        verbose_name_plural = _("Sperren")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        from .rules import normalise_block_value

        try:
            self.value = normalise_block_value(self.kind, self.value)
        except ValueError as error:
            raise ValidationError({"value": str(error)}) from error


class ReportReason(models.TextChoices):
    INSULT = "insult", _("Beleidigung")
    SPAM = "spam", _("Spam")
    MISINFORMATION = "misinformation", _("Falschinformation")
    ILLEGAL = "illegal", _("Rechtswidriger Inhalt")
    OTHER = "other", _("Sonstiges")


class ReportDecision(models.TextChoices):
    REMOVED = "removed", _("Kommentar entfernt")
    KEPT = "kept", _("Kommentar bleibt")


class Report(models.Model):
    """A reader's report ("Melden") of a public comment; for illegal content a notice under DSA Art. 16.
    Stored with the truncated IP address only. The moderator's decision is recorded on it."""

    comment = models.ForeignKey(PostComment, null=True, on_delete=models.SET_NULL, related_name="reports")
    comment_number = models.PositiveIntegerField(_("Kommentar Nr."), editable=False)
    reason = models.CharField(_("Grund"), max_length=16, choices=ReportReason.choices)
    explanation = models.TextField(_("Begründung"), blank=True)
    location = models.CharField(_("Wo genau"), max_length=500, blank=True)
    reporter_name = models.CharField(_("Name"), max_length=100, blank=True)
    reporter_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    good_faith = models.BooleanField(_("In gutem Glauben"), default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("Eingegangen"), auto_now_add=True, db_index=True)
    decision = models.CharField(_("Entscheidung"), max_length=16, choices=ReportDecision.choices, blank=True)
    decided_at = models.DateTimeField(_("Entschieden"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        ordering = ["-created_at"]

    def __str__(self):
        return _("Meldung zu Kommentar #%(number)s") % {"number": self.comment_number}


class UsedMailLink(models.Model):
    """The random part of a moderation-mail link that was used: each link works once (comments/mail_links.py)."""

    nonce = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Benutzter E-Mail-Link")
        verbose_name_plural = _("Benutzte E-Mail-Links")

    def __str__(self):
        return self.nonce[:8]


class ModerationMode(models.TextChoices):
    SITE = "site", _("Regel der Website")
    PRE = "pre", _("Vormoderation")
    POST = "post", _("Nachmoderation")


class CategoryModeration(models.Model):
    """How comments on the posts of one category are moderated, and by whom (Einstellungen →
    Kategorie-Moderation; comments/categories.py applies it).

    "Vormoderation" holds every comment, whatever the site's rules say; "Nachmoderation" publishes at once
    (blocks, spam marks, word lists and the link limit still apply) and lists the comment under
    "Nachmoderation" until a moderator marks it "Geprüft". The moderators named here moderate the
    comments on the posts of their categories only."""

    category = models.OneToOneField(
        "blog.Category", verbose_name=_("Kategorie"), on_delete=models.CASCADE, related_name="comment_moderation"
    )
    mode = models.CharField(
        _("Moderation"),
        max_length=8,
        choices=ModerationMode.choices,
        default=ModerationMode.SITE,
        help_text=_(
            "Hat ein Beitrag mehrere Kategorien, gilt die strengste Regel: Vormoderation vor der Regel der "
            "Website vor Nachmoderation."
        ),
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Moderator(inn)en dieser Kategorie"),
        blank=True,
        related_name="moderated_categories",
        help_text=_(
            "Wer hier steht, moderiert nur die Kommentare zu Beiträgen der eigenen Kategorien und bekommt nur "
            "deren E-Mails."
        ),
    )

    class Meta:
        verbose_name = _("Kategorie-Moderation")
        verbose_name_plural = _("Kategorie-Moderation")
        ordering = ["category__name"]

    def __str__(self):
        return f"{self.category}: {self.get_mode_display()}"


class UsedAltchaChallenge(models.Model):
    """An ALTCHA challenge that vouched for a comment: each one counts once (comments/captcha.py). Kept
    until it expires, when the challenge would be refused anyway; `delete_old_comments` removes it then.
    Holds nothing about the reader: the random nonce of the challenge and its expiry only."""

    nonce = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("Benutzte ALTCHA-Aufgabe")
        verbose_name_plural = _("Benutzte ALTCHA-Aufgaben")

    def __str__(self):
        return self.nonce[:8]


def public_comment_count():
    """A listing's column (blog/listings.py, registered in CommentsConfig.ready): the number of public
    comments of each post, what `{% count_comments %}` counts, computed by the listing's own query."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Cast, Coalesce

    from blog.models import BlogPostPage

    # The content type by its name, not its id: listings' SQL is compiled once per connection
    # (core.compiled), and an id written into it would outlive a flush that renumbers content types.
    post_type = ContentType.objects.filter(
        app_label=BlogPostPage._meta.app_label, model=BlogPostPage._meta.model_name
    ).values("pk")
    counted = (
        PostComment.norel_objects.filter(
            content_type=Subquery(post_type),
            object_pk=Cast(OuterRef("pk"), models.CharField()),
            is_public=True,
        )
        .order_by()
        .values("content_type")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
