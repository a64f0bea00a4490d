"""On a phone the menu leads straight to the categories and the archive (below the list of posts)."""

from playwright.sync_api import expect

from blog.models import BlogPostPage
from home.demo_content import SEED_SLUG


def test_phone_menu_reaches_categories_and_archive_without_scrolling(live_site, live_server, new_context):
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    phone = new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    for link_name, heading in (("Kategorien", "#kategorien h2"), ("Archiv", "#archiv h2")):
        phone.goto(live_server.url + seed.url)
        menu = phone.locator("[data-site-nav]")
        menu.locator("summary").click()
        menu.get_by_role("link", name=link_name, exact=True).click()
        target = phone.locator(heading)
        expect(target).to_be_in_viewport()
        expect(target).to_have_text(link_name)
        # The list of posts is above it: the reader skipped it.
        first_post = phone.locator(".post-card").first
        expect(first_post).not_to_be_in_viewport()
