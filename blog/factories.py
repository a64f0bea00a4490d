"""Test data factories (factory_boy / wagtail-factories) for posts, authors and categories."""

import datetime

import factory
import wagtail_factories

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
