"""An editor writes a post in the Wagtail admin: authors, categories, preview, publish."""

from playwright.sync_api import expect

from blog.models import BlogIndexPage, BlogPostPage, Category

from .conftest import admin_log_in

TITLE = "Neues Bürgerbüro in Prüm eröffnet"


def test_editor_creates_previews_and_publishes_a_post(live_site, live_server, new_context, editor):
    index = BlogIndexPage.objects.get()
    category = Category.objects.order_by("name").first()
    admin = new_context(viewport={"width": 1400, "height": 1000}).new_page()
    admin_log_in(admin, live_server.url, "redakteurin", "schreiben-ist-wichtig-42")

    admin.goto(f"{live_server.url}/admin/pages/add/blog/blogpostpage/{index.pk}/")
    admin.fill("#id_title", TITLE)
    admin.fill("#id_intro", "Die Stadt Prüm hat ein neues Bürgerbüro im Rathaus eröffnet.")

    # Authors: the first (required) author row, filled through Wagtail's snippet chooser modal.
    admin.locator("#id_post_authors-FORMS").get_by_role("button", name="Autor(in) auswählen").first.click()
    modal = admin.locator(".modal-content")
    expect(modal).to_be_visible()
    modal.get_by_role("link", name="Maria Weber").click()
    expect(modal).to_be_hidden()
    expect(admin.locator("#id_post_authors-FORMS")).to_contain_text("Maria Weber")

    # Categories: checkboxes.
    admin.check(f"input[name=categories][value='{category.pk}']")

    # Preview in the side panel.
    admin.click("button[data-side-panel-toggle=preview]")
    preview = admin.frame_locator("iframe[id*=preview]")
    expect(preview.locator("h1")).to_contain_text(TITLE, timeout=30_000)

    # Publish (in the action menu's dropdown, below "save draft").
    admin.locator("footer .w-dropdown__toggle, footer [data-w-dropdown-target=toggle]").first.click()
    admin.click("button[name=action-publish]")
    expect(admin.locator(".messages")).to_contain_text(TITLE)

    post = BlogPostPage.objects.get(title=TITLE)
    assert post.live
    assert [author.name for author in post.authors] == ["Maria Weber"]
    assert list(post.categories.all()) == [category]

    reader = new_context().new_page()
    reader.goto(live_server.url + post.url)
    expect(reader.locator("h1")).to_contain_text(TITLE)
    expect(reader.locator("body")).to_contain_text(category.name)
    expect(reader.locator("body")).to_contain_text("Maria Weber")
