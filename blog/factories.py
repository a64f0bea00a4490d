"""Test data factories (factory_boy / wagtail-factories) for posts, authors and categories."""

import datetime

import factory
import wagtail_factories

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from blog.models import Author, BlogIndexPage, BlogPostAuthor, BlogPostPage, Category


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Autorin {n}")
    slug = factory.Sequence(lambda n: f"autorin-{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kategorie {n}")
    slug = factory.Sequence(lambda n: f"kategorie-{n}")


class BlogIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = BlogIndexPage

    title = "Beiträge"
    slug = "beitraege"


class BlogPostPageFactory(wagtail_factories.PageFactory):
    """A published post. Pass `authors=[...]` and `categories=[...]` to link them."""

    class Meta:
        model = BlogPostPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Beitrag Nummer {n}")
    slug = factory.Sequence(lambda n: f"beitrag-{n}")
    date = factory.LazyFunction(datetime.date.today)
    intro = "Ein kurzer Teaser."
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Ein Absatz über die Eifel.</p>")])

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        for sort_order, author in enumerate(extracted or []):
            BlogPostAuthor.objects.create(page=self, author=author, sort_order=sort_order)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if extracted:
            self.categories.set(extracted)
            self.save()


def post_form(author, other_author, categories, post=None, **overrides):
    """The form as the admin's edit view sends it; on an existing post the author rows carry their ids."""
    if post is None:
        authors = inline_formset([{"author": author.pk}, {"author": other_author.pk}])
    else:
        rows = list(post.post_authors.order_by("sort_order"))
        authors = inline_formset([{"id": row.pk, "author": row.author_id} for row in rows], initial=len(rows))
    data = {
        "title": "Dorfladen in Üxheim eröffnet",
        "slug": "dorfladen-in-uexheim",
        "date": "2015-09-28",
        "post_authors": authors,
        "intro": "Eine Genossenschaft trägt den Laden.",
        "body": streamfield(
            [
                ("paragraph", rich_text("<p>Zehn Jahre lang gab es in Üxheim kein Geschäft mehr.</p>")),
                ("heading", {"text": "Wer mitmacht", "size": "h2"}),
            ]
        ),
        "comments_enabled": "on",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        **overrides,
    }
    form = nested_form_data(data)
    form["categories"] = [category.pk for category in categories]
    return form


def bulk_posts(index, count, authors=(), categories=(), featured_image=None, prefix="masse"):
    """`count` live posts below `index` in a few bulk INSERTs (the factory saves a page at a time: too slow
    for the query budgets' 1,000 posts). Each gets the authors and categories given; no revisions, no
    search index entries."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from wagtail.models import Page

    index = Page.objects.get(pk=index.pk)
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    first_step = index.numchild + 1
    pages = Page.objects.bulk_create(
        [
            Page(
                title=f"Beitrag {prefix} {number}",
                draft_title=f"Beitrag {prefix} {number}",
                slug=f"{prefix}-{number}",
                url_path=f"{index.url_path}{prefix}-{number}/",
                path=Page._get_path(index.path, index.depth + 1, first_step + number),
                depth=index.depth + 1,
                numchild=0,
                content_type=content_type,
                locale_id=index.locale_id,
                live=True,
                first_published_at=now,
                last_published_at=now,
            )
            for number in range(count)
        ]
    )
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)
    if pages[0].pk is None:  # a database that does not return ids from a bulk insert
        pages = list(Page.objects.filter(path__in=[page.path for page in pages]).order_by("path"))
    posts = [
        BlogPostPage(
            page_ptr_id=page.pk,
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
            featured_image=featured_image,
            body=[],
        )
        for number, page in enumerate(pages)
    ]
    # Only the post's own table: its page rows are in already (how Django saves a child model's part).
    BlogPostPage._base_manager._insert(posts, fields=BlogPostPage._meta.local_concrete_fields, raw=True)
    BlogPostAuthor.objects.bulk_create(
        [
            BlogPostAuthor(page_id=page.pk, author=author, sort_order=order)
            for page in pages
            for order, author in enumerate(authors)
        ]
    )
    BlogPostPage.categories.through.objects.bulk_create(
        [
            BlogPostPage.categories.through(blogpostpage_id=page.pk, category=category)
            for page in pages
            for category in categories
        ]
    )
    return [page.pk for page in pages]
