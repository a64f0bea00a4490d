"""The foundation: settings, health check, demo content."""

import io
import subprocess
import sys

import pytest

from django.db import connection

from blog.models import BlogPostPage
from home.demo_content import SEED_SLUG


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "de"
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.USE_TZ is True


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    from django.db import OperationalError

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_demo_content_is_idempotent_and_serves_the_seed_article(demo_site, client):
    from django.core.management import call_command

    call_command("load_demo_content", "--no-accounts", verbosity=0, stdout=io.StringIO())
    assert BlogPostPage.objects.count() >= 9
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    assert [author.name for author in seed.authors] == ["Klaus Schäfer"]
    assert sorted(c.name for c in seed.categories.all()) == ["Demographie", "Sonstiges", "Wirtschaft"]
    response = client.get(seed.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "15. September 2015" in html
    assert "Dipl.-Soz. Gudrun Kirchhoff" in html
    assert "030/39001-191" in html


def test_production_settings_refuse_to_start_without_secret_key():
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
