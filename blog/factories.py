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
