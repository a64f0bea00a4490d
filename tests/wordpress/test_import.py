"""`manage.py import_wordpress`: what it creates from the test export, and that a rerun changes nothing."""

import datetime
import io
from pathlib import Path

import pytest

from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, Revision

from blog.models import Author, BlogPostPage, Category
from comments import lifecycle
from comments.models import PostComment, Status
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db


def post(wp_id):
    mapping = ImportedObject.objects.get(kind="post", wp_id=str(wp_id))
    return BlogPostPage.objects.get(pk=mapping.object_id)


def comment(wp_id):
    mapping = ImportedObject.objects.get(kind="comment", wp_id=str(wp_id))
    return PostComment.objects.get(pk=mapping.object_id)


def snapshot():
    """How many of everything the import writes exist: equal snapshots mean nothing was written."""
    return {
        "pages": BlogPostPage.objects.count(),
        "revisions": Revision.objects.count(),
        "comments": PostComment.objects.count(),
        "authors": Author.objects.count(),
        "categories": Category.objects.count(),
        "images": get_image_model().objects.count(),
        "redirects": Redirect.objects.count(),
        "mappings": ImportedObject.objects.count(),
    }


# --- Authors and categories ---------------------------------------------------------------------


def test_authors_are_created_with_display_name_and_internal_email(imported):
    klaus = Author.objects.get(slug="klaus-schaefer")
    assert klaus.name == "Klaus Schäfer"
    assert klaus.email == "klaus.schaefer@example.org"
    anna = Author.objects.get(slug="anna-mueller")
    assert anna.name == "Anna Müller"
    mapping = ImportedObject.objects.get(kind="author", wp_id="3")
    assert mapping.extra["login"] == "anna.mueller"


def test_categories_keep_name_description_and_the_wordpress_parent(imported):
    region = Category.objects.get(slug="region")
    assert region.name == "Region & Leben"
    vulkaneifel = Category.objects.get(slug="vulkaneifel")
    assert vulkaneifel.description == "Maare – Kraterseen"
    assert ImportedObject.objects.get(kind="category", wp_id="4").extra["parent_category_id"] == region.pk
    assert vulkaneifel.parent == region
    assert region.parent is None
    # A percent-encoded WordPress slug with an umlaut becomes an ASCII slug the archive URL accepts.
    assert Category.objects.get(slug="oekonomie").name == "Ökonomie"


def test_post_without_known_author_gets_the_redaktion_author_and_a_note(imported):
    assert post(103).authors == [Author.objects.get(slug="redaktion")]
    assert "Autor(in) „ghost“ fehlt im Export" in imported


# --- Posts ----------------------------------------------------------------------------------------


def test_published_post_is_live_with_fields_authors_and_categories(imported):
    page = post(100)
    assert page.live
    assert page.title == "Strukturwandel in der Eifel: Dörfer & Höfe"
    assert page.slug == "strukturwandel-in-der-eifel"
    assert page.date == datetime.date(2019, 3, 5)
    assert page.first_published_at == datetime.datetime(2019, 3, 5, 9, 0, tzinfo=datetime.UTC)
    assert page.intro == "Wie sich Dörfer & Höfe in der Eifel wandeln."
    assert page.authors == [Author.objects.get(slug="klaus-schaefer")]
    assert {category.slug for category in page.categories.all()} == {"region", "vulkaneifel"}
    assert page.comments_enabled
    assert page.live_revision_id == page.latest_revision_id


def test_body_keeps_paragraphs_headings_lists_links_images_and_quotes(imported):
    body = [(block.block_type, block.value) for block in post(100).body]
    assert [block_type for block_type, _value in body] == [
        "paragraph",
        "heading",
        "paragraph",
        "image",
        "quote",
        "heading",
        "paragraph",
        "paragraph",
        "paragraph",
    ]
    first = str(body[0][1])
    assert "<b>Eifel</b>" in first
    assert "verändert sich – schneller" in first
    assert '<a href="https://www.eifel.info/">Eifel-Tourismus</a>' in first
    assert body[1][1]["text"] == "Was sich ändert" and body[1][1]["size"] == "h2"
    assert str(body[2][1]) == "<ul><li>Höfe schließen</li><li>Neue <i>Betriebe</i> entstehen</li></ul>"
    assert body[3][1]["caption"] == "Das Pulvermaar im Frühling"
    assert body[3][1]["image"].title == "Blick über das Maar"
    assert body[4][1]["text"] == "Die Eifel ist rau, aber herzlich."
    assert body[4][1]["attribution"] == "Bürgermeisterin Maria Löhr"
    assert body[5][1]["size"] == "h3"  # an <h4> becomes the smaller heading
    assert 'href="https://www.youtube.com/watch?v=eifel123"' in str(body[6][1])


def test_shortcodes_block_comments_scripts_and_event_handlers_are_removed(imported):
    source = post(100).body.raw_data
    text = str(source)
    assert "wp:" not in text
    assert "vc_row" not in text and "contact-form-7" not in text
    assert "mit Zusatz" in text  # the inner text of an unknown shortcode is kept
    assert "[sic]" in text  # bracketed text that is no shortcode stays
    assert "<script" not in text and "alert" not in text and "onclick" not in text and "javascript" not in text


def test_classic_post_gets_wpautop_paragraphs_entities_and_survives_broken_html(imported):
    page = post(103)
    assert page.title == 'Brücken – "neu" gebaut'
    paragraphs = [str(block.value) for block in page.body if block.block_type == "paragraph"]
    assert paragraphs[0] == "<p>Die Brücke über die Kyll ist fertig.<br/>Sie wurde älter als gedacht.</p>"
    assert paragraphs[1] == "<p>Zweiter Absatz mit über-Entität „Zitat“ und <i>Betonung</i>.</p>"
    assert "<p><b>Kaputtes <i>HTML</i></b></p>" in paragraphs
    headings = [block.value["text"] for block in page.body if block.block_type == "heading"]
    assert headings == ["Kleine Überschrift"]


def test_images_are_imported_once_from_the_media_dir_and_missing_files_are_counted(imported):
    image = get_image_model().objects.get()
    assert post(100).featured_image == image
    # The resized inline copy (maar-300x200.jpg) is the same attachment: no second image.
    images_in_103 = [block.value["image"] for block in post(103).body if block.block_type == "image"]
    assert images_in_103 == [image]
    assert "Bilder: Datei nicht im Medienordner: 1" in imported


def test_without_media_dir_images_are_dropped_and_counted(run_import, export_path):
    output = run_import(export_path, media=False)
    assert get_image_model().objects.count() == 0
    assert post(100).featured_image is None
    assert not [block for block in post(100).body if block.block_type == "image"]
    assert "Bilder: Datei nicht im Medienordner" in output


def test_draft_and_pending_posts_are_saved_but_not_live(imported):
    draft = post(101)
    assert not draft.live and draft.has_unpublished_changes
    assert draft.slug == "entwurf-faehre-ueber-die-mosel"  # WordPress drafts have no slug yet
    assert draft.latest_revision is not None
    assert not post(106).live


def test_private_post_is_live_behind_a_login_restriction(imported):
    page = post(102)
    assert page.live
    restriction = PageViewRestriction.objects.get(page=page)
    assert restriction.restriction_type == PageViewRestriction.LOGIN
    assert not page.comments_enabled


def test_future_post_is_scheduled_not_live(imported):
    page = post(104)
    assert not page.live
    assert page.go_live_at == datetime.datetime(2099, 6, 1, 8, 0, tzinfo=datetime.UTC)
    assert page.latest_revision.approved_go_live_at == page.go_live_at


def test_trashed_posts_and_pages_are_skipped_with_reasons(imported):
    assert not ImportedObject.objects.filter(kind="post", wp_id__in=["105", "200"]).exists()
    assert "Beiträge: Status „trash“: 1" in imported
    assert "Beiträge: Seite (Seiten werden nicht importiert): 1" in imported


def test_duplicated_slug_gets_a_suffix_and_is_reported(imported):
    assert post(103).slug == "strukturwandel-in-der-eifel-2"
    assert "Kurzname „strukturwandel-in-der-eifel“ ist schon vergeben" in imported


def test_progress_and_final_table_are_printed(imported):
    assert "Beiträge: 7/7" in imported
    header = next(line for line in imported.splitlines() if "übersprungen" in line and "neu" in line)
    assert header.split() == ["neu", "aktualisiert", "unverändert", "übersprungen"]
    posts_row = next(line for line in imported.splitlines() if line.startswith("Beiträge "))
    assert posts_row.split()[1:] == ["6", "0", "0", "2"]


# --- Comments -------------------------------------------------------------------------------------


def test_comments_keep_names_emails_urls_dates_and_shortened_ips(run_import, export_path, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 365 * 100  # the test comments are from 2019
    run_import(export_path)
    erna = comment(501)
    assert erna.user_name == "Erna Bäcker"
    assert erna.user_email == "erna.baecker@example.org"
    assert erna.user_url == "https://erna.example.org"
    assert erna.comment == "Schöner Artikel – danke!"
    assert erna.submit_date == datetime.datetime(2019, 3, 5, 11, 0, tzinfo=datetime.UTC)
    assert erna.ip_address == "192.168.17.0"
    assert comment(502).ip_address == "2001:db8:85a3::"
    assert erna.object_pk == str(post(100).pk)
    assert erna.content_type.model_class() is BlogPostPage
    assert erna.is_public and not erna.is_removed


def test_ip_addresses_older_than_the_retention_period_are_not_stored(imported):
    assert PostComment.objects.count() == 10
    assert not PostComment.objects.exclude(ip_address=None).exists()


def test_ip_addresses_are_not_stored_when_storage_is_off(run_import, export_path, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 365 * 100
    settings.COMMENTS_IP_STORAGE = "none"
    run_import(export_path)
    assert not PostComment.objects.exclude(ip_address=None).exists()


def test_pending_comment_is_held_for_moderation(imported):
    held = comment(503)
    assert not held.is_public and not held.is_removed
    assert held.parent_id == comment(502).pk


def test_spam_trash_and_pingbacks_are_not_imported_but_counted(imported):
    assert not ImportedObject.objects.filter(kind="comment", wp_id__in=["504", "505", "506"]).exists()
    assert "Kommentare: Spam: 1" in imported
    assert "Kommentare: Papierkorb: 1" in imported
    assert "Kommentare: Pingback/Trackback: 1" in imported


def test_reply_threads_are_kept(imported):
    top, reply = comment(501), comment(502)
    assert top.level == 0 and top.thread_id == top.pk
    assert reply.parent_id == top.pk and reply.level == 1 and reply.thread_id == top.pk


def test_replies_deeper_than_allowed_hang_on_the_deepest_allowed_ancestor(imported, settings):
    chain = [comment(wp_id) for wp_id in range(510, 516)]
    assert [c.level for c in chain] == [0, 1, 2, 3, 4, settings.COMMENTS_XTD_MAX_THREAD_LEVEL]
    assert chain[5].parent_id == chain[3].pk  # level 5 in WordPress: a sibling of level 4 here
    assert {c.thread_id for c in chain} == {chain[0].pk}


def test_reply_to_a_spam_comment_becomes_a_top_level_comment(imported):
    orphan = comment(520)
    assert orphan.level == 0 and orphan.parent_id == orphan.pk


def test_imported_emails_never_appear_on_the_public_post_page(imported, client):
    response = client.get(post(100).url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Erna Bäcker" in html  # the comments are there …
    for address in ("erna.baecker@example.org", "klaus.schaefer@example.org", "joerg@example.org"):
        assert address not in html  # … their addresses are not
    assert "Noch nicht freigegeben" not in html  # held comments stay hidden


# --- Idempotency and updates ----------------------------------------------------------------------


def test_second_run_changes_nothing(run_import, export_path):
    run_import(export_path)
    before = snapshot()
    output = run_import(export_path)
    assert snapshot() == before
    for line in output.splitlines():
        if line.startswith(
            ("Autor", "Kategorien", "Schlagwörter", "Beiträge ", "Kommentare ", "Bilder ", "Weiterleitungen")
        ):
            created, updated = line.split()[1:3]
            assert (created, updated) == ("0", "0"), line


def test_newer_export_adds_and_updates(run_import, export_path, tmp_path):
    run_import(export_path)
    revisions_of_100 = post(100).revisions.count()
    revisions_of_102 = post(102).revisions.count()
    newer = export_path.read_text(encoding="utf-8")
    newer = newer.replace("Strukturwandel in der Eifel: Dörfer &amp; Höfe", "Strukturwandel: neue Fassung")
    held = (
        "<wp:comment_content><![CDATA[Noch nicht freigegeben.]]></wp:comment_content><wp:comment_approved><![CDATA[0]]>"
    )
    assert held in newer
    newer = newer.replace(held, held.replace("[0]", "[1]"))
    new_comment = (
        "<wp:comment><wp:comment_id>530</wp:comment_id><wp:comment_author><![CDATA[Neu Hinzu]]></wp:comment_author>"
        "<wp:comment_author_email><![CDATA[neu@example.org]]></wp:comment_author_email>"
        "<wp:comment_date_gmt><![CDATA[2019-03-08 09:00:00]]></wp:comment_date_gmt>"
        "<wp:comment_content><![CDATA[Später geschrieben.]]></wp:comment_content>"
        "<wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_parent>501</wp:comment_parent>"
        "</wp:comment>\n\t</item>"
    )
    newer = newer.replace("</wp:comment>\n\t</item>", "</wp:comment>\n\t" + new_comment, 1)
    new_post = """<item><title>Neu im Export</title><link>https://www.wir-leben-eifel.de/2019/06/01/neu/</link>
        <dc:creator>kschaefer</dc:creator><content:encoded><![CDATA[<p>Frisch.</p>]]></content:encoded>
        <wp:post_id>108</wp:post_id><wp:post_date>2019-06-01 10:00:00</wp:post_date>
        <wp:post_date_gmt>2019-06-01 08:00:00</wp:post_date_gmt><wp:post_name>neu</wp:post_name>
        <wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel>"""
    newer = newer.replace("</channel>", new_post)
    newer_path = tmp_path / "newer.xml"
    newer_path.write_text(newer, encoding="utf-8")

    output = run_import(newer_path)

    assert post(100).title == "Strukturwandel: neue Fassung"
    assert post(100).live
    assert post(100).revisions.count() == revisions_of_100 + 1
    assert post(102).revisions.count() == revisions_of_102
    assert comment(503).is_public
    assert comment(530).parent_id == comment(501).pk
    assert post(108).live
    posts_row = next(line for line in output.splitlines() if line.startswith("Beiträge "))
    assert posts_row.split()[1:4] == ["1", "1", "5"]
    comments_row = next(line for line in output.splitlines() if line.startswith("Kommentare "))
    assert comments_row.split()[1:4] == ["1", "1", "9"]


def test_post_edited_in_wagtail_is_not_overwritten_by_a_newer_export(run_import, export_path, tmp_path):
    run_import(export_path)
    page = post(102)
    page.title = "Von der Redaktion überarbeitet"
    page.save_revision().publish()
    newer_path = tmp_path / "newer.xml"
    newer_path.write_text(
        export_path.read_text(encoding="utf-8").replace("Interne Notiz der Redaktion", "Geänderte Notiz"),
        encoding="utf-8",
    )
    output = run_import(newer_path)
    assert post(102).title == "Von der Redaktion überarbeitet"
    assert "nach dem Import in Wagtail bearbeitet" in output


def test_dry_run_reports_without_writing(run_import, export_path, settings):
    before = snapshot()
    output = run_import(export_path, "--dry-run")
    assert snapshot() == before
    assert "Probelauf" in output
    posts_row = next(line for line in output.splitlines() if line.startswith("Beiträge "))
    assert posts_row.split()[1] == "6"
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.jpg"))  # no image file written either


# --- Bad input ------------------------------------------------------------------------------------


def test_missing_file_is_a_clear_error(run_import, tmp_path):
    with pytest.raises(CommandError, match="gibt es nicht"):
        run_import(tmp_path / "nicht-da.xml")


def test_no_blog_index_is_a_clear_error(db, export_path):
    with pytest.raises(CommandError, match="keine Beitragsübersicht"):
        call_command("import_wordpress", str(export_path), stdout=io.StringIO())


def test_imported_held_comments_send_no_email_to_the_moderators(
    run_import, export_path, mailoutbox, django_capture_on_commit_callbacks, django_user_model
):
    moderator = django_user_model.objects.create_user("moderatorin", "moderatorin@example.org", "x")
    moderator.user_permissions.add(Permission.objects.get(codename="change_postcomment"))
    with django_capture_on_commit_callbacks(execute=True):
        run_import(export_path)
    assert not comment(503).is_public
    assert mailoutbox == []
    # A comment held on this site (not by the import) still reaches the moderators.
    held = comment(503)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.submit(
            post=BlogPostPage.objects.get(pk=held.object_pk),
            parent=None,
            name="Neu",
            email="neu@example.org",
            url="",
            text="Nach dem Import geschrieben.",
            site_id=held.site_id,
            ip_address=None,
            user=None,
            author_token="",
            status=Status.PENDING,
            reasons=[],
        )
    assert [message.to for message in mailoutbox] == [["moderatorin@example.org"]]


CATEGORIES_ONLY = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
{terms}
</channel></rss>
"""
TERM = (
    "<wp:category><wp:term_id>{wp_id}</wp:term_id><wp:category_nicename>{slug}</wp:category_nicename>"
    "<wp:category_parent>{parent}</wp:category_parent><wp:cat_name>{name}</wp:cat_name></wp:category>"
)


def categories_export(tmp_path, *terms, name="kategorien.xml"):
    path = tmp_path / name
    body = "\n".join(TERM.format(wp_id=i, slug=slug, parent=parent, name=title) for i, slug, parent, title in terms)
    path.write_text(CATEGORIES_ONLY.format(terms=body), encoding="utf-8")
    return path


def test_a_child_listed_before_its_parent_gets_the_parent_once_it_comes(run_import, tmp_path):
    run_import(
        categories_export(tmp_path, (11, "daun", "vulkaneifel", "Daun"), (10, "vulkaneifel", "", "Vulkaneifel")),
        media=False,
    )
    assert Category.objects.get(slug="daun").parent == Category.objects.get(slug="vulkaneifel")


def test_a_cycle_in_the_export_leaves_the_category_without_parent_and_the_import_goes_on(run_import, tmp_path):
    output = run_import(
        categories_export(tmp_path, (20, "a", "b", "A"), (21, "b", "a", "B"), (22, "c", "", "C")), media=False
    )
    a, b = Category.objects.get(slug="a"), Category.objects.get(slug="b")
    assert not (a.parent == b and b.parent == a)
    assert Category.objects.filter(slug="c").exists()
    assert "Traceback" not in output


def test_a_parent_an_editor_changed_survives_a_rerun_with_unchanged_data(run_import, tmp_path):
    export = categories_export(tmp_path, (30, "eifel", "", "Eifel"), (31, "maare", "eifel", "Maare"))
    run_import(export, media=False)
    maare = Category.objects.get(slug="maare")
    maare.parent = None
    maare.save()
    run_import(export, media=False)
    maare.refresh_from_db()
    assert maare.parent is None
    # A changed parent in WordPress is taken over.
    run_import(
        categories_export(
            tmp_path,
            (30, "eifel", "", "Eifel"),
            (32, "natur", "", "Natur"),
            (31, "maare", "natur", "Maare"),
            name="b.xml",
        ),
        media=False,
    )
    maare.refresh_from_db()
    assert maare.parent == Category.objects.get(slug="natur")


def test_a_wordpress_reimport_does_not_publish_a_held_reply(run_import, export_path):
    run_import(export_path)
    parent = PostComment.objects.get(comment__startswith="Gern geschehen")  # approved on WordPress
    reply = PostComment.objects.get(comment="Noch nicht freigegeben.")  # held on WordPress, answers it
    assert reply.parent_id == parent.pk and not reply.is_public
    PostComment.objects.filter(pk=parent.pk).update(comment="Geändert, damit der nächste Import speichert")

    run_import(export_path)

    reply.refresh_from_db()
    assert (reply.status, reply.is_public) == (Status.PENDING, False)
