"""WordPress tags become Schlagwörter on their posts; a rerun adds and loses nothing; old /tag/ addresses 301."""

import pytest

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Revision

from blog.models import BlogPostPage, BlogPostTag, PostTag
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db


def post(wp_id):
    mapping = ImportedObject.objects.get(kind="post", wp_id=str(wp_id))
    return BlogPostPage.objects.get(pk=mapping.object_id)


def tag_names(wp_id):
    return sorted(post(wp_id).tags.values_list("name", flat=True))


def tag_state():
    return {
        "tags": sorted(PostTag.objects.values_list("slug", "name")),
        "links": sorted(BlogPostTag.objects.values_list("content_object_id", "tag__slug")),
        "revisions": Revision.objects.count(),
        "redirects": Redirect.objects.count(),
        "mappings": ImportedObject.objects.count(),
    }


def variant(export_path, tmp_path, name, *replacements):
    text = export_path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def without_tags(export_path, tmp_path):
    lines = export_path.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "ohne-schlagwoerter.xml"
    path.write_text(
        "".join(line for line in lines if "post_tag" not in line and "<wp:tag>" not in line), encoding="utf-8"
    )
    return path


def row(output, label):
    return next(line for line in output.splitlines() if line.startswith(label)).split()[1:5]


def test_wordpress_tags_become_schlagwoerter_with_german_slugs_on_their_posts(imported):
    assert sorted(PostTag.objects.values_list("slug", "name")) == [
        ("maare", "Maare"),
        ("pruem", "Prüm"),
        ("uexheim", "Üxheim"),
    ]
    assert tag_names(100) == ["Maare", "Prüm"]
    assert tag_names(103) == ["Prüm", "Üxheim"]
    assert tag_names(102) == []
    # The channel's tags by their WordPress id, a tag only a post names by its WordPress slug.
    assert set(ImportedObject.objects.filter(kind="tag").values_list("wp_id", flat=True)) == {"9", "11", "slug:üxheim"}
    # The live revision carries the tags too: publishing it again does not drop them.
    assert sorted(tag.name for tag in post(100).get_latest_revision_as_object().tags.all()) == ["Maare", "Prüm"]


def test_the_report_counts_tags(imported):
    assert row(imported, "Schlagwörter") == ["3", "0", "0", "0"]


def test_a_rerun_adds_nothing_and_loses_nothing(imported, run_import, export_path):
    before = tag_state()
    output = run_import(export_path)
    assert tag_state() == before
    assert row(output, "Schlagwörter") == ["0", "0", "3", "0"]


@pytest.mark.parametrize(
    ("old_url", "new_url"),
    [
        ("/tag/pr%C3%BCm/", "/beitraege/schlagwort/pruem/"),
        ("/tag/pr%c3%bcm/feed/", "/beitraege/schlagwort/pruem/feed/"),
        ("/tag/%C3%9Cxheim/", "/beitraege/schlagwort/uexheim/"),
        ("/tag/%c3%bcxheim/", "/beitraege/schlagwort/uexheim/"),
        ("/tag/maare/", "/beitraege/schlagwort/maare/"),
    ],
)
def test_old_tag_addresses_answer_301_to_the_german_archive(imported, client, old_url, new_url):
    response = client.get(old_url)
    assert (response.status_code, response.get("Location")) == (301, new_url)
    assert client.get(new_url).status_code == 200


def test_a_tag_that_exists_under_the_same_name_is_adopted_and_its_old_address_redirects(
    run_import, export_path, client
):
    existing = PostTag.objects.create(name="Prüm", slug="pruem-stadt")
    output = run_import(export_path)
    assert PostTag.objects.filter(name="Prüm").count() == 1
    assert existing in post(100).tags.all()
    assert "Schlagwort „Prüm“ gab es schon" in output
    # /tag/prüm/ names no tag here (find_tag answers 404): the import's redirect takes that 404.
    response = client.get("/tag/pr%C3%BCm/")
    assert (response.status_code, response.get("Location")) == (301, "/beitraege/schlagwort/pruem-stadt/")
    response = client.get("/tag/pr%C3%BCm/feed/")
    assert (response.status_code, response.get("Location")) == (301, "/beitraege/schlagwort/pruem-stadt/feed/")


def test_tags_reach_posts_imported_before_tags_were_imported(run_import, export_path, tmp_path):
    run_import(without_tags(export_path, tmp_path))
    assert not PostTag.objects.exists()
    revisions = {wp_id: post(wp_id).revisions.count() for wp_id in (100, 102, 103)}
    output = run_import(export_path)
    assert tag_names(100) == ["Maare", "Prüm"]
    assert tag_names(103) == ["Prüm", "Üxheim"]
    # Only the posts that carry tags get a revision; the others keep their hash.
    assert post(100).revisions.count() == revisions[100] + 1
    assert post(103).revisions.count() == revisions[103] + 1
    assert post(102).revisions.count() == revisions[102]
    assert row(output, "Beiträge ")[:2] == ["0", "2"]


def test_a_tag_renamed_in_wordpress_is_renamed_here_and_keeps_its_slug(imported, run_import, export_path, tmp_path):
    newer = variant(
        export_path,
        tmp_path,
        "umbenannt.xml",
        ("<wp:tag_name><![CDATA[Prüm]]>", "<wp:tag_name><![CDATA[Prüm (Stadt)]]>"),
    )
    output = run_import(newer)
    assert PostTag.objects.get(slug="pruem").name == "Prüm (Stadt)"
    assert PostTag.objects.count() == 3
    assert row(output, "Schlagwörter")[:2] == ["0", "1"]


def test_a_tag_an_editor_deleted_is_not_created_again(imported, run_import, export_path):
    PostTag.objects.filter(slug="uexheim").delete()
    output = run_import(export_path)
    assert not PostTag.objects.filter(name="Üxheim").exists()
    assert tag_names(103) == ["Prüm"]
    assert "in Wagtail gelöscht" in output


def test_a_tag_an_editor_took_off_a_post_stays_off(imported, run_import, export_path):
    page = post(100)
    page.tags.remove("Maare")
    page.save_revision().publish()
    run_import(export_path)
    assert tag_names(100) == ["Prüm"]
    assert PostTag.objects.filter(slug="maare").exists()


def test_a_tag_without_letters_gets_a_slug_of_its_own_and_its_old_address_redirects(
    run_import, export_path, tmp_path, client
):
    party = '<category domain="post_tag" nicename="%f0%9f%8e%89"><![CDATA[🎉]]></category>'
    maare = '<category domain="post_tag" nicename="maare"><![CDATA[Maare]]></category>'
    run_import(variant(export_path, tmp_path, "emoji.xml", (maare, maare + party)))
    tag = PostTag.objects.get(name="🎉")
    assert tag.slug.startswith("schlagwort-") and tag.slug.isascii()
    assert "🎉" in tag_names(100)
    response = client.get("/tag/%F0%9F%8E%89/")
    assert (response.status_code, response.get("Location")) == (301, f"/beitraege/schlagwort/{tag.slug}/")
