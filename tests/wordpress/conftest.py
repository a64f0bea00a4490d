"""Fixtures for the WordPress import: the test export, a media folder with its image, a runner."""

import io
from pathlib import Path

import pytest
from PIL import Image as PillowImage

from django.core.management import call_command

DATA = Path(__file__).parent / "data"


@pytest.fixture
def export_path():
    return DATA / "export.xml"


@pytest.fixture
def media_dir(tmp_path, settings):
    """WordPress's uploads folder with the one image the export's posts use (2019/03/maar.jpg)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "uploads"
    (uploads / "2019" / "03").mkdir(parents=True)
    PillowImage.new("RGB", (80, 60), (40, 120, 60)).save(uploads / "2019" / "03" / "maar.jpg")
    return uploads


@pytest.fixture
def run_import(blog_index, media_dir):
    """Runs `manage.py import_wordpress` and returns what it printed."""

    def run(path, *args, media=True):
        stdout = io.StringIO()
        options = {"media_dir": str(media_dir)} if media else {}
        call_command("import_wordpress", str(path), *args, stdout=stdout, **options)
        return stdout.getvalue()

    return run


@pytest.fixture
def imported(run_import, export_path):
    """The test export, imported once."""
    return run_import(export_path)
