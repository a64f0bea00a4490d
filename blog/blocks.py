"""StreamField blocks of a post body. Each renders through `templates/blocks/<name>.html`."""

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


class PostBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Absatz"), features=PARAGRAPH_FEATURES, template="blocks/paragraph.html")
    heading = HeadingBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(label=_("Einbettung"), icon="media", template="blocks/embed.html")
    info_box = InfoBoxBlock()
    document = DocumentBlock()
