"""What a reader does besides reading: the PDF, the phone menu; and the post page's accessibility."""

import json
from pathlib import Path

from playwright.sync_api import expect

from blog.models import BlogPostPage
from comments import lifecycle
from comments.factories import PostCommentFactory
from comments.models import Status
from home.demo_content import SEED_SLUG

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def test_als_pdf_speichern_downloads_the_article_as_pdf(live_site, live_server, browser_page):
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    browser_page.goto(live_server.url + seed.url)
    with browser_page.expect_download(timeout=60_000) as download_info:
        browser_page.get_by_role("link", name="Als PDF speichern").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    assert len(content) > 5_000


def test_phone_menu_opens_and_closes(wagtail_root, post, live_server, new_context):
    phone = new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    phone.goto(live_server.url + post.url)
    menu = phone.locator("[data-site-nav]")
    toggle = menu.locator("summary")
    panel = menu.locator(".site-nav__panel")
    expect(toggle).to_be_visible()
    expect(panel).to_be_hidden()
    toggle.click()
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name="Startseite")).to_be_visible()
    toggle.click()
    expect(panel).to_be_hidden()


def test_post_page_has_no_serious_accessibility_violations(live_site, live_server, new_context, settings):
    """The seed post with its comment section in full: a reply, "Empfehlung der Redaktion", the order
    links and pages of threads; page 1 and page 2 of the threads."""
    settings.COMMENTS_THREADS_PER_PAGE = 2
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    roots = [PostCommentFactory(post=seed, status=Status.APPROVED, comment=f"Faden {n}") for n in range(3)]
    PostCommentFactory(post=seed, parent=roots[0], status=Status.APPROVED, comment="Eine Antwort im Faden.")
    lifecycle.recommend(roots[1], True)
    # The site's CSP rightly forbids injected scripts; the test browser may ignore it for axe.
    browser_page = new_context(bypass_csp=True).new_page()
    for address in (seed.url, seed.url + "?seite=2"):
        browser_page.goto(live_server.url + address)
        if address == seed.url:
            expect(browser_page.locator(".comment__badge--recommended")).to_have_text("Empfehlung der Redaktion")
            expect(browser_page.locator(".comments__order a").first).to_be_visible()
        expect(browser_page.locator(".comments__pages a").first).to_be_visible()
        browser_page.add_script_tag(path=str(AXE))
        results = browser_page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        assert results["testEngine"]["name"] == "axe-core"
        assert results["url"].endswith(address)
        serious = [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "nodes": [n["target"] for n in violation["nodes"]][:5],
            }
            for violation in results["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert serious == [], address + "\n" + json.dumps(serious, indent=2, ensure_ascii=False)


def test_printing_hides_menus_share_links_the_comment_form_and_the_footer(
    wagtail_root, post, live_server, browser_page
):
    """What the print stylesheet does, as the browser applies it (not a grep of the CSS)."""
    browser_page.goto(live_server.url + post.url)
    browser_page.emulate_media(media="print")
    for selector in (".site-nav", ".share", ".comment-form", ".site-footer", ".post-tools"):
        hidden = browser_page.evaluate(
            "(selector) => [...document.querySelectorAll(selector)].every("
            "(element) => getComputedStyle(element).display === 'none')",
            selector,
        )
        assert hidden, selector
    assert browser_page.locator(".post__title").is_visible()


def _printed(page):
    """The page as the browser prints it (Chromium's own print to PDF, print stylesheet applied)."""
    from io import BytesIO

    from pypdf import PdfReader

    page.emulate_media(media="print")
    reader = PdfReader(BytesIO(page.pdf(format="A4", print_background=False)))
    return [printed.extract_text() for printed in reader.pages]


def test_printed_article_ends_cleanly_without_an_empty_last_page(wagtail_root, post, live_server, browser_page):
    browser_page.goto(live_server.url + post.url)
    pages = _printed(browser_page)
    assert pages[-1].strip(), "the last printed page is empty"
    text = "\n".join(pages)
    assert post.title in text
    # No comment headings without comments, no form headings without the form.
    for heading in ("Keine Kommentare", "Kommentare ausblenden", "Schreibe einen Kommentar", "Antworten"):
        assert heading not in text, heading
    # A short post fits on one sheet.
    assert len(pages) == 1
