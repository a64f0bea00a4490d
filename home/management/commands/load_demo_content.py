"""Build the demo site: pages, the seed article, more posts, authors, categories and two accounts.

Idempotent: what exists (matched by slug or username) is left as it is, so editors' changes survive
`make run`. The demo passwords are random; they are written once to `.demo-credentials`
(git-ignored, readable by the owner only) and printed on every run.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from wagtail.models import Page, Site

from blog.models import Author, BlogIndexPage, BlogPostAuthor, BlogPostPage, Category
from core.models import SiteSettings
from home.demo_content import AUTHORS, CATEGORIES, DATENSCHUTZ, DEMO_POSTS, IMPRESSUM, SEED_POST
from home.models import HomePage, StandardPage

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".demo-credentials"
MODERATORS_GROUP = "Moderatoren"


class Command(BaseCommand):
    help = "Create the demo content (idempotent) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--no-accounts", action="store_true", help="Do not create the demo accounts.")

    def handle(self, *args, **options):
        with transaction.atomic():
            home = self.ensure_home_page()
            index = self.ensure_child(home, BlogIndexPage, slug="beitraege", title="Beiträge", show_in_menus=True)
            self.ensure_child(home, StandardPage, slug="impressum", title="Impressum", body=IMPRESSUM)
            self.ensure_child(home, StandardPage, slug="datenschutz", title="Datenschutz", body=DATENSCHUTZ)
            authors = {
                slug: Author.objects.get_or_create(slug=slug, defaults={"name": name, "bio": bio})[0]
                for slug, name, bio in AUTHORS
            }
            categories = {
                slug: Category.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})[0]
                for slug, name, description in CATEGORIES
            }
            seed_created = self.ensure_post(index, SEED_POST, authors, categories)
            created = seed_created + sum(self.ensure_post(index, post, authors, categories) for post in DEMO_POSTS)
            self.ensure_site_settings(home)
            if seed_created:
                self.feature_seed_post(home, index)
        self.stdout.write(f"Demo content ready ({created} post(s) created).")
        if not options["no_accounts"]:
            self.print_credentials(self.ensure_accounts())

    def ensure_home_page(self):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(title="WIR. LEBEN. EIFEL.", slug="start"))
            home.save_revision().publish()
        # The site answers at BASE_URL (http://127.0.0.1:8000 for `make run`), so canonical URLs,
        # feeds and PDFs carry an address that works.
        base_url = urlsplit(settings.BASE_URL)
        hostname = base_url.hostname or "localhost"
        port = base_url.port or (443 if base_url.scheme == "https" else 80)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="WIR. LEBEN. EIFEL."
            )
        elif site.root_page_id != home.pk:
            old_root = site.root_page
            site.root_page = home
            site.site_name = "WIR. LEBEN. EIFEL."
            site.hostname, site.port = hostname, port
            site.save()
            # Wagtail's placeholder "Welcome to your new Wagtail site!" page is replaced.
            if old_root.specific_class is Page and not old_root.get_children().exists():
                old_root.delete()
        return home

    def ensure_child(self, parent, page_class, slug, **fields):
        page = page_class.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = parent.add_child(instance=page_class(slug=slug, **fields))
            page.save_revision().publish()
        return page

    def ensure_post(self, index, data, authors, categories):
        if BlogPostPage.objects.child_of(index).filter(slug=data["slug"]).exists():
            return 0
        post = BlogPostPage(
            slug=data["slug"],
            title=data["title"],
            date=data["date"],
            intro=data["intro"],
            body=data["body"],
        )
        for sort_order, author_slug in enumerate(data["authors"]):
            post.post_authors.add(BlogPostAuthor(author=authors[author_slug], sort_order=sort_order))
        post.categories.set([categories[slug] for slug in data["categories"]])
        index.add_child(instance=post)
        post.save_revision().publish()
        return 1

    def feature_seed_post(self, home, index):
        """The seed article leads the front page; done once, so an editor's later choice stands."""
        home.refresh_from_db()
        home.featured_post = BlogPostPage.objects.child_of(index).get(slug=SEED_POST["slug"])
        home.save_revision().publish()

    def ensure_site_settings(self, home):
        site = Site.objects.get(root_page=home)
        site_settings = SiteSettings.for_site(site)
        if not site_settings.footer_links.raw_data:
            impressum = StandardPage.objects.get(slug="impressum")
            datenschutz = StandardPage.objects.get(slug="datenschutz")
            site_settings.tagline = "Nachrichten aus der Eifel"
            site_settings.footer_links = [
                ("link", {"label": "Impressum", "page": impressum, "url": ""}),
                ("link", {"label": "Datenschutz", "page": datenschutz, "url": ""}),
            ]
            site_settings.save()

    def ensure_accounts(self):
        credentials = self.read_credentials()
        user_model = get_user_model()
        moderators, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
        for username, is_superuser in (("admin", True), ("moderator", False)):
            user = user_model.objects.filter(username=username).first()
            if user is not None and username in credentials:
                continue
            password = secrets.token_urlsafe(12)
            if user is None:
                user = user_model(username=username, email=f"{username}@example.org")
            user.is_staff = True
            user.is_superuser = is_superuser
            user.set_password(password)
            user.save()
            if not is_superuser:
                user.groups.add(moderators)
            credentials[username] = password
        self.write_credentials(credentials)
        return credentials

    def read_credentials(self):
        if not CREDENTIALS_FILE.exists():
            return {}
        lines = CREDENTIALS_FILE.read_text(encoding="utf-8").splitlines()
        return dict(line.split(" ", 1) for line in lines if " " in line)

    def write_credentials(self, credentials):
        # Created readable by the owner only, never for a moment by anyone else.
        CREDENTIALS_FILE.unlink(missing_ok=True)
        descriptor = os.open(CREDENTIALS_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as credentials_file:
            credentials_file.write("".join(f"{user} {pw}\n" for user, pw in credentials.items()))

    def print_credentials(self, credentials):
        self.stdout.write(
            self.style.SUCCESS(
                f"\nAdmin: {settings.BASE_URL}/admin/\n"
                f"  Redaktion (Administrator): admin / {credentials['admin']}\n"
                f"  Moderation:                moderator / {credentials['moderator']}\n"
                f"  (saved in {CREDENTIALS_FILE.name}; delete that file to get new passwords)\n"
            )
        )
