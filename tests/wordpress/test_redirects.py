"""Old WordPress addresses answer with a 301 to the imported page (Wagtail redirects, editable)."""

import pytest

from wagtail.contrib.redirects.models import Redirect

from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db


OLD_TO_NEW = [
    ("/2019/03/05/strukturwandel-in-der-eifel/", "/beitraege/strukturwandel-in-der-eifel/"),
    ("/2019/03/05/strukturwandel-in-der-eifel", "/beitraege/strukturwandel-in-der-eifel/"),
    ("/?p=100", "/beitraege/strukturwandel-in-der-eifel/"),
    ("/2019/04/03/strukturwandel-in-der-eifel/", "/beitraege/strukturwandel-in-der-eifel-2/"),
    ("/?p=103", "/beitraege/strukturwandel-in-der-eifel-2/"),
    ("/category/vulkaneifel/", "/beitraege/kategorie/vulkaneifel/"),
    ("/category/region/vulkaneifel/", "/beitraege/kategorie/vulkaneifel/"),
    ("/category/vulkaneifel/feed/", "/beitraege/kategorie/vulkaneifel/feed/"),
    ("/category/%c3%b6konomie/", "/beitraege/kategorie/oekonomie/"),
    ("/?cat=3", "/beitraege/kategorie/region/"),
    ("/author/kschaefer/", "/beitraege/autor/klaus-schaefer/"),
    ("/author/anna.mueller/", "/beitraege/autor/anna-mueller/"),
    ("/author/anna-mueller/", "/beitraege/autor/anna-mueller/"),
    ("/?author=2", "/beitraege/autor/klaus-schaefer/"),
    ("/feed/", "/beitraege/feed/"),
]


def test_old_wordpress_addresses_answer_301_to_the_new_pages(imported, client):
    # One import for all addresses (an import per address would make the suite much slower).
    answers = {}
    for old_url, _new_url in OLD_TO_NEW:
        response = client.get(old_url)
        answers[old_url] = (response.status_code, response.get("Location"))
    assert answers == {old_url: (301, new_url) for old_url, new_url in OLD_TO_NEW}
    for new_url in {new_url for _old_url, new_url in OLD_TO_NEW}:
        assert client.get(new_url).status_code == 200, new_url


def test_post_redirects_point_at_the_page_so_they_follow_moves(imported):
    mapping = ImportedObject.objects.get(kind="post", wp_id="100")
    redirect = Redirect.objects.get(old_path="/2019/03/05/strukturwandel-in-der-eifel")
    assert redirect.redirect_page_id == mapping.object_id
    assert redirect.is_permanent
    assert Redirect.objects.get(old_path="/?p=100").redirect_page_id == mapping.object_id


def test_unknown_query_link_still_shows_the_home_page(imported, client):
    assert client.get("/?p=999").status_code == 200
    assert client.get("/?p=abc").status_code == 200


def test_drafts_get_no_redirect_and_private_posts_ask_for_login(imported, client):
    assert not Redirect.objects.filter(old_path="/?p=101").exists()
    response = client.get("/?p=102")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 302  # Wagtail's login for private pages


def test_redirect_changed_by_an_editor_is_kept_on_rerun(imported, run_import, export_path, client):
    redirect = Redirect.objects.get(old_path="/feed")
    redirect.redirect_page = None
    redirect.redirect_link = "https://example.org/anderer-feed/"
    redirect.save()
    run_import(export_path)
    assert client.get("/feed/")["Location"] == "https://example.org/anderer-feed/"


def test_wordpress_comment_feeds_answer_301_to_our_comment_feeds(imported, client):
    post_id = ImportedObject.objects.get(kind="post", wp_id="100").object_id
    answers = {
        old_url: (response.status_code, response.get("Location"))
        for old_url in ("/comments/feed/", "/2019/03/05/strukturwandel-in-der-eifel/feed/")
        for response in [client.get(old_url)]
    }
    assert answers == {
        "/comments/feed/": (301, "/kommentare/feed/"),
        "/2019/03/05/strukturwandel-in-der-eifel/feed/": (301, f"/kommentare/beitrag/{post_id}/feed/"),
    }
    for _status, location in answers.values():
        response = client.get(location)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/rss+xml")
