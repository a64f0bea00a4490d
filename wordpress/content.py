"""WordPress post HTML → the blocks of a post body.

WordPress stores a post as HTML with Gutenberg block comments, shortcodes and, in older posts,
bare text whose blank lines mean paragraphs (wpautop). This turns it into a list of
`(block_type, value)` pairs for `BlogPostPage.body`: paragraphs (sanitised rich text: bold, italic,
links, lists, line breaks), headings, images, quotes. Scripts, styles, iframes and every attribute we
do not know are dropped; the rich text is rebuilt from scratch, never passed through.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

GUTENBERG_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
CAPTION_SHORTCODE = re.compile(r"\[caption\b([^\]]*)\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
CAPTION_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE)
GALLERY_SHORTCODE = re.compile(r"\[gallery\b([^\]]*)\]", re.IGNORECASE)
EMBED_SHORTCODE = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.DOTALL | re.IGNORECASE)
PAIRED_SHORTCODE = re.compile(r"\[([a-zA-Z][\w-]*)\b[^\]]*\](.*?)\[/\1\]", re.DOTALL)
SINGLE_SHORTCODE = re.compile(r"\[/?([a-zA-Z][\w-]*)((?:\s+[^\]]*)?)/?\]")
SHORTCODE_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
# Shortcodes of WordPress core and common plugins; any other "[word]" is only removed when it has
# attributes, so that text such as "[sic]" or "[1]" survives.
KNOWN_SHORTCODES = {"audio", "video", "playlist", "gallery", "embed", "caption", "wp_caption", "more", "nextpage"}
WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
BLANK_LINE = re.compile(r"\n\s*\n")
ONLY_URL = re.compile(r"^https?://\S+$")
WHITESPACE = re.compile(r"\s+")
# Text that still holds an entity after parsing was encoded twice by WordPress or a plugin ("&amp;auml;").
LEFTOVER_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,31});")

DROPPED_TAGS = {
    "script", "style", "noscript", "template", "object", "embed", "applet", "form", "input", "button",
    "select", "textarea", "svg", "math", "head", "title", "meta", "link", "base", "canvas", "audio",
    "video", "source", "track", "map", "frameset", "frame",
}  # fmt: skip
TRANSPARENT_TAGS = {
    "div", "section", "article", "main", "header", "footer", "aside", "nav", "center", "body", "html",
    "details", "summary", "dl", "figure", "picture",
}  # fmt: skip
INLINE_RENAMES = {"strong": "b", "b": "b", "em": "i", "i": "i"}
LIST_TAGS = {"ul", "ol", "li"}
SAFE_LINK_SCHEMES = {"", "http", "https", "mailto", "tel"}


@dataclass
class ImageRef:
    """An image in the post: the attachment id when WordPress knew it, else only its address."""

    attachment_id: str = ""
    src: str = ""
    caption: str = ""


@dataclass
class Conversion:
    blocks: list = field(default_factory=list)  # [(type, value)], images as ImageRef
    warnings: list = field(default_factory=list)


def shortcode_attributes(text):
    return {match[1].lower(): match[2] or match[3] or match[4] or "" for match in SHORTCODE_ATTRIBUTE.finditer(text)}


def expand_shortcodes(content, gallery_ids=()):
    """Turn the shortcodes we understand into HTML and strip the rest, keeping their inner text."""

    def caption(match):
        attributes = shortcode_attributes(match[1])
        attachment_id = attributes.get("id", "").removeprefix("attachment_")
        image_match = CAPTION_IMAGE.match(match[2])
        if not image_match:
            return match[2]
        text = attributes.get("caption") or image_match[2]
        return (
            f'<figure data-wp-attachment="{html.escape(attachment_id)}">{image_match[1]}'
            f"<figcaption>{text}</figcaption></figure>"
        )

    def gallery(match):
        ids = [value.strip() for value in shortcode_attributes(match[1]).get("ids", "").split(",") if value.strip()]
        ids = ids or list(gallery_ids)
        images = "".join(f'<img data-wp-attachment="{html.escape(value)}">' for value in ids)
        return f"<div>{images}</div>"

    def embed(match):
        url = html.escape(match[1].strip())
        return f'<p><a href="{url}">{url}</a></p>'

    content = CAPTION_SHORTCODE.sub(caption, content)
    content = GALLERY_SHORTCODE.sub(gallery, content)
    content = EMBED_SHORTCODE.sub(embed, content)
    for _round in range(5):  # nested paired shortcodes, innermost last
        content, count = PAIRED_SHORTCODE.subn(lambda match: match[2], content)
        if not count:
            break

    def single(match):
        name, attributes = match[1].lower(), match[2]
        if name in KNOWN_SHORTCODES or "=" in attributes or match[0].endswith("/]"):
            return ""
        return match[0]

    return SINGLE_SHORTCODE.sub(single, content)


def safe_href(href):
    href = (href or "").strip()
    if not href or any(ord(char) < 32 for char in href):
        return None
    try:
        scheme = urlparse(href).scheme.lower()
    except ValueError:
        return None
    return href if scheme in SAFE_LINK_SCHEMES else None


def repair_entities(text):
    return html.unescape(text) if LEFTOVER_ENTITY.search(text) else text


def plain_text(node):
    return WHITESPACE.sub(" ", repair_entities(node.get_text(" "))).strip()


def text_of_html(markup):
    """Visible text of a rich-text fragment (to drop paragraphs that would be empty)."""
    return WHITESPACE.sub(" ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


class BodyConverter:
    def __init__(self, gallery_ids=()):
        self.gallery_ids = gallery_ids
        self.result = Conversion()
        self.buffer = []  # serialised inline HTML of the paragraph being collected
        self.pending_images = []  # images met inside the paragraph being collected

    def convert(self, content):
        content = GUTENBERG_COMMENT.sub("", content or "")
        content = expand_shortcodes(content, self.gallery_ids)
        soup = BeautifulSoup(content, "html.parser")
        self.walk(soup)
        self.flush()
        return self.result

    # --- Block level ------------------------------------------------------------------------

    def walk(self, parent):
        for node in list(parent.children):
            self.block(node)

    def block(self, node):
        if isinstance(node, Comment | ProcessingInstruction | Declaration | Doctype):
            return
        if isinstance(node, NavigableString):
            self.buffer.append(html.escape(repair_entities(str(node)), quote=False))
            return
        if not isinstance(node, Tag):
            return
        name = node.name.lower()
        if name in DROPPED_TAGS:
            return
        if name == "iframe":
            src = safe_href(node.get("src"))
            if src and src.startswith(("http://", "https://")):
                self.flush()
                self.link_paragraph(src)
            return
        if name in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.flush()
            images = self.extract_images(node)
            text = plain_text(node)
            if text:
                self.add("heading", {"text": text, "size": "h2" if name in {"h1", "h2"} else "h3"})
            self.add_images(images)
        elif name in {"p", "dt", "dd", "address"}:
            self.flush()
            images = self.extract_images(node)
            self.add_paragraph(self.inline(node).replace("\n", " "))
            self.add_images(images)
        elif name in {"ul", "ol"}:
            self.flush()
            images = self.extract_images(node)
            self.add_paragraph(f"<{name}>{self.inline(node)}</{name}>".replace("\n", " "))
            self.add_images(images)
        elif name == "blockquote":
            self.flush()
            self.quote(node)
        elif name == "img":
            self.flush()
            self.add_images([self.image_ref(node)])
        elif name == "figure" and node.find("img") and not node.find("figure"):
            self.flush()
            caption = node.find("figcaption")
            caption_text = plain_text(caption) if caption else ""
            if caption:
                caption.decompose()
            for image in node.find_all("img"):
                self.add_images([self.image_ref(image, caption_text)])
        elif name == "figcaption":
            self.flush()
            self.add_paragraph(self.inline(node))
        elif name == "table":
            self.flush()
            for row in node.find_all("tr"):
                cells = [plain_text(cell) for cell in row.find_all(["td", "th"])]
                self.add_paragraph(html.escape(" | ".join(cell for cell in cells if cell), quote=False))
        elif name == "pre":
            self.flush()
            self.add_paragraph(html.escape(node.get_text(), quote=False).strip("\n").replace("\n", "<br/>"))
        elif name == "hr":
            self.flush()
            self.add("paragraph", "<hr/>")
        elif name in TRANSPARENT_TAGS:
            self.flush()
            self.walk(node)
            self.flush()
        else:
            # Inline markup between paragraphs (classic editor): part of the paragraph being collected.
            images = self.extract_images(node)
            if images and not plain_text(node):
                self.flush()
                self.add_images(images)
                return
            self.pending_images += images
            self.buffer.append(self.inline_tag(node))

    def flush(self):
        """End the paragraph being collected: blank lines split it (wpautop), single newlines break lines."""
        markup, self.buffer = "".join(self.buffer), []
        for chunk in BLANK_LINE.split(markup):
            self.add_paragraph(chunk.strip().replace("\n", "<br/>"))
        images, self.pending_images = self.pending_images, []
        self.add_images(images)

    # --- Blocks -----------------------------------------------------------------------------

    def add(self, block_type, value):
        self.result.blocks.append((block_type, value))

    def add_paragraph(self, markup):
        markup = markup.strip()
        while markup.startswith("<br/>"):
            markup = markup[5:].strip()
        while markup.endswith("<br/>"):
            markup = markup[:-5].strip()
        text = text_of_html(markup)
        if not text:
            return
        if "<a " not in markup and ONLY_URL.match(text) and safe_href(text):
            self.link_paragraph(text)
            return
        if not markup.startswith(("<ul>", "<ol>")):
            markup = f"<p>{markup}</p>"
        self.add("paragraph", markup)

    def link_paragraph(self, url):
        escaped = html.escape(url)
        self.add("paragraph", f'<p><a href="{escaped}">{escaped}</a></p>')

    def add_images(self, images):
        for image in images:
            self.add("image", image)

    def quote(self, node):
        attribution = ""
        for cite in node.find_all(["cite", "footer"]):
            attribution = attribution or plain_text(cite)
            cite.decompose()
        images = self.extract_images(node)
        paragraphs = [plain_text(paragraph) for paragraph in node.find_all("p")]
        text = "\n\n".join(paragraph for paragraph in paragraphs if paragraph) or plain_text(node)
        if text:
            self.add("quote", {"text": text, "attribution": attribution})
        self.add_images(images)

    # --- Images -----------------------------------------------------------------------------

    def image_ref(self, image, caption=""):
        attachment_id = image.get("data-wp-attachment", "")
        if not attachment_id:
            match = WP_IMAGE_CLASS.search(" ".join(image.get("class", [])))
            attachment_id = match[1] if match else ""
        return ImageRef(attachment_id=attachment_id, src=(image.get("src") or "").strip(), caption=caption)

    def extract_images(self, node):
        images = []
        for image in node.find_all("img"):
            images.append(self.image_ref(image))
            image.decompose()
        return images

    # --- Inline rich text -------------------------------------------------------------------

    def inline(self, node):
        return "".join(self.inline_node(child) for child in node.children)

    def inline_node(self, node):
        if isinstance(node, Comment | ProcessingInstruction | Declaration | Doctype):
            return ""
        if isinstance(node, NavigableString):
            return html.escape(repair_entities(str(node)), quote=False)
        if isinstance(node, Tag):
            return self.inline_tag(node)
        return ""

    def inline_tag(self, node):
        name = node.name.lower()
        if name in DROPPED_TAGS or name in {"iframe", "img"}:
            return ""
        if name == "br":
            return "<br/>"
        inner = self.inline(node)
        if name in INLINE_RENAMES:
            tag = INLINE_RENAMES[name]
            return f"<{tag}>{inner}</{tag}>" if text_of_html(inner) else inner
        if name == "a":
            href = safe_href(node.get("href"))
            if href and text_of_html(inner):
                return f'<a href="{html.escape(href)}">{inner}</a>'
            return inner
        if name in LIST_TAGS:
            return f"<{name}>{inner}</{name}>"
        if name in {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}:
            # Block markup inside a list item or link: keep the text apart.
            return f" {inner} "
        return inner


def convert_body(content, gallery_ids=()):
    """The blocks of a post from its WordPress HTML (images as ImageRef, resolved by the importer)."""
    return BodyConverter(gallery_ids).convert(content)


def html_to_plain_text(markup):
    """Comment text and excerpts: WordPress allows a little HTML; we keep the text and its line breaks."""
    soup = BeautifulSoup(GUTENBERG_COMMENT.sub("", markup or ""), "html.parser")
    for dropped in soup.find_all(list(DROPPED_TAGS | {"iframe"})):
        dropped.decompose()
    for line_break in soup.find_all("br"):
        line_break.replace_with("\n")
    for paragraph in soup.find_all("p"):
        paragraph.insert_before("\n\n")
        paragraph.insert_after("\n\n")
    text = repair_entities(soup.get_text())
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
