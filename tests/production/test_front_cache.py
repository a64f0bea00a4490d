"""The front cache exactly as docs/deployment.md configures it: nginx (TLS, proxy_cache, the purge
module) in front of gunicorn with the production settings, Wagtail's purges sent through the task
queue (`db_worker`) to nginx's purge server.

nginx's config is the docs' own code block with local ports and paths (tests/production/nginx.py),
with `proxy_cache_valid` raised to 10 minutes: within a test only a purge can explain fresh content.
Publishing and comment moderation run in processes with the production settings, as in the admin.

Skipped when nginx, its cache purge module or openssl is missing, unless REQUIRE_E2E=1 (.ci/run),
where that is a failure.
"""

import contextlib
import json
import os
import ssl
import subprocess
import sys
import time
import uuid

import pytest
import redis

from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site as DjangoSite

from wagtail.models import Site

from comments.factories import PostCommentFactory
from core.testing.nginx import DOCS_HOST, Nginx, front_cache_config, missing_front_cache_tools, self_signed_certificate
from core.testing.servers import (
    PROJECT_DIR,
    app_server,
    free_port,
    request,
    session_database_url,
    skip_unless_postgresql,
)

pytestmark = pytest.mark.services

REQUIRED = os.environ.get("REQUIRE_E2E") == "1"
FRONT_REDIS_URL = "redis://127.0.0.1:6379/12"
# Production settings; only static files come from the source tree (no collectstatic needed).
SETTINGS_MODULE = "tests.production.front_cache_settings"
TLS = ssl._create_unverified_context()  # noqa: S323 - nginx serves a self-signed test certificate


class FrontCache:
    """nginx (TLS on `port`, purge server on `purge_port`) → gunicorn, plus a task worker."""

    def __init__(self, env, port, nginx):
        self.env = env
        self.port = port
        self.nginx = nginx

    def get(self, path, cookies=None):
        response = request(f"https://127.0.0.1:{self.port}{path}", host=DOCS_HOST, cookies=cookies, ssl_context=TLS)
        assert response.status == 200, f"{path}: {response.status} {response.text[:500]} {self.nginx.error_log()}"
        return response

    def status(self, path, cookies=None):
        return self.get(path, cookies).headers.get("X-Front-Cache")

    def run(self, code):
        """Python code in a fresh process with the production settings (like a view in the admin)."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=PROJECT_DIR,
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def wait_for(self, path, text, seconds=20):
        """The page shows `text` within `seconds` (the purge runs in db_worker, polling every 0.2 s)."""
        deadline = time.monotonic() + seconds
        while True:
            response = self.get(path)
            if text in response.text:
                return response
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{path} still without {text!r} after {seconds} s "
                    f"(X-Front-Cache: {response.headers.get('X-Front-Cache')}, X-Cache: {response.headers.get('X-Cache')}); "
                    f"nginx: {self.nginx.error_log()}"
                )
            time.sleep(0.2)


def production_env(purge_port):
    return {
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "SECRET_KEY": "test-" + "k" * 60,
        "DATABASE_URL": session_database_url(),
        "REDIS_URL": FRONT_REDIS_URL,
        "PAGE_CACHE_SECONDS": "600",
        "ALLOWED_HOSTS": f"{DOCS_HOST},127.0.0.1",
        "FRONTEND_CACHE_PURGE_URL": f"http://127.0.0.1:{purge_port}",
        "TRUSTED_PROXY_COUNT": "1",
        "EMAIL_TIMEOUT": "2",
    }


@contextlib.contextmanager
def task_worker(env, log_path):
    """`manage.py db_worker`, which runs Wagtail's purges (the production task queue)."""
    with open(log_path, "w+b") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
            cwd=PROJECT_DIR,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def front_cache(transactional_db, post, tmp_path):
    reason = missing_front_cache_tools()
    if reason:
        if REQUIRED:
            pytest.fail(f"REQUIRE_E2E=1 but {reason}")
        pytest.skip(f"front cache tests skipped: {reason}")
    skip_unless_postgresql()
    try:
        redis.Redis.from_url(FRONT_REDIS_URL, socket_connect_timeout=1).flushdb()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
    # The site as readers reach it: https on the docs' host name, so Wagtail purges that URL.
    Site.objects.update(hostname=DOCS_HOST, port=443)
    DjangoSite.objects.update(domain=DOCS_HOST)

    port, purge_port = free_port(), free_port()
    env = production_env(purge_port)
    certificate = self_signed_certificate(tmp_path)
    with app_server(env) as app, task_worker(env, tmp_path / "db_worker.log"):
        config = front_cache_config(
            tmp_path / "nginx",
            app_port=app.port,
            port=port,
            purge_port=purge_port,
            certificate=certificate,
            cache_valid="10m",
        )
        nginx = Nginx(tmp_path / "nginx", config)
        try:
            nginx.wait_until_listening(port).wait_until_listening(purge_port)
            yield FrontCache(env, port, nginx)
        finally:
            nginx.stop()


def test_publishing_a_post_purges_the_post_and_every_listing_that_shows_it(front_cache, post, author, category):
    paths = {
        "post": post.url,
        "home": "/",
        "index": post.get_parent().url,
        "feed": post.get_parent().url + "feed/",
        "category": post.get_parent().url + f"kategorie/{category.slug}/",
        "author": post.get_parent().url + f"autor/{author.slug}/",
    }
    for name, path in paths.items():
        first = front_cache.get(path)
        assert post.title in first.text, name
        assert front_cache.status(path) == "HIT", f"{name} is not served from nginx's cache the second time"

    new_title = f"Neu in der Eifel {uuid.uuid4().hex[:8]}"
    # A new revision, published through Wagtail in a production process: Wagtail's frontend_cache
    # signal handler and config.front_cache queue the purges, db_worker sends them to nginx.
    front_cache.run(
        "from blog.models import BlogPostPage\n"
        f"page = BlogPostPage.objects.get(pk={post.pk})\n"
        f"page.title = {new_title!r}\n"
        "page.save_revision().publish()\n"
    )
    for name, path in paths.items():
        response = front_cache.wait_for(path, new_title)
        assert response.headers["X-Front-Cache"] in ("MISS", "EXPIRED"), name
    assert front_cache.status(post.url) == "HIT"


def test_approving_and_editing_a_comment_purges_the_post(front_cache, post):
    moderator = get_user_model().objects.create_superuser("moderation", "moderation@example.org", "lang-genug-77")
    text = f"Grüße aus Daun {uuid.uuid4().hex[:8]}"
    comment = PostCommentFactory(post=post, user_name="Leserin", comment=text)
    front_cache.get(post.url)
    cached = front_cache.get(post.url)
    assert cached.headers["X-Front-Cache"] == "HIT"
    assert text not in cached.text

    # What the moderation's "Freigeben" does (comments.lifecycle.apply → public_comments_changed → purge).
    front_cache.run(
        "from django.contrib.auth import get_user_model\n"
        "from comments.lifecycle import apply\n"
        "from comments.models import PostComment\n"
        f"apply(PostComment.objects.get(pk={comment.pk}), 'approve', get_user_model().objects.get(pk={moderator.pk}))\n"
    )
    front_cache.wait_for(post.url, text)
    assert front_cache.status(post.url) == "HIT"

    edited = f"Bearbeitet von der Redaktion {uuid.uuid4().hex[:8]}"
    front_cache.run(
        "from django.contrib.auth import get_user_model\n"
        "from comments.lifecycle import edit\n"
        "from comments.models import PostComment\n"
        f"edit(PostComment.objects.get(pk={comment.pk}), {edited!r}, "
        f"get_user_model().objects.get(pk={moderator.pk}))\n"
    )
    front_cache.wait_for(post.url, edited)


def test_requests_with_a_personal_cookie_are_never_served_from_or_stored_in_the_front_cache(
    front_cache, post, author, category
):
    front_cache.get(post.url)
    assert front_cache.status(post.url) == "HIT"
    index = post.get_parent().url
    # One page per cookie that nobody has requested yet.
    fresh_pages = {"sessionid": "/", "comment_preview": index, "messages": index + f"autor/{author.slug}/"}
    for cookie, path in fresh_pages.items():
        assert front_cache.status(post.url, cookies={cookie: "abc"}) == "BYPASS", cookie
        assert front_cache.status(post.url, cookies={"csrftoken": "x" * 32, cookie: "abc"}) == "BYPASS", cookie
        # A page first requested with the cookie is not stored: the next anonymous reader misses.
        assert front_cache.status(path, cookies={cookie: "abc"}) == "BYPASS", cookie
        assert front_cache.status(path) == "MISS", f"nginx stored a page rendered for a {cookie} cookie"
        assert front_cache.status(path) == "HIT"


def test_a_response_that_sets_a_cookie_is_never_stored(front_cache, post):
    # An invalid CSRF cookie passes nginx's map, and Django answers it with a new one (Set-Cookie).
    # The app's own page cache does not store that response either, so nginx sees it twice.
    path = post.get_parent().url
    first = front_cache.get(path, cookies={"csrftoken": "kaputt"})
    assert "csrftoken=" in (first.headers.get("Set-Cookie") or ""), dict(first.headers)
    assert first.headers["X-Front-Cache"] == "MISS"
    second = front_cache.get(path)
    assert second.headers["X-Front-Cache"] == "MISS", "nginx stored a response that set a cookie"
    assert "Set-Cookie" not in second.headers
    assert front_cache.status(path) == "HIT"


def test_the_docs_config_purges_https_pages_through_the_http_purge_server(front_cache, post):
    """The purge reaches nginx over http with only the Host header, as Wagtail's HTTPBackend sends
    it; the cached page was requested over https. A cache key with $scheme would never match."""
    front_cache.get(post.url)
    assert front_cache.status(post.url) == "HIT"
    out = front_cache.run(
        "import json\n"
        "from wagtail.models import Page\n"
        "from wagtail.contrib.frontend_cache.utils import purge_page_from_cache\n"
        f"page = Page.objects.get(pk={post.pk})\n"
        "print(json.dumps(page.get_full_url()))\n"
        "purge_page_from_cache(page)\n"
    )
    assert json.loads(out.strip().splitlines()[-1]) == f"https://{DOCS_HOST}{post.url}"
    deadline = time.monotonic() + 20
    while front_cache.status(post.url) == "HIT":
        assert time.monotonic() < deadline, "the purge did not remove the https page from nginx's cache"
        time.sleep(0.2)
