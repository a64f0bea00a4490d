"""Issue 16's walk: an editor writes a post with an image, two authors, categories and tags, previews it,
schedules it, it goes live at the time (`publish_scheduled`), a typo in the live post is fixed with one
click, and the post is unpublished. Every click is counted (README, "Editors": before/after)."""

import datetime
import io

import wagtail_factories
from playwright.sync_api import expect

from django.core.management import call_command
from django.utils import timezone

from blog.models import BlogPostPage

from .conftest import admin_log_in

TITLE = "Neues Bürgerhaus in Üxheim eröffnet"


class Clicks:
    """Counts the editor's clicks; typing is not counted."""

    def __init__(self):
        self.count = 0
        self.steps = {}

    def __call__(self, locator):
        locator.click()
        self.count += 1

    def step(self, name):
        self.steps[name] = self.count


def test_editor_walk_from_new_post_to_unpublish(live_site, live_server, new_context, editor):
    wagtail_factories.ImageFactory(title="Bürgerhaus Üxheim")
    admin = new_context(viewport={"width": 1400, "height": 1000}).new_page()
    admin_log_in(admin, live_server.url, "redakteurin", "schreiben-ist-wichtig-42")
    click = Clicks()

    # New post: menu "Beiträge" → "Neuer Beitrag" (before: Seiten → Startseite → Beiträge → ⊕, four clicks).
    click(admin.locator("#wagtail-sidebar").get_by_role("link", name="Beiträge"))
    click(admin.get_by_role("link", name="Neuer Beitrag"))
    expect(admin.locator("#id_title")).to_be_visible()
    click.step("neuer_beitrag")

    admin.fill("#id_title", TITLE)
    admin.locator("#id_title").press("Tab")  # Wagtail syncs the slug when the title field is left
    expect(admin.locator("#id_slug")).to_have_value("neues-buergerhaus-in-uexheim-eroeffnet")
    admin.fill("#id_intro", "Die Ortsgemeinde Üxheim hat ihr neues Bürgerhaus eröffnet.")

    # Image.
    click(admin.locator("[data-field-wrapper]:has(#id_featured_image)").get_by_role("button").first)
    modal = admin.locator(".modal-content")
    click(modal.get_by_role("link", name="Bürgerhaus Üxheim"))
    expect(modal).to_be_hidden()

    # Two authors in one chooser: tick both, confirm.
    click(admin.locator("#id_post_authors-FORMS").get_by_role("button", name="Autor(in) auswählen").first)
    expect(modal).to_be_visible()
    click(modal.get_by_role("link", name="Klaus Schäfer"))
    expect(modal).to_be_hidden()
    click(admin.get_by_role("button", name="Autor(inn)en hinzufügen"))
    expect(modal).to_be_visible()
    click(modal.locator("tr", has_text="Maria Weber").locator("input[type=checkbox]"))
    click(modal.get_by_role("button", name="Auswahl bestätigen"))
    expect(admin.locator("#id_post_authors-FORMS")).to_contain_text("Maria Weber")

    # Two categories, tags typed.
    categories = admin.locator("input[name=categories]")
    click(categories.nth(0))
    click(categories.nth(1))
    tag_input = admin.locator(
        "#panel-child-inhalt-tags-section .tagit-new input, #panel-child-inhalt-tags-section input:visible"
    ).first
    tag_input.press_sequentially("Üxheim,")
    expect(admin.locator("#panel-child-inhalt-tags-section")).to_contain_text("Üxheim")
    click.step("inhalt")

    # Preview.
    click(admin.locator("button[data-side-panel-toggle=preview]"))
    expect(admin.frame_locator("iframe[id*=preview]").locator("h1")).to_contain_text(TITLE, timeout=30_000)
    click.step("vorschau")

    # Schedule in one step: the go-live time is beside the date; then publish (▾ → Veröffentlichen).
    go_live = (timezone.localtime() + datetime.timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    admin.fill("#id_go_live_at", go_live.strftime("%d.%m.%Y %H:%M"))
    admin.keyboard.press("Escape")
    click(admin.locator("footer [data-w-dropdown-target=toggle]").first)
    click(admin.locator("footer button[name=action-publish]"))
    expect(admin.locator(".messages")).to_contain_text("geplant")
    click.step("geplant")

    post = BlogPostPage.objects.get(title=TITLE)
    assert not post.live
    scheduled = post.get_latest_revision_as_object()
    assert scheduled.date == go_live.date()  # readers' date follows the go-live day
    assert sorted(author.name for author in scheduled.authors) == ["Klaus Schäfer", "Maria Weber"]
    assert [tag.name for tag in scheduled.tags.all()] == ["Üxheim"]
    assert scheduled.featured_image is not None and len(scheduled.categories.all()) == 2

    # The time comes: the revision's approved go-live moves to the past (as the clock would), cron runs.
    # The admin tab leaves first: its editing-session pings write to the shared SQLite test database.
    admin.goto("about:blank")
    # Both the approval and the revision's own go-live time move: publishing re-checks the latter.
    revision = post.revisions.get(approved_go_live_at__isnull=False)
    # Whole minutes back: the form shows the time to the minute, and it must stay in the past.
    moment = (timezone.now() - datetime.timedelta(minutes=2)).replace(second=0, microsecond=0)
    revision.approved_go_live_at = moment
    revision.content["go_live_at"] = moment.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    call_command("publish_scheduled", stdout=io.StringIO())
    post.refresh_from_db()
    assert post.live

    reader = new_context().new_page()
    reader.goto(live_server.url + post.url)
    expect(reader.locator("h1")).to_contain_text(TITLE)
    expect(reader.locator(".post__tags")).to_contain_text("Üxheim")

    # A typo in the live post: open it from the listing, fix, one click on "Veröffentlichen".
    admin.goto(live_server.url + "/admin/beitraege/")
    before_fix = click.count
    click(admin.get_by_role("link", name=TITLE))
    admin.fill("#id_title", TITLE.replace("Bürgerhaus", "Bürgerhaus der Gemeinde"))
    click(admin.locator("footer button[name=action-publish]"))
    expect(admin.locator(".messages")).to_contain_text("live")
    assert click.count - before_fix == 2
    reader.reload()
    expect(reader.locator("h1")).to_contain_text("Bürgerhaus der Gemeinde")
    click.step("tippfehler")

    # Unpublish: open the post from the listing, ▾ → "Veröffentlichung aufheben" → confirm.
    admin.goto(live_server.url + "/admin/beitraege/")
    click(admin.get_by_role("link", name=TITLE.replace("Bürgerhaus", "Bürgerhaus der Gemeinde")))
    click(admin.locator("footer [data-w-dropdown-target=toggle]").first)
    click(admin.locator("footer a[href*=unpublish], footer button[name=action-unpublish]").first)
    click(admin.locator("main form button[type=submit], main form input[type=submit]").first)
    expect(admin.locator(".messages")).to_contain_text("Veröffentlichung")
    click.step("offline")
    post.refresh_from_db()
    assert not post.live

    print("CLICKS", click.steps)  # noqa: T201
    # Before (issue 16): 4 clicks to the form, 7 to schedule, ▾ + "Veröffentlichen" for a live change.
    assert click.steps["neuer_beitrag"] == 2
    assert click.steps["geplant"] - click.steps["vorschau"] == 2
    assert click.steps["tippfehler"] - click.steps["geplant"] == 2  # open from the listing + "Veröffentlichen"
    assert click.count == 20
