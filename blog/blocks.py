"""StreamField blocks of a post body. Each renders through `templates/blocks/<name>.html`."""

import re
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "hr"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Überschrift"))
    size = blocks.ChoiceBlock(
        label=_("Ebene"),
        choices=[("h2", _("Zwischenüberschrift (H2)")), ("h3", _("Unterüberschrift (H3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Überschrift")
        template = "blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Bild"))
    caption = blocks.CharBlock(label=_("Bildunterschrift"), required=False)
    credit = blocks.CharBlock(label=_("Bildnachweis"), required=False)

    class Meta:
        icon = "image"
        label = _("Bild")
        template = "blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Zitat"))
    attribution = blocks.CharBlock(label=_("Quelle"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Zitat")
        template = "blocks/quote.html"


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"))
    phone = blocks.CharBlock(label=_("Telefon"), required=False)
    email = blocks.EmailBlock(label=_("E-Mail"), required=False)
    website = blocks.URLBlock(label=_("Website"), required=False)

    class Meta:
        icon = "user"
        label = _("Kontakt")


class InfoBoxBlock(blocks.StructBlock):
    """The "Weitere Informationen" box of the source page: a title, a text and contacts."""

    title = blocks.CharBlock(label=_("Titel"), default=_("Weitere Informationen"))
    text = blocks.RichTextBlock(label=_("Text"), features=PARAGRAPH_FEATURES, required=False)
    contacts = blocks.ListBlock(ContactBlock(), label=_("Kontakte"), min_num=0)

    class Meta:
        icon = "info-circle"
        label = _("Infokasten")
        template = "blocks/info_box.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Dokument"))
    title = blocks.CharBlock(label=_("Linktext"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Dokument zum Herunterladen")
        template = "blocks/document.html"


YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^[0-9]{1,12}$")


def video_player_url(url):
    """The provider's player address for a YouTube or Vimeo link (YouTube's no-cookie domain), or None."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    segments = [segment for segment in parts.path.split("/") if segment]
    if host in ("youtube.com", "youtube-nocookie.com"):
        video_id = parse_qs(parts.query).get("v", [""])[0]
        if segments[:1] in (["embed"], ["shorts"], ["live"]) and len(segments) > 1:
            video_id = segments[1]
    elif host == "youtu.be":
        video_id = segments[0] if segments else ""
    elif host in ("vimeo.com", "player.vimeo.com"):
        video_id = segments[-1] if segments else ""
        if VIMEO_ID.match(video_id):
            return f"https://player.vimeo.com/video/{video_id}?dnt=1"
        return None
    else:
        return None
    if YOUTUBE_ID.match(video_id):
        return f"https://www.youtube-nocookie.com/embed/{video_id}"
    return None


class VideoBlock(blocks.StructBlock):
    """A YouTube or Vimeo video in two clicks: readers see a box with a button; nothing is loaded from the
    provider before they press it (and without JavaScript the box is a link to the video)."""

    url = blocks.URLBlock(label=_("Adresse des Videos"), help_text=_("Ein Link zu YouTube oder Vimeo."))
    title = blocks.CharBlock(label=_("Titel des Videos"))
    caption = blocks.CharBlock(label=_("Bildunterschrift"), required=False)

    class Meta:
        icon = "media"
        label = _("Video (Zwei-Klick)")
        template = "blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if not video_player_url(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Bitte einen Link zu einem YouTube- oder Vimeo-Video angeben."))}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["player_url"] = video_player_url(value.get("url"))
        return context


class PostBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Absatz"), features=PARAGRAPH_FEATURES, template="blocks/paragraph.html")
    heading = HeadingBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(label=_("Einbettung"), icon="media", template="blocks/embed.html")
    video = VideoBlock()
    info_box = InfoBoxBlock()
    document = DocumentBlock()
