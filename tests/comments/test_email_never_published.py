"""The commenter's e-mail address is never published: not as typed, not lower-cased, not as a hash.

Comments with unique addresses are sent through the real form, some are approved, then every
public URL of the site is fetched (the fixed list below, the sitemap and every same-site link
found on the way) by an anonymous reader and by the commenter (who sees their held comments).
Each body (text of PDFs included) and each header is searched for the addresses and their MD5,
SHA-1 and SHA-256 hex digests (Gravatar uses the MD5 of the trimmed, lower-cased address).
"""

import hashlib
import html
import io
import re
import uuid
from collections import deque
from urllib.parse import parse_qs, quote, quote_plus, urljoin, urlsplit

import pypdf
import pytest
from bs4 import BeautifulSoup

from django.contrib.contenttypes.models import ContentType
from django.test import Client

from blog.factories import BlogPostPageFactory
from blog.models import BlogPostPage
from comments.factories import form_data
from comments.models import PostComment, ReplySubscription

from .conftest import approve

CRAWL_LIMIT = 250
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/")
# Comment URLs of django_comments / django-comments-xtd that must not exist or must not leak.
STOCK_COMMENT_PATHS = [
    "/comments/reply/{id}/",
    "/kommentare/reply/{id}/",
    "/comments/api/comment/",
    "/kommentare/api/comment/",
    "/comments/api/blog-blogpostpage/{post}/",
    "/kommentare/api/blog-blogpostpage/{post}/",
    "/comments/cr/{ct}/{post}/",
    "/comments/flag/{id}/",
    "/kommentare/flag/{id}/",
    "/comments/like/{id}/",
    "/comments/sent/?c={id}",
    "/kommentare/sent/?c={id}",
    "/comments/posted/?c={id}",
    "/kommentare/posted/?c={id}",
]


def needles_for(address):
    """Every form in which an address could leak."""
    forms = {address, address.lower(), address.strip().lower(), quote(address), quote(address.lower())}
    needles = set(forms)
    for value in forms:
        for algorithm in ("md5", "sha1", "sha256"):
            needles.add(hashlib.new(algorithm, value.encode()).hexdigest())
    return {needle.lower() for needle in needles}


def readable_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/pdf") or content.startswith(b"%PDF"):
        reader = pypdf.PdfReader(io.BytesIO(content))
        text += "\n".join(page.extract_text() or "" for page in reader.pages)
        text += "\n".join(str(value) for value in (reader.metadata or {}).values())
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    cookies = "\n".join(morsel.OutputString() for morsel in response.cookies.values())
    return content, "\n".join([text, headers, cookies])


def without_echoed_query(path, text):
    """A search page repeats what was searched for: that is the reader's input, not our data."""
    query = parse_qs(urlsplit(path).query).get("q", [""])[0].lower()
    if not query:
        return text
    for echoed in {query, quote(query), quote_plus(query), html.escape(query)}:
        text = text.replace(echoed.lower(), "")
    return text


def links_in(path, content_type, text):
    """Same-site links of an HTML page, feed or sitemap."""
    found = set()
    if "html" in content_type:
        soup = BeautifulSoup(text, "html.parser")
        for tag in soup.find_all(["a", "link", "form", "img", "script", "iframe"]):
            for attribute in ("href", "src", "action"):
                if tag.get(attribute):
                    found.add(tag[attribute])
    elif "xml" in content_type:
        found.update(re.findall(r"<(?:loc|link|id)>([^<]+)</", text))
        found.update(re.findall(r'<link[^>]+href="([^"]+)"', text))
    paths = set()
    for link in found:
        absolute = urljoin(f"http://testserver{path}", link.strip())
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.hostname in ("testserver", "localhost", "127.0.0.1"):
            paths.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def crawl(client, seeds):
    """Fetch every seed and every same-site link found; returns {path: (status, searchable text)}."""
    seen = {}
    queue = deque(seeds)
    while queue and len(seen) < CRAWL_LIMIT:
        path = queue.popleft()
        if path in seen or path.startswith(SKIPPED_PREFIXES):
            continue
        response = client.get(path)
        content, text = readable_text(response)
        seen[path] = (response.status_code, text)
        content_type = response.get("Content-Type", "")
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(urljoin(f"http://testserver{path}", response["Location"]).removeprefix("http://testserver"))
        elif response.status_code == 200:
            queue.extend(links_in(path, content_type, content.decode("utf-8", errors="replace")))
    return seen


@pytest.fixture
def commented_site(post, blog_index, author, category, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    other = BlogPostPageFactory(
        parent=blog_index, title="Zweiter Beitrag", slug="zweiter", authors=[author], categories=[category]
    )
    commenter = Client()
    addresses = []
    comments = []
    for number, target in enumerate([post, post, other, other, post]):
        address = f"Leck.Pruefung.{uuid.uuid4().hex[:10]}@Beispiel-Mail.DE"
        addresses.append(address)
        parent = comments[0] if number == 4 else None
        response = commenter.post(
            "/kommentare/senden/",
            form_data(
                target,
                name=f"Leserin {number}",
                email=address,
                url=f"https://leserin{number}.example.org/" if number % 2 else "",
                comment=f"Kommentar Nummer {number} zur Eifel",
                reply_to=parent.pk if parent else 0,
                notify_replies="on",
            ),
            REMOTE_ADDR=f"203.0.113.{number + 1}",
        )
        assert response.status_code == 303, response.content.decode()[:2000]
        comment = PostComment.objects.get(user_email=address)
        if number in (0, 2, 4):
            approve(comment)
        comments.append(comment)
    return {"posts": [post, other], "addresses": addresses, "comments": comments, "commenter": commenter}


def seed_paths(commented_site, blog_index, author, category):
    post, other = commented_site["posts"]
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    first = commented_site["comments"][0]
    paths = [
        "/",
        blog_index.url,
        post.url,
        other.url,
        f"{post.url}?antwort={first.pk}",
        f"{post.url}?kommentar={first.pk}",
        f"{post.url}?kommentare=neueste",
        f"{post.url}?kommentare=empfohlen",
        f"{post.url}pdf/",
        f"{other.url}pdf/",
        f"{blog_index.url}feed/",
        f"{blog_index.url}feed/atom/",
        f"{blog_index.url}kategorie/{category.slug}/",
        f"{blog_index.url}kategorie/{category.slug}/feed/",
        f"{blog_index.url}kategorie/{category.slug}/feed/atom/",
        f"{blog_index.url}autor/{author.slug}/",
        f"{blog_index.url}{post.date.year}/",
        f"{blog_index.url}{post.date.year}/{post.date.month}/",
        "/sitemap.xml",
        "/robots.txt",
        "/kommentare/senden/",
        "/kommentare/altcha/",
        "/kommentare/feed/",
        "/kommentare/feed/atom/",
        f"/kommentare/beitrag/{post.pk}/feed/",
        f"/kommentare/beitrag/{post.pk}/feed/atom/",
        f"/kommentare/beitrag/{other.pk}/feed/",
        first.get_absolute_url(),
        "/diese-seite-gibt-es-nicht/",
        f"{blog_index.url}suche/?q=Eifel",
        f"{blog_index.url}suche/?q=Leserin",
    ]
    for address in commented_site["addresses"]:
        paths.append(f"{blog_index.url}suche/?q={quote(address)}")
    # The pages behind the links in reply-notification mails.
    for token in ReplySubscription.objects.values_list("token", flat=True):
        for action in ("bestaetigen", "abbestellen", "alle-abbestellen"):
            paths.append(f"/kommentare/benachrichtigung/{token}/{action}/")
    for comment in commented_site["comments"]:
        # The writer's own edit page (a 404 for everyone else).
        paths.append(f"/kommentare/bearbeiten/{comment.pk}/")
        paths.append(f"/kommentare/{comment.pk}/")  # the permalink, held ones too (their 404)
        for template in STOCK_COMMENT_PATHS:
            paths.append(template.format(id=comment.pk, post=post.pk, ct=content_type.pk))
    return paths


def test_no_public_url_shows_a_commenters_email_address_or_its_hash(commented_site, blog_index, author, category):
    # One comment edited by its writer: the "(bearbeitet)" mark and the edit page are crawled too.
    edited = commented_site["comments"][3]
    response = commented_site["commenter"].post(f"/kommentare/bearbeiten/{edited.pk}/", {"comment": "Nachträglich"})
    assert response.status_code == 303
    seeds = seed_paths(commented_site, blog_index, author, category)
    needles = {needle: address for address in commented_site["addresses"] for needle in needles_for(address)}

    leaks = []
    pages = {}
    for who, client in [
        ("anonymous", Client(raise_request_exception=False)),
        ("commenter", commented_site["commenter"]),
    ]:
        client.raise_request_exception = False
        pages[who] = crawl(client, seeds)
        for path, (status, text) in pages[who].items():
            lowered = without_echoed_query(path, text.lower())
            leaks += [(who, path, status, needle) for needle in needles if needle in lowered]

    assert leaks == [], "\n".join(map(str, leaks))
    # The crawl really saw the comments: approved ones for everybody, held ones for their author.
    anonymous, commenter = pages["anonymous"], pages["commenter"]
    post, other = commented_site["posts"]
    assert anonymous[post.url][0] == 200 and anonymous[other.url][0] == 200
    assert "Kommentar Nummer 0 zur Eifel" in anonymous[post.url][1]
    assert "Kommentar Nummer 4 zur Eifel" in anonymous[post.url][1]  # an approved reply
    assert "Kommentar Nummer 1 zur Eifel" not in anonymous[post.url][1]  # held
    assert "Kommentar Nummer 1 zur Eifel" in commenter[post.url][1]  # held, shown to its author
    assert len(anonymous) >= len(seeds) // 2
    # Our own comment URLs answer without a server error; the stock ones are not routed.
    for path in ["/kommentare/senden/", commented_site["comments"][0].get_absolute_url()]:
        assert anonymous[path][0] < 500
    assert commenter[f"/kommentare/bearbeiten/{edited.pk}/"][0] == 200
    assert "bearbeitet" in commenter[other.url][1]
    for comment in commented_site["comments"]:
        assert anonymous[f"/kommentare/bearbeiten/{comment.pk}/"][0] == 404
        assert anonymous[f"/comments/reply/{comment.pk}/"][0] == 404
        assert anonymous[f"/kommentare/reply/{comment.pk}/"][0] == 404


def test_reader_mails_carry_no_address_but_the_recipients_own_and_none_in_links(post, settings, committed):
    """Confirmation, reply and approval mails: one recipient each; no address (nor hash) of anyone in the
    body, subject, headers or links, not even the recipient's own."""
    from django.core import mail

    settings.COMMENTS_FLOOD_SECONDS = 0
    commenter = Client()
    addresses = [f"Leck.Post.{uuid.uuid4().hex[:10]}@Beispiel-Mail.DE" for _ in range(3)]
    comments = []
    for number, address in enumerate(addresses):
        with committed():
            response = commenter.post(
                "/kommentare/senden/",
                form_data(
                    post,
                    name=f"Leserin {number}",
                    email=address,
                    comment=f"Antwortkette {number}",
                    reply_to=comments[-1].pk if comments else 0,
                    notify_replies="on",
                ),
                REMOTE_ADDR=f"203.0.113.{number + 1}",
            )
        assert response.status_code == 303
        comment = PostComment.objects.get(user_email=address)
        with committed():
            commenter.post(f"/kommentare/benachrichtigung/{comment.reply_subscription.token}/bestaetigen/")
            approve(comment)
        comments.append(comment)
    kinds = {message.subject.split("]")[1].split(" ")[1] for message in mail.outbox}
    assert kinds == {"Bitte", "Neue", "Dein"}, kinds  # confirmation, reply, approval
    needles = {needle for address in addresses for needle in needles_for(address)}
    for message in mail.outbox:
        assert len(message.recipients()) == 1
        text = " ".join([message.subject, message.body, *map(str, message.extra_headers.values())]).lower()
        assert not [needle for needle in needles if needle in text], message.subject


def test_desk_pages_and_mails_show_no_readers_address(post, committed):
    """The thread view, "Freigeben und antworten", the reply page (editors see no addresses at all; the
    thread shows none even to moderators), the statement of reasons and the daily digest."""
    import datetime

    from django.contrib.auth.models import Group, Permission
    from django.core import mail
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone

    from wagtail.models import GroupPagePermission

    from comments.factories import PostCommentFactory, make_staff
    from comments.models import Report, Status

    addresses = [f"Leck.Desk.{uuid.uuid4().hex[:10]}@Beispiel-Mail.DE" for _ in range(3)]
    old = timezone.now() - datetime.timedelta(hours=30)
    root = PostCommentFactory(post=post, status=Status.APPROVED, user_email=addresses[0])
    held = PostCommentFactory(parent=root, user_email=addresses[1], submit_date=old)
    PostCommentFactory(parent=held, status=Status.APPROVED, user_email=addresses[2])
    section = Group.objects.create(name="Redaktion Desk")
    section.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=section, page=post, permission=Permission.objects.get(codename="change_page")
    )
    editor = Client()
    editor.force_login(make_staff("redakteurin", groups=["Redaktion Desk"]))
    moderator = Client()
    moderator.force_login(make_staff("moderatorin", groups=["Moderatoren"], email="mod@wir-leben-eifel.de"))
    needles = {needle for address in addresses for needle in needles_for(address)}

    thread = reverse("comment_moderation:thread", args=[held.pk])
    pages = [
        (editor, thread),
        (editor, f"{thread}?fragment=1"),
        (moderator, thread),
        (moderator, f"{thread}?fragment=1"),
        (editor, reverse("comment_moderation:approve_reply", args=[held.pk])),
        (editor, reverse("comment_moderation:reply", args=[held.pk])),
        (editor, reverse("comment_moderation:index")),
    ]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        text = readable_text(response)[1].lower()
        assert not [needle for needle in needles if needle in text], path

    Report.objects.create(comment=root, comment_number=root.pk, reason="insult")
    with committed():
        moderator.post(reverse("comment_moderation:report_decision", args=[root.pk, "removed"]))
    call_command("send_moderation_digest", stdout=io.StringIO())
    kinds = sorted(message.to[0] for message in mail.outbox)
    assert kinds == sorted([addresses[0].strip(), "mod@wir-leben-eifel.de"])
    for message in mail.outbox:
        text = " ".join([message.subject, message.body, *map(str, message.extra_headers.values())]).lower()
        assert not [needle for needle in needles if needle in text], message.subject
