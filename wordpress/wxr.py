"""Streaming reader for WordPress eXtended RSS (WXR 1.1 and 1.2) files.

The file is read with `iterparse`: each author, category, tag and item is turned into a small dict and
its element is dropped at once, so memory stays flat however large the export is. defusedxml refuses
DTDs and entity declarations (no billion laughs, no external entities).
"""

import html
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from django.utils.translation import gettext as _

SUPPORTED_VERSIONS = {"1.1", "1.2"}

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
WP_NS_PATTERN = re.compile(r"^http://wordpress\.org/export/(?P<version>[\d.]+)/(?P<excerpt>excerpt/)?$")


class WXRError(Exception):
    """The file cannot be read as a WordPress export; the message is for the editor (German)."""


@dataclass
class Author:
    wp_id: str
    login: str
    email: str
    display_name: str
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    wp_id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class Comment:
    wp_id: str
    author: str
    email: str
    url: str
    ip: str
    date: str
    date_gmt: str
    content: str
    approved: str
    comment_type: str
    parent_id: str


@dataclass
class Item:
    wp_id: str
    post_type: str
    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    comment_status: str = ""
    password: str = ""
    slug: str = ""
    status: str = ""
    parent_id: str = ""
    attachment_url: str = ""
    categories: list = field(default_factory=list)  # [(slug, name)]
    tags: list = field(default_factory=list)  # [(slug, name)]: <category domain="post_tag">
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


def clean_text(value):
    """XML text as a plain string: entities that WordPress left in (&#8211;, &amp;auml;) decoded once."""
    return html.unescape((value or "").strip())


def local_name(tag):
    """'{http://wordpress.org/export/1.2/}post_id' → ('wp', 'post_id')."""
    if not tag.startswith("{"):
        return "", tag
    uri, name = tag[1:].split("}", 1)
    if uri == CONTENT_NS:
        return "content", name
    if uri == DC_NS:
        return "dc", name
    match = WP_NS_PATTERN.match(uri)
    if match:
        return ("excerpt" if match["excerpt"] else "wp"), name
    return uri, name


def child_texts(element):
    """The direct children of an element as {(prefix, name): text} (last one wins)."""
    return {local_name(child.tag): child.text or "" for child in element}


def parse_author(element):
    texts = child_texts(element)
    get = lambda name: texts.get(("wp", name), "")  # noqa: E731
    login = get("author_login").strip()
    return Author(
        wp_id=get("author_id").strip(),
        login=login,
        email=get("author_email").strip(),
        display_name=clean_text(get("author_display_name")) or login,
        first_name=clean_text(get("author_first_name")),
        last_name=clean_text(get("author_last_name")),
    )


def parse_category(element):
    texts = child_texts(element)
    get = lambda name: texts.get(("wp", name), "")  # noqa: E731
    return Term(
        wp_id=get("term_id").strip(),
        slug=get("category_nicename").strip(),
        name=clean_text(get("cat_name")),
        parent_slug=get("category_parent").strip(),
        description=clean_text(get("category_description")),
    )


def parse_tag(element):
    """A <wp:tag> of the channel's term list (WordPress lists every tag there with its id)."""
    texts = child_texts(element)
    get = lambda name: texts.get(("wp", name), "")  # noqa: E731
    return Term(
        wp_id=get("term_id").strip(),
        slug=get("tag_slug").strip(),
        name=clean_text(get("tag_name")),
        description=clean_text(get("tag_description")),
    )


def parse_comment(element):
    texts = child_texts(element)
    get = lambda name: texts.get(("wp", name), "")  # noqa: E731
    return Comment(
        wp_id=get("comment_id").strip(),
        author=clean_text(get("comment_author")),
        email=get("comment_author_email").strip(),
        url=get("comment_author_url").strip(),
        ip=get("comment_author_IP").strip(),
        date=get("comment_date").strip(),
        date_gmt=get("comment_date_gmt").strip(),
        content=get("comment_content"),
        approved=get("comment_approved").strip(),
        comment_type=get("comment_type").strip(),
        parent_id=get("comment_parent").strip() or "0",
    )


def parse_item(element):
    item = Item(wp_id="", post_type="")
    for child in element:
        prefix, name = local_name(child.tag)
        text = child.text or ""
        if prefix == "" and name == "title":
            item.title = clean_text(text)
        elif prefix == "" and name == "link":
            item.link = text.strip()
        elif prefix == "" and name == "category":
            term = (child.get("nicename", "").strip(), clean_text(text))
            if child.get("domain") == "category":
                item.categories.append(term)
            elif child.get("domain") == "post_tag":
                item.tags.append(term)
        elif prefix == "dc" and name == "creator":
            item.creator = text.strip()
        elif prefix == "content" and name == "encoded":
            item.content = text
        elif prefix == "excerpt" and name == "encoded":
            item.excerpt = text
        elif prefix == "wp":
            if name == "post_id":
                item.wp_id = text.strip()
            elif name == "post_type":
                item.post_type = text.strip()
            elif name == "post_date":
                item.post_date = text.strip()
            elif name == "post_date_gmt":
                item.post_date_gmt = text.strip()
            elif name == "comment_status":
                item.comment_status = text.strip()
            elif name == "post_password":
                item.password = text.strip()
            elif name == "post_name":
                item.slug = text.strip()
            elif name == "status":
                item.status = text.strip()
            elif name == "post_parent":
                item.parent_id = text.strip()
            elif name == "attachment_url":
                item.attachment_url = text.strip()
            elif name == "postmeta":
                meta = child_texts(child)
                key = meta.get(("wp", "meta_key"), "").strip()
                if key:
                    item.meta[key] = meta.get(("wp", "meta_value"), "")
            elif name == "comment":
                item.comments.append(parse_comment(child))
    return item


def read_wxr(path):
    """Yield ('version', str), ('author', Author), ('category', Term), ('tag', Term) and ('item', Item) in
    file order.

    Raises WXRError with a German message for a file that is not well-formed XML (with line and column),
    forbidden XML constructs, or a file that is not a WordPress export.
    """
    depth = 0
    channel = None
    version_seen = False
    try:
        for event, element in iterparse(path, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth == 1 and local_name(element.tag) != ("", "rss"):
                    raise WXRError(
                        _("Die Datei ist keine WordPress-Exportdatei (WXR): das Wurzelelement ist nicht <rss>.")
                    )
                if depth == 2 and local_name(element.tag) == ("", "channel"):
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            # A direct child of <channel> is complete: turn it into data, then drop it.
            prefix, name = local_name(element.tag)
            if prefix == "wp" and name == "wxr_version":
                version = (element.text or "").strip()
                if version not in SUPPORTED_VERSIONS:
                    raise WXRError(
                        _("Unbekannte WXR-Version „%(version)s“: unterstützt werden %(supported)s.")
                        % {"version": version, "supported": ", ".join(sorted(SUPPORTED_VERSIONS))}
                    )
                version_seen = True
                yield "version", version
            elif (prefix == "wp" and name in {"author", "category", "tag"}) or (prefix == "" and name == "item"):
                if not version_seen:
                    raise WXRError(_("Die Datei ist keine WordPress-Exportdatei (WXR): <wp:wxr_version> fehlt."))
                if name == "author":
                    yield "author", parse_author(element)
                elif name == "category":
                    yield "category", parse_category(element)
                elif name == "tag":
                    yield "tag", parse_tag(element)
                else:
                    yield "item", parse_item(element)
            channel.clear()
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        raise WXRError(
            _("Die Datei ist kein gültiges XML: Zeile %(line)s, Spalte %(column)s (%(reason)s).")
            % {"line": line, "column": column, "reason": reason}
        ) from error
    except DefusedXmlException as error:
        raise WXRError(
            _(
                "Die Datei enthält eine DTD oder Entity-Deklarationen; das ist in WordPress-Exporten nicht "
                "vorgesehen und wird aus Sicherheitsgründen abgelehnt."
            )
        ) from error
    except OSError as error:
        raise WXRError(
            _("Die Datei kann nicht gelesen werden: %(reason)s.") % {"reason": error.strerror or error}
        ) from error
    if not version_seen:
        raise WXRError(_("Die Datei ist keine WordPress-Exportdatei (WXR): <wp:wxr_version> fehlt."))
