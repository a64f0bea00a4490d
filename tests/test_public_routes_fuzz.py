"""Every public route with hostile parameters, bodies, headers and methods, against the demo content.

Whatever an anonymous client sends, the answer is never a 5xx, and every 4xx page with a body is
one of ours, in German: never Django's English defaults ("Bad Request (400)", "Not Found",
"CSRF verification failed"). The known-bad cases run as plain parametrized tests; Hypothesis then
explores the rest. The client enforces the CSRF check like a real browser does (Django's test
client skips it unless asked), and any exception a view lets through fails the test with its
traceback (the test client re-raises it).
"""

import io
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.http.request import split_domain_port, validate_host
from django.test import Client

from wagtail.contrib.redirects.models import Redirect

from blog.models import BlogPostPage
from home.demo_content import AUTHORS, CATEGORIES, DEMO_POSTS, SEED_POST

from .comments.conftest import form_data
from .conftest import ensure_wagtail_root

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
POST_SLUGS = [SEED_POST["slug"]] + [post["slug"] for post in DEMO_POSTS]
CATEGORY_SLUGS = [slug for slug, _name, _description in CATEGORIES]
AUTHOR_SLUGS = [slug for slug, _name, _bio in AUTHORS]

# Django's own pages, in English: none of them may reach a reader.
ENGLISH_DEFAULT_PAGES = (
    "Bad Request (400)",
    "<h1>Not Found</h1>",
    "<title>Not Found</title>",
    "Page not found",
    "Server Error (500)",
    "403 Forbidden",
    "CSRF verification failed",
    "Method Not Allowed",
    'lang="en"',
)

HOSTILE_VALUES = [
    "",
    "0",
    "-1",
    "1",
    "2",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e3",
    "1.5",
    "NaN",
    "inf",
    "0x10",
    " 1 ",
    "\u0661",  # Arabic-Indic digit one: str.isdigit() is true, int() accepts it
    "\u00b2",  # superscript two: isdigit() is true, int() refuses it
    "\u216b",
    "\x00",
    "a\x00b",
    "\x01\x02\x1f\x7f",
    "\u0085",
    "\u200b\ufeff\u00ad",
    "\U0010ffff",
    "'",
    '"',
    '"a',
    "\\",
    "%",
    "_",
    "*",
    "(",
    ")",
    "[",
    "{title body}: eifel",
    "^eifel",
    "NEAR(eifel daun)",
    "eifel AND NOT daun",
    "OR",
    "- + ~ ! & | : <->",
    "' OR '1'='1",
    "1; DROP TABLE blog_blogpostpage; --",
    ".*",
    "(?:",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "Städte",
    "🙂",
    "e\u0301",
    "x" * 10_000,
    "Eifel " * 400,
]
# Already percent-encoded: invalid UTF-8 (a lone surrogate, overlong NUL, truncated sequences).
RAW_ENCODED_VALUES = [
    "%00",
    "%ED%A0%80",
    "%ED%BF%BF",
    "%FF%FE",
    "%C0%80",
    "%E2%82",
    "%F4%90%80%80",
    "%",
    "%zz",
    "%2",
    "+",
]

PATH_SEGMENTS = [
    "feed",
    "atom",
    "pdf",
    "suche",
    "kategorie",
    "autor",
    "0000",
    "2015",
    "index.php",
    "wp-login.php",
    "wp-admin",
    "..",
    ".",
    "%2F",
    "%2E%2E",
    "%00",
    "%ED%A0%80",
    "%FF",
    "%C3%BC",
    "a" * 300,
    "-",
    "_",
]
# Content types Django's test client can carry; those Django cannot parse at all are tested through
# the WSGI application, which the test client bypasses (tests/home/test_wsgi_entry.py).
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=gibt-es-nicht",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=grenze",
    "multipart/mixed; boundary=grenze",
    "application/json",
    "text/plain",
    "",
]
COMMENT_FIELDS = [
    "comment",
    "name",
    "email",
    "url",
    "content_type",
    "object_pk",
    "timestamp",
    "security_hash",
    "reply_to",
    "honeypot",
    "followup",
    "csrfmiddlewaretoken",
]
HOSTS = ["testserver", "evil.example", "bad host", '"bad host"', "testserver:abc", "[::1", "", "a" * 300, "x\x00y"]
COOKIES = [
    "sessionid=kaputt",
    "comment_preview=kaputt",
    "comment_preview=1:abc:def",
    "comment_preview=kaputt; comment_author=kaputt",
    "csrftoken=x",
    "sessionid=; csrftoken=",
    "\x00=\x00",
    "a" * 5000 + "=1",
]


# --- The site: the demo content, plus old WordPress addresses as the import stores them -----


@pytest.fixture(scope="module")
def demo_routes(django_db_setup, django_db_blocker):
    """The demo content, loaded once for this module inside a transaction that is rolled back at its
    end (each test runs in a savepoint inside it, as usual): loading it for each of the many cases
    would take most of the run time."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_wagtail_root()
            call_command("load_demo_content", "--no-accounts", verbosity=0, stdout=io.StringIO())
            seed = BlogPostPage.objects.get(slug=SEED_POST["slug"])
            for old_path in ["/?p=1", "/?cat=3", "/?author=2", "/category/wirtschaft/", "/2015/09/15/vielfalt/"]:
                Redirect.objects.create(old_path=Redirect.normalise_path(old_path), site=None, redirect_page=seed)
            yield {
                "posts": list(BlogPostPage.objects.live().order_by("pk")),
                "post_content_type": ContentType.objects.get_for_model(BlogPostPage).pk,
            }
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            # Nothing cached about the rolled-back content may reach the next module's tests.
            cache.clear()
            ContentType.objects.clear_cache()


@pytest.fixture
def fuzz_site(demo_routes, db):
    cache.clear()  # flood control, locks and rendered PDFs start empty for every test
    yield demo_routes
    cache.clear()


def send(method, url, body=b"", content_type="application/x-www-form-urlencoded", **headers):
    client = Client(enforce_csrf_checks=True)
    return client.generic(method, url, body, content_type=content_type, **headers)


def assert_no_server_error_and_german(response, description):
    assert response.status_code < 500, (description, response.status_code, response.content[:2000])
    if 400 <= response.status_code < 500 and response.content:
        html = response.content.decode("utf-8", errors="replace")
        if "html" in response.get("Content-Type", ""):
            assert 'lang="de"' in html, (description, response.status_code, html[:2000])
        for english in ENGLISH_DEFAULT_PAGES:
            assert english not in html, (description, response.status_code, english)


# --- Known-bad cases, each a plain test ------------------------------------------------------

KNOWN_CASES = [
    ("GET", "/beitraege/suche/?q=%00"),
    ("GET", "/beitraege/suche/?q=Eifel%00Daun"),
    ("GET", "/beitraege/suche/?q=%01%02%1F%7F"),
    ("GET", "/beitraege/suche/?q=%ED%A0%80"),
    ("GET", "/beitraege/suche/?q=%22"),
    ("GET", "/beitraege/suche/?q=%27%22%5C%25_*("),
    ("GET", "/beitraege/suche/?q=" + "x" * 10_000),
    ("GET", "/beitraege/suche/?q=%F0%9F%99%82&seite=2"),
    ("GET", "/beitraege/suche/?q=NEAR(a+b)+OR+%7Bt%7D:c"),
    ("GET", "/beitraege/0000/"),
    ("GET", "/beitraege/0000/01/"),
    ("GET", "/beitraege/0001/01/"),
    ("GET", "/beitraege/0999/"),
    ("GET", "/beitraege/9999/12/"),
    ("GET", "/beitraege/2015/00/"),
    ("GET", "/beitraege/2015/99/"),
    ("GET", "/beitraege/?seite=-1"),
    ("GET", "/beitraege/?seite=0"),
    ("GET", "/beitraege/?seite=99999999999999999999999"),
    ("GET", "/beitraege/?seite=%00"),
    ("GET", "/beitraege/?seite=%ED%A0%80"),
    ("GET", "/beitraege/?seite=%D9%A1"),
    ("GET", "/beitraege/kategorie/wirtschaft/?seite=NaN"),
    ("GET", "/beitraege/kategorie/%00/feed/atom/"),
    ("GET", "/beitraege/autor/%ED%A0%80/"),
    ("GET", "/beitraege/%00/pdf/"),
    ("GET", "/beitraege/x%ED%A0%80/pdf/"),
    ("GET", "/?p=%00"),
    ("GET", "/?p=99999999999999999999"),
    ("GET", "/?p=%D9%A1"),
    ("GET", "/?cat=-1"),
    ("GET", "/?author=%ED%A0%80"),
    ("GET", "/category/wirtschaft/"),
    ("GET", "/2019/03/05/slug/"),
    ("GET", "/kommentare/link/99999999999999999999/1/"),
    ("GET", "/kommentare/link/1/%00/"),
    ("GET", "/sitemap.xml?p=%00"),
    ("GET", "/sitemap.xml?p=999"),
    ("HEAD", "/robots.txt"),
    ("OPTIONS", "/healthz"),
    ("PUT", "/"),
    ("DELETE", "/beitraege/"),
    ("OPTIONS", "/beitraege/"),
    ("TRACE", "/beitraege/"),
    ("POST", "/"),
    ("POST", "/beitraege/suche/?q=eifel"),
    ("PUT", "/kommentare/senden/"),
    ("DELETE", "/kommentare/senden/"),
    ("GET", "/kommentare/bearbeiten/1/"),
    ("POST", "/kommentare/bearbeiten/1/"),
    ("PUT", "/kommentare/bearbeiten/1/"),
    ("GET", "/kommentare/bearbeiten/99999999999999999999/"),
    ("GET", "/kommentare/bearbeiten/%00/"),
    ("POST", "/kommentare/altcha/"),
    ("GET", "/kommentare/altcha/?x=%00"),
    ("GET", "/kommentare/0/"),
    ("GET", "/kommentare/99999999999999999999/"),
    ("GET", "/kommentare/%D9%A1/"),
    ("POST", "/kommentare/1/"),
]

# A post's order and page of comment threads (comments/threads.py): anything but a known order and an
# existing page is the German 404, before the post renders.
HOSTILE_THREAD_QUERIES = [
    "kommentare=x",
    "kommentare=",
    "kommentare=%00",
    "kommentare=neueste%00",
    "kommentare=%ED%A0%80",
    "kommentare=" + "x" * 5000,
    "seite=0",
    "seite=-1",
    "seite=99999",
    "seite=99999999999999999999999",
    "seite=%D9%A1",
    "seite=%C2%B2",
    "seite=02",
    "seite=1e3",
    "seite=%20" + "1",
    "seite=",
    "kommentare=neueste&seite=0",
    "kommentare=empfohlen&seite=99999",
]


@pytest.mark.parametrize("query", HOSTILE_THREAD_QUERIES)
def test_hostile_thread_order_or_page_is_a_german_404(fuzz_site, query):
    url = f"/beitraege/{SEED_POST['slug']}/?{query}"
    for method in ("GET", "HEAD"):
        response = send(method, url)
        assert response.status_code == 404, (method, url, response.status_code)
        assert_no_server_error_and_german(response, f"{method} {url}")


@pytest.mark.parametrize(("method", "url"), KNOWN_CASES)
def test_known_hostile_request_gets_no_server_error_and_a_german_page(fuzz_site, method, url):
    assert_no_server_error_and_german(send(method, url), f"{method} {url}")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"comment=Hallo"),
        ("multipart/form-data; boundary=", b"comment=Hallo"),
        ("multipart/form-data; boundary=grenze", b"--grenze\r\nkaputt"),
        ("application/x-www-form-urlencoded", b"&&==&%%&comment=%ED%A0%80"),
        ("application/x-www-form-urlencoded", "&".join(f"f{n}=1" for n in range(10_001)).encode()),
        ("application/x-www-form-urlencoded", b"comment=" + b"x" * 3_000_000),
        ("application/x-www-form-urlencoded; charset=utf-16", b"comment=\xff"),
        ("application/json", b'{"comment": "Hallo"}'),
    ],
    ids=["no-boundary", "empty-boundary", "broken-part", "junk", "too-many-fields", "too-big", "utf-16", "json"],
)
def test_broken_comment_post_gets_a_german_400(fuzz_site, content_type, body):
    response = send("POST", "/kommentare/senden/", body, content_type=content_type)

    assert response.status_code == 400
    assert_no_server_error_and_german(response, content_type)


@pytest.mark.parametrize("host", HOSTS[1:])
def test_host_we_do_not_serve_gets_the_german_400(fuzz_site, settings, host):
    settings.ALLOWED_HOSTS = ["testserver"]

    response = send("GET", "/beitraege/", HTTP_HOST=host)

    assert response.status_code == 400
    assert_no_server_error_and_german(response, host)


# --- Hypothesis: everything else -------------------------------------------------------------

# Run time: a request takes 10–100 ms on SQLite (listings are the slow ones); these numbers keep the
# module at about half a minute beyond the database set-up, every route kind getting dozens of requests.
FUZZ_SETTINGS = hypothesis_settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

values = st.one_of(
    st.sampled_from(HOSTILE_VALUES).map(lambda value: quote(value, safe="")),
    st.sampled_from(RAW_ENCODED_VALUES),
    st.text(max_size=30).map(lambda value: quote(value, safe="")),
    st.binary(max_size=12).map(lambda value: quote_from_bytes(value, safe="")),
    st.integers().map(str),
)
keys = st.one_of(
    st.sampled_from(["q", "seite", "p", "cat", "author", "antwort", "kommentar", "kommentare", "page", "s", "feed"]),
    st.text(max_size=8).map(lambda key: quote(key, safe="")),
)
query_strings = st.one_of(
    st.just(""),
    st.lists(st.tuples(keys, values), max_size=4).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)),
    st.sampled_from(["&&==&", "=", "q", "q=&q=&q=", "%", "seite=2&seite=-1", "a" * 5000]),
)
segments = st.one_of(
    st.sampled_from(PATH_SEGMENTS),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=30),
    st.text(min_size=1, max_size=20).map(lambda segment: quote(segment, safe="")),
    st.binary(min_size=1, max_size=10).map(lambda segment: quote_from_bytes(segment, safe="")),
)
post_slugs = st.one_of(st.sampled_from(POST_SLUGS), segments)
category_slugs = st.one_of(st.sampled_from(CATEGORY_SLUGS), segments)
author_slugs = st.one_of(st.sampled_from(AUTHOR_SLUGS), segments)
years = st.integers(min_value=0, max_value=9999).map(lambda year: f"{year:04d}")
months = st.integers(min_value=0, max_value=99).flatmap(lambda month: st.sampled_from([str(month), f"{month:02d}"]))


# Addresses that exist in the demo content: hostile parameters, bodies and methods on them reach
# the views' own code, not only the 404 page.
EXISTING_PATHS = (
    ["/", "/beitraege/", "/beitraege/suche/", "/beitraege/feed/", "/beitraege/feed/atom/", "/sitemap.xml"]
    + [f"/beitraege/{slug}/" for slug in POST_SLUGS]
    + [f"/beitraege/{slug}/pdf/" for slug in POST_SLUGS[:2]]
    + [f"/beitraege/kategorie/{slug}/{feed}" for slug in CATEGORY_SLUGS for feed in ("", "feed/", "feed/atom/")]
    + [f"/beitraege/autor/{slug}/" for slug in AUTHOR_SLUGS]
    + [
        "/beitraege/2015/",
        "/beitraege/2015/09/",
        "/beitraege/2015/9/",
        "/category/wirtschaft/",
        "/2015/09/15/vielfalt/",
        "/kommentare/altcha/",
    ]
)


def paths(content_type_id):
    """Half the time an address that exists, else any address of every route kind (a flatmap: `|`
    would flatten into one one_of with the existing addresses as only one branch of many)."""
    any_path = st.one_of(
        st.sampled_from(
            [
                "/",
                "/beitraege/",
                "/beitraege/suche/",
                "/beitraege/feed/",
                "/beitraege/feed/atom/",
                "/sitemap.xml",
                "/robots.txt",
                "/healthz",
                "/kommentare/senden/",
                "/kommentare/altcha/",
                "/impressum/",
                "/datenschutz/",
                "/feed/",
            ]
        ),
        post_slugs.map(lambda slug: f"/beitraege/{slug}/"),
        post_slugs.map(lambda slug: f"/beitraege/{slug}/pdf/"),
        st.tuples(category_slugs, st.sampled_from(["", "feed/", "feed/atom/"])).map(
            lambda parts: f"/beitraege/kategorie/{parts[0]}/{parts[1]}"
        ),
        author_slugs.map(lambda slug: f"/beitraege/autor/{slug}/"),
        years.map(lambda year: f"/beitraege/{year}/"),
        st.tuples(years, months).map(lambda parts: f"/beitraege/{parts[0]}/{parts[1]}/"),
        st.tuples(st.one_of(st.just(content_type_id), st.integers(min_value=-1)), segments).map(
            lambda parts: f"/kommentare/link/{parts[0]}/{parts[1]}/"
        ),
        st.one_of(st.integers(min_value=-1), segments).map(lambda value: f"/kommentare/bearbeiten/{value}/"),
        st.one_of(st.integers(min_value=-1), segments).map(lambda pk: f"/kommentare/{pk}/"),
        category_slugs.map(lambda slug: f"/category/{slug}/"),
        author_slugs.map(lambda slug: f"/author/{slug}/"),
        st.tuples(years, months, months, post_slugs).map(lambda parts: "/{}/{}/{}/{}/".format(*parts)),
        st.lists(segments, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)),
        st.lists(segments, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts) + "/"),
    )
    return st.booleans().flatmap(lambda existing: st.sampled_from(EXISTING_PATHS) if existing else any_path)


def bodies(posts):
    form_fields = st.dictionaries(
        st.one_of(st.sampled_from(COMMENT_FIELDS), st.text(max_size=10)),
        st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=50)),
        max_size=8,
    )
    # The post's real hidden fields (valid hash, old enough) with hostile visible ones: the form's
    # validation, the moderation and the saving run, not only the first refusal.
    signed_forms = st.tuples(
        st.sampled_from(posts),
        st.dictionaries(
            st.sampled_from(["comment", "name", "email", "url", "reply_to", "honeypot"]),
            st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=50)),
            max_size=4,
        ),
    ).map(lambda parts: form_data(parts[0], **parts[1]))
    return st.one_of(
        st.just((b"", "application/x-www-form-urlencoded")),
        st.tuples(form_fields.map(lambda fields: urlencode(fields).encode()), st.sampled_from(CONTENT_TYPES)),
        st.tuples(signed_forms.map(lambda fields: urlencode(fields).encode()), st.sampled_from(CONTENT_TYPES[:1])),
        st.tuples(st.binary(max_size=200), st.sampled_from(CONTENT_TYPES)),
    )


headers = st.fixed_dictionaries({}) | st.fixed_dictionaries(
    {},
    optional={
        "HTTP_COOKIE": st.sampled_from(COOKIES),
        "HTTP_ACCEPT_LANGUAGE": st.sampled_from(["en-US,en;q=0.9", "*", "xx-\x00", ""]),
        "HTTP_X_FORWARDED_FOR": st.sampled_from(["1.2.3.4", "kaputt", ", ,", "::1, 999.1.1.1"]),
        "HTTP_IF_MODIFIED_SINCE": st.sampled_from(["gestern", "Thu, 01 Jan 1970 00:00:00 GMT"]),
        "HTTP_REFERER": st.sampled_from(["http://evil.example/", "kaputt", ""]),
        # ALLOWED_HOSTS is "*" in the tests: hosts of no site are served by the default site,
        # malformed ones get the 400 page.
        "HTTP_HOST": st.sampled_from(HOSTS + ["TESTSERVER", "testserver:80", "testserver."]),
    },
)


@FUZZ_SETTINGS
@given(data=st.data())
def test_any_request_to_a_public_route_gets_no_server_error_and_german_pages(fuzz_site, data):
    # Half the time what readers and crawlers send (GET, HEAD), else any method.
    method = data.draw(st.sampled_from(["GET", "HEAD"]) | st.sampled_from(METHODS), label="method")
    path = data.draw(paths(fuzz_site["post_content_type"]), label="path")
    query = data.draw(query_strings, label="query")
    body, content_type = data.draw(bodies(fuzz_site["posts"]), label="body") if method != "GET" else (b"", "")
    extra = data.draw(headers, label="headers")
    url = f"{path}?{query}" if query else path

    response = send(method, url, body, content_type=content_type, **extra)

    event(f"{method} {response.status_code}")  # --hypothesis-show-statistics shows what was reached
    assert_no_server_error_and_german(response, f"{method} {url[:200]}")


@hypothesis_settings(FUZZ_SETTINGS, max_examples=80)
@given(data=st.data())
def test_any_comment_post_gets_no_server_error_and_german_pages(fuzz_site, data):
    body, content_type = data.draw(bodies(fuzz_site["posts"]), label="body")
    extra = data.draw(headers, label="headers")

    response = send("POST", "/kommentare/senden/", body, content_type=content_type, **extra)

    event(f"POST {response.status_code}")
    assert_no_server_error_and_german(response, body[:200])


@hypothesis_settings(FUZZ_SETTINGS, max_examples=60)
@given(query=st.one_of(st.text(max_size=300), st.sampled_from(HOSTILE_VALUES)), page=st.sampled_from(["", "1", "2"]))
def test_any_search_query_gets_a_german_results_page(fuzz_site, query, page):
    response = Client().get("/beitraege/suche/", {"q": query, "seite": page} if page else {"q": query})

    assert response.status_code in {200, 404}
    assert_no_server_error_and_german(response, repr(query[:200]))


@hypothesis_settings(FUZZ_SETTINGS, max_examples=60)
@given(year=years, month=st.one_of(st.none(), months))
def test_any_four_digit_archive_address_answers_or_is_a_german_404(fuzz_site, year, month):
    url = f"/beitraege/{year}/" if month is None else f"/beitraege/{year}/{month}/"

    response = Client().get(url)

    if int(year) < 1000 or (month is not None and not 1 <= int(month) <= 12):
        assert response.status_code == 404, url
    else:
        # An archive answers when it has posts; a time without posts is a 404 like any unknown address.
        posts = BlogPostPage.objects.live().filter(date__year=int(year))
        if month is not None:
            posts = posts.filter(date__month=int(month))
        assert response.status_code == (200 if posts.exists() else 404), url
    assert_no_server_error_and_german(response, url)


@hypothesis_settings(FUZZ_SETTINGS, max_examples=30)
@given(host=st.one_of(st.sampled_from(HOSTS[1:]), st.text(min_size=1, max_size=40)), method=st.sampled_from(METHODS))
def test_any_host_we_do_not_serve_gets_the_german_400(fuzz_site, settings, host, method):
    settings.ALLOWED_HOSTS = ["testserver"]
    domain, _port = split_domain_port(host)
    served = bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)

    response = send(method, "/beitraege/", HTTP_HOST=host)

    if not served:
        assert response.status_code == 400, repr(host)
    assert_no_server_error_and_german(response, repr(host))
