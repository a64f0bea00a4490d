"""Security: headers, Content Security Policy, log-in throttling, `check --deploy`."""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from django.contrib.auth import get_user_model
from django.test import Client

from blog.models import BlogPostPage
from home.demo_content import SEED_SLUG

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def production_env(**extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "test-" + "k" * 60,
        "ALLOWED_HOSTS": "wir-leben-eifel.example",
    }
    env.update(extra)
    return env


def production_settings(**extra_env):
    """The production settings as a fresh process sees them with the given environment."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "names = ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', 'SECURE_REFERRER_POLICY', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', 'DEBUG', 'CONTENT_SECURITY_POLICY', 'STORAGES']; "
        "print(json.dumps({n: getattr(s, n) for n in names}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=production_env(**extra_env),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_no_warnings_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_hsts_secure_cookies_and_strict_referrer_policy():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"


def test_media_go_to_object_storage_only_when_a_bucket_is_named():
    assert production_settings()["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    with_bucket = production_settings(AWS_STORAGE_BUCKET_NAME="wle-media", AWS_S3_CUSTOM_DOMAIN="media.example")
    assert with_bucket["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert with_bucket["STORAGES"]["default"]["OPTIONS"]["bucket_name"] == "wle-media"
    assert "https://media.example" in with_bucket["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]


def test_google_is_allowed_to_run_scripts_only_in_recaptcha_mode_with_keys():
    without = production_settings()["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert without["script-src"] == ["'self'"]
    keys = {"RECAPTCHA_PUBLIC_KEY": "public", "RECAPTCHA_PRIVATE_KEY": "private"}
    altcha_with_keys = production_settings(**keys)["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert altcha_with_keys["script-src"] == ["'self'"]  # ALTCHA is the default: keys alone allow nothing
    with_keys = production_settings(COMMENTS_CAPTCHA="recaptcha", **keys)
    directives = with_keys["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert "https://www.google.com" in directives["script-src"]
    assert "https://www.google.com" in directives["frame-src"]
    assert "'unsafe-inline'" not in directives["script-src"]


def parse_policy(header):
    policy = {}
    for directive in header.split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def test_public_pages_carry_a_content_security_policy_without_inline_scripts(demo_site, client):
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    response = client.get(seed.url)
    assert response.status_code == 200
    policy = parse_policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] in (["'self'"], ["'none'"])
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_wagtail_admin_is_left_out_of_the_policy_because_it_needs_inline_scripts(db, client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


EXECUTABLE_SCRIPT_TYPES = {"text/javascript", "application/javascript", "module"}


class InlineCodeFinder(HTMLParser):
    """Collects what a `script-src 'self'; style-src 'self'` policy would block in a page."""

    def __init__(self):
        super().__init__()
        self.blocked = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # Data blocks (JSON-LD, JSON) are not executed, so the policy does not touch them.
        script_type = (attributes.get("type") or "text/javascript").lower()
        if tag == "script" and "src" not in attributes and script_type in EXECUTABLE_SCRIPT_TYPES:
            self._in_inline_script = True
        if tag == "style":
            self.blocked.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"{name} handler on <{tag}>")
            if name == "style":
                self.blocked.append(f"style attribute on <{tag}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.blocked.append(f"javascript: URL on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.blocked.append(f"inline script: {data.strip()[:60]}")


@pytest.mark.parametrize("which", ["post", "home", "index"])
def test_public_pages_contain_nothing_the_policy_would_block(demo_site, client, which):
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    url = {"post": seed.url, "home": demo_site.url, "index": seed.get_parent().url}[which]
    response = client.get(url)
    assert response.status_code == 200
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    assert finder.blocked == []


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        username="redaktion", password="richtiges-passwort-123", is_staff=True, is_superuser=True
    )


def admin_login(client, password, username="redaktion"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR="203.0.113.7")


def test_admin_log_in_works_with_the_right_password(editor):
    client = Client()
    response = admin_login(client, "richtiges-passwort-123")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_admin_log_in_is_locked_after_five_failures_with_a_german_message(editor, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = admin_login(client, "falsch")
        assert response.status_code == 200  # the log-in form again, with its error
    response = admin_login(client, "falsch")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Anmeldung vorübergehend gesperrt" in html
    assert "15 Minuten" in html
    # Even the right password is refused while the lock holds.
    response = admin_login(client, "richtiges-passwort-123")
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


def test_a_lock_for_one_address_leaves_others_able_to_log_in(editor, settings):
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login(attacker, "falsch")
    colleague = Client()
    response = colleague.post(
        "/admin/login/", {"username": "redaktion", "password": "richtiges-passwort-123"}, REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 302


def test_client_address_comes_from_the_trusted_proxy_entry_of_x_forwarded_for(rf, settings):
    from core.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"


def test_a_proxy_without_trusted_proxy_count_is_warned_about_once(rf, settings, caplog, monkeypatch):
    """Behind nginx with TRUSTED_PROXY_COUNT = 0 every reader has nginx's address: one reader's flood
    control or report limit then hits them all. The operator is told, once per process."""
    from core import security

    monkeypatch.setattr(security, "_warned_about_proxy", False)
    settings.TRUSTED_PROXY_COUNT = 0
    # A public peer sending X-Forwarded-For is just a client writing the header: no warning.
    security.client_ip(rf.get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="6.6.6.6"))
    assert not [r for r in caplog.records if r.name == "core.security"]
    for _ in range(3):
        security.client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"))
    warnings = [r for r in caplog.records if r.name == "core.security"]
    assert len(warnings) == 1 and "TRUSTED_PROXY_COUNT" in warnings[0].getMessage()
