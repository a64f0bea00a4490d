"""The admin shows staff avatars without asking gravatar.com: no hash of a staff address leaves the site."""

import hashlib

import pytest

from django.contrib.auth import get_user_model

ADDRESS = "Chefredaktion@Wir-Leben-Eifel.example"


@pytest.fixture
def chief_editor(db):
    return get_user_model().objects.create_superuser("chefin", ADDRESS, "ein-langes-passwort")


@pytest.fixture
def edited_post(post, chief_editor):
    """A post whose owner and latest revision are the chief editor's, so the admin shows her avatar."""
    post.owner = chief_editor
    post.save_revision(user=chief_editor).publish(user=chief_editor)
    return post


def test_admin_pages_name_neither_gravatar_nor_a_hash_of_the_staff_address(client, chief_editor, edited_post):
    client.force_login(chief_editor)
    address = ADDRESS.lower().encode()
    hashes = [hashlib.md5(address).hexdigest(), hashlib.sha256(address).hexdigest()]  # noqa: S324
    pages = [
        "/admin/",
        "/admin/account/",
        "/admin/pages/",
        f"/admin/pages/{edited_post.get_parent().pk}/",
        f"/admin/pages/{edited_post.pk}/edit/",
        f"/admin/pages/{edited_post.pk}/history/",
        "/admin/users/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode().lower()
        assert "gravatar" not in html, url
        for digest in hashes:
            assert digest not in html, url
