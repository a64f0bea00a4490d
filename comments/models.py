"""Reader comments (django-comments-xtd's model, extended) and the moderation rules."""

from django_comments_xtd.models import XtdComment

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class PostComment(XtdComment):
    """A reader's comment on a post.

    The moderation state follows django-comments-xtd's own flags, plus one of ours:
    held ("Ausstehend") = not public, not removed; approved ("Freigegeben") = public;
    spam = removed and marked as spam; trash ("Papierkorb") = removed, not spam.
    """

    is_spam = models.BooleanField(_("Spam"), default=False, db_index=True)
    is_moderator_reply = models.BooleanField(_("Antwort der Moderation"), default=False)

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")


@register_setting(icon="comment")
class CommentSettings(BaseSiteSetting):
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
            "Nur wenn nicht jeder Kommentar zurückgehalten wird: Kommentare von Personen mit demselben "
            "Namen und derselben E-Mail-Adresse, die schon einen freigegebenen Kommentar haben, erscheinen sofort."
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
