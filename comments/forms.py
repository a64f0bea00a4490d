"""The comment form readers fill in under a post: django-comments-xtd's form with German fields,
our checks (minimum time, parent comment, clean text) and the hidden field of the ALTCHA challenge.

The spam challenge (comments/captcha.py) never makes the form invalid: a comment without a solved
challenge is held for moderation by the view, so the form works without JavaScript. With
`COMMENTS_CAPTCHA=recaptcha` the form has no field of its own for it: Google's script, loaded after the
reader's click, adds its `g-recaptcha-response` field, which the view hands to comments/captcha.py.
"""

import re
import time

from django_comments.forms import DEFAULT_COMMENTS_TIMEOUT
from django_comments_xtd.forms import XtdCommentForm
from django_comments_xtd.models import max_thread_level_for_content_type

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator, RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.form_rendering import PythonWidgetRenderer

from . import captcha
from .models import PostComment, ReportReason
from .utils import name_words, normalize_text, without_invisible_characters

NAME_MAX_LENGTH = 50  # django_comments' user_name column
EMAIL_MAX_LENGTH = 254  # its user_email column
URL_MAX_LENGTH = 200  # its user_url column

REQUIRED_MESSAGES = {
    "comment": _("Bitte schreibe einen Kommentar."),
    "name": _("Bitte gib deinen Namen ein."),
    "email": _("Bitte gib deine E-Mail-Adresse ein."),
}
# Messages next to a field say what to change; those above the form (TOO_FAST, FORM_EXPIRED,
# HONEYPOT_FILLED, the reply ones) also say that nothing was saved and that the text is still there.
INVALID_EMAIL = _("Bitte gib eine gültige E-Mail-Adresse ein, zum Beispiel name@example.org.")
INVALID_URL = _(
    "Bitte gib eine gültige Adresse ein, zum Beispiel https://www.example.org, oder lass das Feld leer: "
    "die Website ist freiwillig."
)
CONTROL_CHARACTERS = _(
    "Der Text enthält unsichtbare Steuerzeichen, wie sie beim Einfügen aus manchen Programmen entstehen. "
    "Bitte füge den Text als reinen Text ein oder tippe ihn neu."
)
# C0 and C1 control characters and DEL, except tab and the line breaks: nothing a reader types, only what
# pasting from some programs (or an attacker) sends. XML cannot carry most of them, terminals obey them.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]")


def refuse_control_characters(message):
    return RegexValidator(CONTROL_CHARACTER, message=message, code="control", inverse_match=True)


BROKEN_ENCODING = _(
    "Der Text enthält ungültige Zeichen (keine gültige UTF-8-Kodierung). Die betroffenen Stellen sind im Feld "
    "als � zu sehen: bitte lösche oder ersetze sie."
)
TOO_FAST = _(
    "Das ging sehr schnell. Dein Kommentar kam so kurz nach dem Laden der Seite an, wie es sonst nur "
    "Spam-Programme schaffen, und wurde deshalb noch nicht gespeichert. Dein Text ist noch da: bitte prüfe "
    "ihn und sende ihn dann noch einmal."
)
FORM_EXPIRED = _(
    "Das Formular ist abgelaufen oder wurde verändert. Dein Kommentar wurde deshalb noch nicht gespeichert, "
    "aber dein Text ist noch da: bitte sende ihn einfach noch einmal."
)
HONEYPOT_FILLED = _(
    "Dein Kommentar wurde noch nicht gespeichert: ein verstecktes Feld, das leer bleiben muss, war "
    "ausgefüllt, vielleicht von der Ausfüllhilfe deines Browsers. Jetzt ist es wieder leer, und dein Text ist "
    "noch da: bitte sende den Kommentar noch einmal."
)
PARENT_INVALID = _(
    "Auf diesen Kommentar kann nicht geantwortet werden, vielleicht ist er nicht (mehr) freigeschaltet. "
    "Deine Antwort wurde deshalb noch nicht gespeichert, aber dein Text ist noch da: du kannst ihn als "
    "eigenen Kommentar senden."
)
NAME_RESERVED = _(
    "Dieser Name ist der Redaktion vorbehalten; ihre Antworten tragen das Zeichen „Redaktion“. "
    "Bitte wähle einen anderen Namen."
)
# Words only the editorial staff's replies carry (they are marked "Redaktion" by the site itself); a name
# containing one of them, however it is spelled, is refused.
RESERVED_NAME_WORDS = name_words("Redaktion Moderation Moderator Moderatorin Admin Administrator Administratorin")
PARENT_TOO_DEEP = _(
    "Auf diesen Kommentar kann nicht mehr geantwortet werden: die Diskussion ist hier zu tief verschachtelt. "
    "Deine Antwort wurde deshalb noch nicht gespeichert, aber dein Text ist noch da: du kannst ihn als "
    "eigenen Kommentar senden."
)

# What the reader typed (kept when the form has to be sent again).
TYPED_FIELDS = ("comment", "name", "email", "url", "reply_to")
# Fields whose errors mean the form itself (not what the reader typed) must be sent again.
SECURITY_FIELDS = ("content_type", "object_pk", "timestamp", "security_hash")


def minimum_seconds():
    return settings.COMMENTS_MIN_SECONDS


class AltchaInput(forms.HiddenInput):
    """The hidden field altcha.js fills with its solution. Never rendered with a value: a solution sent
    back with a refused form may be stale, and the page with the form may come from the shared cache."""

    def format_value(self, value):
        return None


def clean_text_validators(max_length=None):
    validators = [refuse_control_characters(CONTROL_CHARACTERS)]
    if max_length:
        validators.append(
            MaxLengthValidator(
                max_length,
                message=_(
                    "Dein Text ist zu lang: höchstens %(limit_value)d Zeichen sind erlaubt, es sind "
                    "%(show_value)d. Bitte kürze ihn."
                ),
            )
        )
    return validators


def comment_text_field():
    """The "Kommentar" field: the same limits and messages under a new comment and in the writer's own edit."""
    max_length = settings.COMMENTS_MAX_LENGTH
    return forms.CharField(
        label=_("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45, "maxlength": max_length}),
        validators=clean_text_validators(max_length),
        error_messages={"required": REQUIRED_MESSAGES["comment"]},
    )


def reject_broken_encoding(value):
    # Django decodes invalid UTF-8 in the request body to U+FFFD.
    if "\ufffd" in value:
        raise forms.ValidationError(BROKEN_ENCODING, code="encoding")
    return value


def clean_comment_text(value):
    """A comment's text as stored: line endings unified, trimmed; empty and broken encoding refused."""
    text = normalize_text(value)
    if not text:
        raise forms.ValidationError(REQUIRED_MESSAGES["comment"], code="required")
    return reject_broken_encoding(text)


class OwnCommentEditForm(forms.Form):
    """The writer's change of their own comment (comments/edit_views.py): only the text, checked exactly
    like the text of a new comment. Name, address and website stay as they were sent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, like PostCommentForm's: the length limit is a setting.
        self.fields["comment"] = comment_text_field()

    def clean_comment(self):
        return clean_comment_text(self.cleaned_data["comment"])


class PostCommentForm(XtdCommentForm):
    """Kommentar, Name, E-Mail, Website, the remember-me box, the reply-notification box; hidden: the anti-spoofing fields,
    the parent comment (`reply_to`) and a honeypot."""

    # Under every post: its eleven widgets written in Python, as Django's templates write them.
    default_renderer = PythonWidgetRenderer()
    field_order = ["comment", "name", "email", "url", "remember", "notify_replies", "honeypot", "reply_to", "altcha"]

    def __init__(self, target_object, data=None, initial=None, **kwargs):
        super().__init__(target_object, data=data, initial=initial, **kwargs)
        # Rebuilt rather than patched: xtd's fields carry placeholders, Bootstrap classes and
        # English messages; ours carry German labels, `required` and autocomplete hints.
        self.fields["comment"] = comment_text_field()
        self.fields["name"] = forms.CharField(
            label=_("Name"),
            widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX_LENGTH}),
            validators=clean_text_validators(NAME_MAX_LENGTH),
            error_messages={"required": REQUIRED_MESSAGES["name"]},
        )
        self.fields["email"] = forms.EmailField(
            label=_("E-Mail"),
            max_length=EMAIL_MAX_LENGTH,
            widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": EMAIL_MAX_LENGTH}),
            validators=clean_text_validators(),
            error_messages={
                "required": REQUIRED_MESSAGES["email"],
                "invalid": INVALID_EMAIL,
                "max_length": INVALID_EMAIL,
            },
        )
        self.fields["url"] = forms.URLField(
            label=_("Website"),
            required=False,
            assume_scheme="https",
            widget=forms.URLInput(attrs={"autocomplete": "url", "maxlength": URL_MAX_LENGTH}),
            validators=clean_text_validators(URL_MAX_LENGTH),
            error_messages={"invalid": INVALID_URL},
        )
        self.fields["remember"] = forms.BooleanField(
            label=_(
                "Meinen Namen, meine E-Mail-Adresse und meine Website in diesem Browser "
                "für die nächste Kommentierung speichern."
            ),
            required=False,
        )
        self.fields["notify_replies"] = forms.BooleanField(
            label=_("Benachrichtige mich über Antworten"),
            help_text=_(
                "Du bekommst zuerst eine E-Mail mit einem Bestätigungslink; erst danach schreiben wir dir, wenn "
                "eine Antwort freigegeben wird. Abbestellen geht mit einem Klick in jeder E-Mail."
            ),
            required=False,
            widget=forms.CheckboxInput(attrs={"aria-describedby": "id_notify_replies_help"}),
        )
        self.fields["honeypot"] = forms.CharField(
            label=_("Bitte dieses Feld leer lassen"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        self.fields["reply_to"] = forms.IntegerField(
            required=False,
            initial=0,
            min_value=0,
            max_value=2**53,
            widget=forms.HiddenInput,
            error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), PARENT_INVALID),
        )
        # No follow-up e-mails: their mute links would carry the address in a readable payload.
        self.fields.pop("followup", None)
        if captcha.mode() == captcha.ALTCHA:
            # Not required and never checked here: the view holds a comment without a valid solution.
            self.fields[captcha.ALTCHA_FIELD] = forms.CharField(
                required=False,
                widget=AltchaInput(
                    attrs={
                        "data-altcha-challenge": reverse("comments-altcha-challenge"),
                        "data-altcha-lifetime": captcha.CHALLENGE_SECONDS,
                    }
                ),
            )
        self.order_fields(self.field_order)

    # --- Anti-spoofing, spam traps --------------------------------------------------------

    def clean_timestamp(self):
        timestamp = self.cleaned_data["timestamp"]
        age = time.time() - timestamp
        if age > DEFAULT_COMMENTS_TIMEOUT or age < -60:
            raise forms.ValidationError(FORM_EXPIRED, code="expired")
        if age < minimum_seconds():
            raise forms.ValidationError(TOO_FAST, code="too_fast")
        return timestamp

    def clean_security_hash(self):
        try:
            return super().clean_security_hash()
        except forms.ValidationError as error:
            raise forms.ValidationError(FORM_EXPIRED, code="forged") from error

    def clean_honeypot(self):
        if self.cleaned_data["honeypot"]:
            raise forms.ValidationError(HONEYPOT_FILLED, code="honeypot")
        return ""

    # --- What the reader typed -----------------------------------------------------------

    def clean_comment(self):
        return clean_comment_text(self.cleaned_data["comment"])

    def clean_name(self):
        name = self._reject_broken_encoding(" ".join(without_invisible_characters(self.cleaned_data["name"]).split()))
        if not name:
            raise forms.ValidationError(REQUIRED_MESSAGES["name"], code="required")
        if name_words(name) & RESERVED_NAME_WORDS:
            raise forms.ValidationError(NAME_RESERVED, code="reserved")
        return name

    def clean_email(self):
        return self._reject_broken_encoding(self.cleaned_data["email"])

    def clean_url(self):
        return self._reject_broken_encoding(self.cleaned_data["url"])

    @staticmethod
    def _reject_broken_encoding(value):
        return reject_broken_encoding(value)

    def clean_reply_to(self):
        """A reply's parent: a published comment on the same post, not at the deepest level."""
        parent_id = self.cleaned_data["reply_to"] or 0
        if not parent_id:
            return 0
        content_type = ContentType.objects.get_for_model(self.target_object)
        parent = (
            PostComment.norel_objects.filter(
                pk=parent_id,
                content_type=content_type,
                object_pk=str(self.target_object.pk),
                is_public=True,
                is_removed=False,
            )
            .only("pk", "level", "thread_id")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(PARENT_INVALID, code="parent")
        if parent.level >= max_thread_level_for_content_type(content_type):
            raise forms.ValidationError(PARENT_TOO_DEEP, code="too_deep")
        self.parent_comment = parent
        return parent_id

    def clean(self):
        cleaned_data = super().clean()
        cleaned_data["followup"] = False
        return cleaned_data

    # --- Helpers for the view ------------------------------------------------------------

    def has_security_error(self):
        """The form must be sent again (expired, forged): not the reader's fault, nor fixable by them."""
        return any(field in self.errors and not self.has_error(field, "too_fast") for field in SECURITY_FIELDS)

    def with_fresh_security_data(self):
        """An unbound form with what the reader typed and a new timestamp and hash, so sending it
        again works (unbound: rendering it validates nothing)."""
        typed = {name: self.data.get(name) for name in TYPED_FIELDS if self.data.get(name) is not None}
        typed["remember"] = bool(self.data.get("remember"))
        typed["notify_replies"] = bool(self.data.get("notify_replies"))
        return type(self)(self.target_object, initial=typed)


REPORT_CONTROL_CHARACTERS = _(
    "Der Text enthält unsichtbare Steuerzeichen, wie sie beim Einfügen aus manchen Programmen entstehen. "
    "Bitte fügen Sie den Text als reinen Text ein oder tippen Sie ihn neu."
)
REPORT_TEXT_VALIDATORS = [refuse_control_characters(REPORT_CONTROL_CHARACTERS)]


class ReportForm(forms.Form):
    """A reader's report of a comment; for "rechtswidriger Inhalt" the notice fields of DSA Art. 16."""

    reason = forms.ChoiceField(
        label=_("Warum melden Sie diesen Kommentar?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=3000,
        validators=REPORT_TEXT_VALIDATORS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Bei rechtswidrigem Inhalt Pflicht: warum ist der Inhalt aus Ihrer Sicht rechtswidrig?"),
    )
    location = forms.CharField(
        label=_("Wo genau steht es?"),
        required=False,
        max_length=500,
        validators=REPORT_TEXT_VALIDATORS,
        help_text=_("Zum Beispiel der Satz, um den es geht."),
    )
    reporter_name = forms.CharField(
        label=_("Ihr Name (freiwillig)"), required=False, max_length=100, validators=REPORT_TEXT_VALIDATORS
    )
    reporter_email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse (freiwillig)"),
        required=False,
        help_text=_("Nur für die Eingangsbestätigung und unsere Entscheidung; nie veröffentlicht."),
    )
    good_faith = forms.BooleanField(
        label=_("Ich bin in gutem Glauben davon überzeugt, dass meine Angaben richtig und vollständig sind."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == ReportReason.ILLEGAL:
            if not (data.get("explanation") or "").strip():
                self.add_error("explanation", _("Bitte begründen Sie, warum der Inhalt rechtswidrig ist."))
            if not data.get("good_faith"):
                self.add_error("good_faith", _("Bitte bestätigen Sie, dass Sie in gutem Glauben melden."))
        return data
