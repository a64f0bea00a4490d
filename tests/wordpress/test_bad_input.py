"""Broken or hostile export files: a clear German message, a partial report, never a traceback."""

import io
import os
import subprocess
import sys

import pytest

from django.core.management import CommandError, call_command

from blog.models import BlogPostPage

pytestmark = pytest.mark.django_db

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/{version}/">
<channel><wp:wxr_version>{version}</wp:wxr_version>
"""
POST = """<item><title>Beitrag {wp_id}</title><link>https://alt.example/{wp_id}/</link>
<dc:creator>niemand</dc:creator><content:encoded><![CDATA[<p>Text {wp_id}</p>]]></content:encoded>
<wp:post_id>{wp_id}</wp:post_id><wp:post_date>2020-01-01 10:00:00</wp:post_date>
<wp:post_name>beitrag-{wp_id}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
"""


def write(tmp_path, text):
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    return path


def run(path):
    stdout = io.StringIO()
    try:
        call_command("import_wordpress", str(path), stdout=stdout)
    except CommandError as error:
        return stdout.getvalue(), str(error)
    return stdout.getvalue(), None


def test_malformed_xml_names_line_and_column_and_keeps_what_came_before(blog_index, tmp_path):
    text = HEADER.format(version="1.2") + POST.format(wp_id=1) + "<item><title>kaputt</titel>\n</channel></rss>"
    output, error = run(write(tmp_path, text))
    assert error is not None
    assert "Die Datei ist kein gültiges XML: Zeile 9, Spalte" in error
    assert BlogPostPage.objects.filter(title="Beitrag 1").exists()
    posts_row = next(line for line in output.splitlines() if line.startswith("Beiträge "))
    assert posts_row.split()[1] == "1"


def test_malformed_xml_gives_no_traceback_on_the_command_line(tmp_path, settings):
    path = write(tmp_path, "<?xml version='1.0'?>\n<rss>\n<channel>&</channel></rss>")
    # A file that breaks before its first entry is refused before the database is touched, so the
    # command line run needs no test database.
    result = subprocess.run(
        [sys.executable, "manage.py", "import_wordpress", str(path)],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Die Datei ist kein gültiges XML: Zeile 3, Spalte 10" in result.stderr


def test_unknown_wxr_version_is_named(blog_index, tmp_path):
    text = HEADER.format(version="9.9") + POST.format(wp_id=1) + "</channel></rss>"
    _output, error = run(write(tmp_path, text))
    assert "Unbekannte WXR-Version „9.9“" in error
    assert not BlogPostPage.objects.exists()


def test_a_file_that_is_not_a_wordpress_export_is_refused(blog_index, tmp_path):
    _output, error = run(write(tmp_path, "<?xml version='1.0'?><html><body>Hallo</body></html>"))
    assert "keine WordPress-Exportdatei" in error


def test_entity_expansion_attack_is_refused(blog_index, tmp_path):
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<rss><channel><title>&b;</title></channel></rss>"
    )
    _output, error = run(write(tmp_path, text))
    assert "DTD" in error


def test_one_broken_post_does_not_stop_the_others(blog_index, tmp_path):
    # A publication date at the very end of the calendar cannot be shown in local time: only this
    # post fails, and it is listed as an error.
    broken = POST.format(wp_id=2).replace(
        "<wp:post_date>2020-01-01 10:00:00</wp:post_date>", "<wp:post_date_gmt>9999-12-31 23:59:59</wp:post_date_gmt>"
    )
    # Both name a category missing from the export's list: made for post 2, rolled back with it,
    # and made again for post 3.
    category = '<category domain="category" nicename="neu"><![CDATA[Neu]]></category></item>'
    broken = broken.replace("</item>", category)
    third = POST.format(wp_id=3).replace("</item>", category)
    text = HEADER.format(version="1.1") + POST.format(wp_id=1) + broken + third + "</channel></rss>"
    output, error = run(write(tmp_path, text))
    assert sorted(BlogPostPage.objects.values_list("title", flat=True)) == ["Beitrag 1", "Beitrag 3"]
    assert [c.slug for c in BlogPostPage.objects.get(title="Beitrag 3").categories.all()] == ["neu"]
    assert "1 Einträge konnten nicht importiert werden" in error
    assert "Beitrag 2 „Beitrag 2“" in output
