""" "Als PDF speichern": the post PDF, its cache, its URL fetcher and the post tools."""

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import wagtail_factories
from pypdf import PdfReader

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.storage import default_storage

from wagtail.models import PageViewRestriction

from blog import pdf as pdf_module
from blog.factories import BlogPostPageFactory
from blog.models import BlogPostPage
from home.demo_content import SEED_SLUG

SEED_PDF_URL = f"/beitraege/{SEED_SLUG}/pdf/"


@pytest.fixture(autouse=True)
def empty_cache():
    # The local-memory cache lives as long as the test process: every test starts without PDFs.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def render_calls(monkeypatch):
    """Counts how often a PDF is really rendered (the real renderer still runs)."""
    calls = []
    real_render = pdf_module.render_post_pdf

    def counting_render(page, request=None):
        calls.append(page.pk)
        return real_render(page, request)

    monkeypatch.setattr(pdf_module, "render_post_pdf", counting_render)
    return calls


def pdf_text(content):
    """The PDF's pages and its text, with line breaks and runs of spaces made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def squeezed(text):
    """Text without line breaks or spaces, for URLs the PDF wraps across lines."""
    return re.sub(r"\s+", "", text)


def publish_post(blog_index, author, category, **fields):
    """A post published through a real revision, like an editor's 'Veröffentlichen'."""
    post = BlogPostPageFactory(parent=blog_index, authors=[author], categories=[category], **fields)
    post.save_revision().publish()
    return BlogPostPage.objects.get(pk=post.pk)


# --- The seed article ---------------------------------------------------------------------


def test_seed_post_pdf_has_site_name_title_date_author_categories_and_body(demo_site, client):
    response = client.get(SEED_PDF_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader, text = pdf_text(response.content)
    assert 1 <= len(reader.pages) <= 4
    assert "WIR. LEBEN. EIFEL." in text
    assert "Vielfalt in den Zentren von Klein- und Mittelstädten" in text
    assert "15. September 2015" in text
    assert "Klaus Schäfer" in text
    assert "Demographie · Sonstiges · Wirtschaft" in text
    assert "Seit Juli 2015 bearbeitet das Difu ein Forschungsprojekt" in text
    assert "Netzwerktreffen und Workshops durchgeführt" in text
    assert "Weitere Informationen" in text
    assert "Dr. Bettina Reimann" in text
    assert "030/39001-192" in text
    assert f"Seite 1 von {len(reader.pages)}" in text
    assert reader.metadata.title.startswith("Vielfalt in den Zentren")
    assert reader.metadata.author == "Klaus Schäfer"


def test_pdf_is_a_download_named_after_the_slug(demo_site, client):
    response = client.get(SEED_PDF_URL)

    assert response["Content-Disposition"] == f'attachment; filename="{SEED_SLUG}.pdf"'


def test_pdf_is_a4(demo_site, client):
    reader, _text = pdf_text(client.get(SEED_PDF_URL).content)

    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4 in PostScript points


def test_pdf_prints_link_addresses_and_the_article_address(demo_site, client):
    _reader, text = pdf_text(client.get(SEED_PDF_URL).content)

    assert "hier(https://difu.de/)" in squeezed(text)
    assert f"/beitraege/{SEED_SLUG}/" in squeezed(text)
    assert "Dieser Beitrag im Internet" in text


def test_pdf_has_no_comments_and_never_the_commenters_email(post, client):
    from comments.models import PostComment

    PostComment.objects.create(
        content_object=post,
        site_id=1,
        user_name="Erika Leserin",
        user_email="erika.geheim@example.org",
        comment="Ein freigeschalteter Kommentar zum Beitrag.",
        is_public=True,
    )

    response = client.get(post.url + "pdf/")

    _reader, text = pdf_text(response.content)
    assert "Ein Absatz über die Eifel." in text
    assert "Erika Leserin" not in text
    assert "freigeschalteter Kommentar" not in text
    assert "erika.geheim" not in text
    assert b"erika.geheim" not in response.content


# --- Cache --------------------------------------------------------------------------------


def test_second_request_is_served_from_the_cache(post, client, render_calls):
    first = client.get(post.url + "pdf/")
    second = client.get(post.url + "pdf/")

    assert render_calls == [post.pk]
    assert second.content == first.content


def test_cached_pdf_is_served_with_few_queries(post, client, django_assert_max_num_queries):
    client.get(post.url + "pdf/")

    # The site, Wagtail's routing and its privacy checks; the PDF itself comes from the cache.
    with django_assert_max_num_queries(9):
        response = client.get(post.url + "pdf/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == 'attachment; filename="ein-beitrag.pdf"'


def test_cached_pdf_is_gone_once_the_post_is_unpublished(post, client):
    url = post.url + "pdf/"
    assert client.get(url).status_code == 200

    post.unpublish()

    assert client.get(url).status_code == 404


def test_cached_pdf_is_not_served_once_the_post_is_restricted(post, blog_index, client):
    url = post.url + "pdf/"
    assert client.get(url).status_code == 200

    PageViewRestriction.objects.create(page=blog_index, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_cached_pdf_is_not_served_at_the_old_address_after_a_slug_change(post, client):
    old_url = post.url + "pdf/"
    assert client.get(old_url).status_code == 200

    post.slug = "neuer-name"
    post.save_revision().publish()

    assert client.get(old_url).status_code == 404
    assert client.get("/beitraege/neuer-name/pdf/")["Content-Type"] == "application/pdf"


def test_new_published_revision_renders_a_new_pdf(blog_index, author, category, client, render_calls):
    post = publish_post(blog_index, author, category, title="Die erste Fassung")
    first = client.get(post.url + "pdf/")

    post.title = "Die zweite Fassung"
    post.save_revision().publish()
    second = client.get(post.url + "pdf/")

    assert render_calls == [post.pk, post.pk]
    assert "Die erste Fassung" in pdf_text(first.content)[1]
    assert "Die zweite Fassung" in pdf_text(second.content)[1]


def test_saved_draft_of_a_live_post_does_not_change_its_pdf(blog_index, author, category, client):
    post = publish_post(blog_index, author, category, title="Veröffentlichter Titel")
    client.get(post.url + "pdf/")

    post.title = "Entwurf, noch geheim"
    post.save_revision()
    response = client.get(post.url + "pdf/")

    _reader, text = pdf_text(response.content)
    assert "Veröffentlichter Titel" in text
    assert "Entwurf" not in text


# --- Who may get a PDF ----------------------------------------------------------------------


def test_draft_post_has_no_pdf(blog_index, author, client, render_calls):
    draft = BlogPostPageFactory(parent=blog_index, authors=[author], live=False, slug="entwurf")

    response = client.get("/beitraege/entwurf/pdf/")

    assert response.status_code == 404
    assert render_calls == []
    assert draft.pk


def test_unpublished_post_has_no_pdf(post, client, render_calls):
    url = post.url + "pdf/"
    post.unpublish()

    assert client.get(url).status_code == 404
    assert render_calls == []


@pytest.mark.parametrize("url", ["/beitraege/pdf/", "/impressum/pdf/", "/pdf/"])
def test_pages_that_are_not_posts_have_no_pdf(demo_site, client, url):
    assert client.get(url).status_code == 404


def test_password_protected_post_pdf_asks_for_the_password(post, client, render_calls):
    PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.PASSWORD, password="geheim")

    response = client.get(post.url + "pdf/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"%PDF" not in response.content
    assert render_calls == []


def test_login_restricted_post_pdf_redirects_to_the_login(post, client, render_calls):
    PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(post.url + "pdf/")

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert render_calls == []


def test_login_restricted_post_pdf_is_not_leaked_from_the_cache(post, client, render_calls):
    """A logged-in reader's PDF is cached; an anonymous reader still only gets the login."""
    PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)
    reader = get_user_model().objects.create_user("leser", password="x-very-long-password")
    client.force_login(reader)
    assert client.get(post.url + "pdf/")["Content-Type"] == "application/pdf"
    client.logout()

    response = client.get(post.url + "pdf/")

    assert response.status_code == 302
    assert render_calls == [post.pk]


def test_pdf_view_refuses_a_restricted_post_even_when_called_directly(post, rf):
    """Defence in depth: the view itself checks the restriction, not only Wagtail's serve hook."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)
    request = rf.get(post.url + "pdf/")
    request.user = AnonymousUser()
    request.session = {}

    with pytest.raises(Http404):
        pdf_module.serve_post_pdf(post, request)


def test_pdf_view_refuses_a_post_below_a_restricted_index(post, blog_index, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    PageViewRestriction.objects.create(page=blog_index, restriction_type=PageViewRestriction.PASSWORD, password="x")
    request = rf.get(post.url + "pdf/")
    request.user = AnonymousUser()
    request.session = {}

    with pytest.raises(Http404):
        pdf_module.serve_post_pdf(post, request)


# --- Images and the URL fetcher -------------------------------------------------------------


class CountingHandler(BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_http_server():
    """A web server on this machine that records every request it gets."""
    CountingHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", CountingHandler.requests
    server.shutdown()
    server.server_close()


def test_external_urls_in_the_body_are_never_fetched(blog_index, author, category, client, local_http_server, caplog):
    server_url, server_requests = local_http_server
    post = publish_post(
        blog_index,
        author,
        category,
        body=[
            ("paragraph", f'<p>Vorher.</p><p><img src="{server_url}/bild.png" alt=""></p><p>Nachher.</p>'),
            ("paragraph", f'<p><img src="file:///etc/hostname" alt=""></p><p>{server_url}</p>'),
            ("paragraph", '<p style="background: url(http://127.0.0.1:9/css.png)">Stil.</p>'),
            ("embed", f"{server_url}/video"),
        ],
    )

    response = client.get(post.url + "pdf/")

    assert response["Content-Type"] == "application/pdf"
    _reader, text = pdf_text(response.content)
    assert "Vorher." in text
    assert "Nachher." in text
    assert f"{server_url}/video" in squeezed(text)
    assert server_requests == []
    refused = " ".join(record.getMessage() for record in caplog.records if "refused to fetch" in record.getMessage())
    assert f"{server_url}/bild.png" in refused
    assert "file:///etc/hostname" in refused
    assert "http://127.0.0.1:9/css.png" in refused


def image_block(image, caption):
    return ("image", {"image": image, "caption": caption, "credit": ""})


def test_body_image_is_printed_as_a_rendition_with_its_caption(blog_index, author, category, client):
    image = wagtail_factories.ImageFactory(title="Maar", file__width=1600, file__height=900)
    post = publish_post(blog_index, author, category, body=[image_block(image, "Das Weinfelder Maar")])

    response = client.get(post.url + "pdf/")

    reader, text = pdf_text(response.content)
    assert "Das Weinfelder Maar" in text
    assert len(reader.pages[0].images) == 1
    assert image.renditions.filter(filter_spec=pdf_module.PRINT_IMAGE_SPEC).exists()


def test_broken_images_are_left_out_and_the_pdf_still_renders(blog_index, author, category, client):
    intact = wagtail_factories.ImageFactory(title="Heil")
    original_gone = wagtail_factories.ImageFactory(title="Original weg")
    default_storage.delete(original_gone.file.name)
    rendition_gone = wagtail_factories.ImageFactory(title="Rendition weg")
    default_storage.delete(rendition_gone.get_rendition(pdf_module.PRINT_IMAGE_SPEC).file.name)
    post = publish_post(
        blog_index,
        author,
        category,
        body=[
            image_block(original_gone, "Bild ohne Datei"),
            ("paragraph", "<p>Text zwischen den Bildern.</p>"),
            image_block(rendition_gone, "Bild ohne Vorschaudatei"),
            image_block(intact, "Das heile Bild"),
        ],
    )

    response = client.get(post.url + "pdf/")

    assert response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    assert "Text zwischen den Bildern." in text
    assert "Das heile Bild" in text
    assert sum(len(page.images) for page in reader.pages) == 1


def test_fetcher_reads_static_and_media_files_from_storage():
    from blog.pdf_fetcher import StorageURLFetcher

    fetcher = StorageURLFetcher("https://www.example.org/")
    default_storage.save("pdf-test/hallo.txt", io.BytesIO(b"Hallo Eifel"))
    try:
        font = fetcher.fetch("https://www.example.org/static/fonts/source-sans-3-latin-400-normal.woff2")
        media = fetcher.fetch("https://www.example.org/media/pdf-test/hallo.txt")
        data = fetcher.fetch("data:text/plain;base64,SGFsbG8=")
    finally:
        default_storage.delete("pdf-test/hallo.txt")

    assert font.read()[:4] in {b"\x00\x01\x00\x00", b"OTTO"}  # handed over as a decompressed font
    assert media.read() == b"Hallo Eifel"
    assert data.read() == b"Hallo"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.org/admin/",
        "https://other.example.org/static/css/fonts.css",
        "http://www.example.org/static/css/fonts.css",
        "http://127.0.0.1:8000/media/original_images/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "ftp://www.example.org/static/css/fonts.css",
        "https://www.example.org/static/../config/settings/base.py",
        "https://www.example.org/static/css/%2e%2e/%2e%2e/manage.py",
        "https://www.example.org/media/../manage.py",
        "https://www.example.org/media//etc/passwd",
    ],
)
def test_fetcher_refuses_everything_else(url):
    from blog.pdf_fetcher import RefusedURL, StorageURLFetcher

    with pytest.raises(RefusedURL):
        StorageURLFetcher("https://www.example.org/").fetch(url)


# --- Failure --------------------------------------------------------------------------------


def test_renderer_failure_gives_a_german_503_page_and_is_logged(post, client, monkeypatch, caplog, render_calls):
    import weasyprint

    def crashing_write_pdf(self, *args, **kwargs):
        raise RuntimeError("Pango ist abgestürzt")

    # WeasyPrint is a third-party library: a crash inside it is simulated, our code runs for real.
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", crashing_write_pdf)

    response = client.get(post.url + "pdf/")
    again = client.get(post.url + "pdf/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Retry-After" in response
    content = response.content.decode()
    assert "Das PDF ist gerade nicht verfügbar" in content
    assert "Bitte versuche es gleich noch einmal" in content
    assert "Pango" not in content
    assert any(
        record.levelname == "ERROR" and "could not be rendered" in record.getMessage() for record in caplog.records
    )
    # Right after a failure readers get the page at once, without another doomed render.
    assert again.status_code == 503
    assert render_calls == [post.pk]


def test_pdf_renders_again_once_the_failure_has_passed(post, client, monkeypatch):
    import weasyprint

    def crashing_write_pdf(self, *args, **kwargs):
        raise RuntimeError("vorübergehend")

    with monkeypatch.context() as patched:
        patched.setattr(weasyprint.HTML, "write_pdf", crashing_write_pdf)
        assert client.get(post.url + "pdf/").status_code == 503
    monkeypatch.setattr(pdf_module, "RENDER_FAILURE_TIMEOUT", 0.01)
    cache.set(pdf_module.pdf_cache_key(post) + ":failed", True, 0.01)  # the failure window has passed
    threading.Event().wait(0.05)

    response = client.get(post.url + "pdf/")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_busy_pdf_gives_a_german_503_page(post, client, monkeypatch, render_calls):
    monkeypatch.setattr(pdf_module, "RENDER_WAIT_SECONDS", 0.2)
    cache.add(pdf_module.pdf_cache_key(post) + ":lock", "another app server", 60)

    response = client.get(post.url + "pdf/")

    assert response.status_code == 503
    assert "wird gerade erstellt" in response.content.decode()
    assert render_calls == []


@pytest.mark.django_db(transaction=True)
def test_many_readers_of_an_uncached_pdf_cause_one_render(blog_index, author, category, render_calls):
    from django.db import connection
    from django.test import Client

    post = publish_post(blog_index, author, category)
    url = post.url + "pdf/"
    start = threading.Barrier(4)
    responses = []

    def reader():
        try:
            start.wait()
            responses.append(Client().get(url))
        finally:
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [response.status_code for response in responses] == [200] * 4
    assert len({response.content for response in responses}) == 1
    assert render_calls == [post.pk]


# --- Post tools on the post page ------------------------------------------------------------


def test_post_page_offers_pdf_print_and_email(post, client):
    html = client.get(post.url).content.decode()

    assert f'href="{post.url}pdf/"' in html
    assert "Als PDF speichern" in html
    assert "Drucken" in html
    assert (
        "mailto:?subject=Ein%20Beitrag%20aus%20der%20Eifel&amp;body=http%3A%2F%2Ftestserver%2Fbeitraege%2Fein-beitrag%2F"
        in html
    )
    assert "js/post_tools.js" in html
    assert "onclick" not in html


def test_print_button_is_hidden_until_javascript_shows_it(post, client):
    html = client.get(post.url).content.decode()

    print_item = re.search(r"<li[^>]*data-post-tools-print[^>]*>", html).group(0)
    assert "hidden" in print_item


def test_post_page_links_the_print_stylesheet_for_print_only(post, client):
    html = client.get(post.url).content.decode()

    assert re.search(r'<link rel="stylesheet" href="/static/css/print\.css" media="print">', html)


# --- Editors' PDF of the draft --------------------------------------------------------------


def test_editor_gets_a_pdf_of_the_latest_draft_which_is_never_cached(
    blog_index, author, category, client, admin_user, render_calls
):
    post = publish_post(blog_index, author, category, title="Der veröffentlichte Titel")
    post.title = "Der Titel im Entwurf"
    post.save_revision()
    client.force_login(admin_user)

    first = client.get(f"/admin/pdf-vorschau/{post.pk}/")
    second = client.get(f"/admin/pdf-vorschau/{post.pk}/")
    client.logout()
    public = client.get(post.url + "pdf/")

    assert first["Content-Type"] == "application/pdf"
    assert "Der Titel im Entwurf" in pdf_text(first.content)[1]
    assert "no-cache" in first["Cache-Control"]
    assert second.status_code == 200
    assert "Der veröffentlichte Titel" in pdf_text(public.content)[1]
    assert "Entwurf" not in pdf_text(public.content)[1]
    assert render_calls == [post.pk, post.pk, post.pk]


def test_draft_pdf_needs_a_login(post, client):
    response = client.get(f"/admin/pdf-vorschau/{post.pk}/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_draft_pdf_is_refused_to_admin_users_who_may_not_edit_the_post(post, client):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("nur-lesen", password="x-very-long-password")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    response = client.get(f"/admin/pdf-vorschau/{post.pk}/")

    # Wagtail's admin answers "no permission" with a redirect to the dashboard and a message.
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_preview_of_a_post_links_the_draft_pdf(post, rf, admin_user):
    request = rf.get(post.url)
    request.user = admin_user

    response = post.make_preview_request(original_request=request)

    html = response.render().content.decode() if hasattr(response, "render") else response.content.decode()
    assert f'href="/admin/pdf-vorschau/{post.pk}/"' in html


def test_pdf_is_tagged_pdf_ua_for_screen_readers(demo_site, client):
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    reader = PdfReader(io.BytesIO(client.get(f"{seed.url}pdf/").content))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "de"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    metadata = catalog["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in metadata
    # The structure tree knows the article's heading and paragraphs.
    kinds = set()
    stack = [catalog["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        if hasattr(node, "get_object"):
            node = node.get_object()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not hasattr(node, "get"):
            continue
        if node.get("/S"):
            kinds.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)
    assert {"/H1", "/P"} <= kinds, kinds
