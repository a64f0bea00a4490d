"""What lists of posts need, in few queries whatever their length (issue 17).

- `ListingIterable`: a listing queryset (`blog.models.with_listing_data`) loads, right after its posts,
  the authors and categories of all of them and the renditions of their images in one query (UNION ALL)
  and leaves them where `post.authors`, `post.categories.all` and Wagtail's image tags look (the prefetch
  caches), instead of one prefetch query each.
- `register_listing_annotation`: other apps add a column to every listing query without the blog
  importing them; the comments app adds `comment_count` (its public comments), so the cards' counts
  come with the posts.
- `WindowCountPaginator`: a page of a listing and the number of all its posts in one query
  (`COUNT(*) OVER ()`), instead of a `COUNT` query before it.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Value, Window
from django.db.models.query import ModelIterable, prefetch_related_objects

_annotations = {}


def register_listing_annotation(name, expression):
    """Every listing queryset gets `.annotate(name=expression())` (a callable: built when the listing is)."""
    _annotations[name] = expression


def listing_annotations():
    return {name: expression() for name, expression in _annotations.items()}


# The rendition fields the listing's union query reads, in the model's field order (Wagtail's Rendition).
RENDITION_FIELDS = ["id", "filter_spec", "file", "width", "height", "focal_point_key", "image_id"]


def attach_authors_and_categories(posts, extra_images=()):
    """Authors (editor's order) and categories (by name) of `posts`, and the renditions of their featured
    images and of `extra_images` (e.g. the author's photo on the author archive), from one query, in their
    prefetch caches (where `post.authors`, `post.categories.all` and Wagtail's `get_renditions` look).

    The categories and authors carry id, name and slug (the rest deferred): what cards and feeds show."""
    from .models import Author, BlogPostAuthor, BlogPostPage, Category

    posts = [post for post in posts if post.pk is not None]
    if not posts:
        return
    images = [post.featured_image for post in posts if post.featured_image_id is not None]
    images += [image for image in extra_images if image is not None and image.pk is not None]
    ids = [post.pk for post in posts]
    through = BlogPostPage.categories.through
    categories_query = through.objects.filter(blogpostpage_id__in=ids).values_list(
        Value(0), "blogpostpage_id", "category_id", "category__name", "category__slug", Value(0), Value(0), Value("")
    )
    authors_query = BlogPostAuthor.objects.filter(page_id__in=ids).values_list(
        Value(1), "page_id", "author_id", "author__name", "author__slug", "sort_order", Value(0), Value("")
    )
    queries = [authors_query.order_by()]
    rendition_model = rendition_model_for_union(images)
    if rendition_model is not None:
        # (2, image, rendition, filter spec, file, width, height, focal point key)
        queries.append(
            rendition_model.objects.filter(image_id__in={image.pk for image in images})
            .values_list(Value(2), "image_id", "id", "filter_spec", "file", "width", "height", "focal_point_key")
            .order_by()
        )
    fields = ["id", "name", "slug"]
    categories = {pk: [] for pk in ids}
    authors = {pk: [] for pk in ids}
    renditions = {image.pk: [] for image in images}
    for kind, owner_id, pk, name, slug, number, height, key in categories_query.order_by().union(*queries, all=True):
        if kind == 0:
            categories[owner_id].append(Category.from_db(None, fields, (pk, name, slug)))
        elif kind == 1:
            # from_db takes the values in the model's field order.
            link = BlogPostAuthor.from_db(None, ["sort_order", "page_id", "author_id"], (number, owner_id, pk))
            link.author = Author.from_db(None, fields, (pk, name, slug))
            authors[owner_id].append(link)
        else:
            renditions[owner_id].append((pk, name, slug, number, height, key, owner_id))
    for post in posts:
        cache = post.__dict__.setdefault("_prefetched_objects_cache", {})
        cache["categories"] = _loaded(
            Category.objects.all(), sorted(categories[post.pk], key=lambda category: (category.name, category.pk))
        )
        cache["post_authors"] = _loaded(
            BlogPostAuthor.objects.all(),
            sorted(authors[post.pk], key=lambda link: (link.sort_order is None, link.sort_order or 0, link.author_id)),
        )
    if rendition_model is None:
        prefetch_related_objects(images, "renditions")
        return
    by_image = {}
    for image in images:
        if image.pk not in by_image:
            by_image[image.pk] = [
                rendition_model.from_db(None, RENDITION_FIELDS, values) for values in renditions[image.pk]
            ]
            for rendition in by_image[image.pk]:
                rendition.image = image  # as Django's prefetch leaves it: the alt text is the image's
        image.__dict__.setdefault("_prefetched_objects_cache", {})["renditions"] = _loaded(
            rendition_model.objects.all(), by_image[image.pk]
        )


def rendition_model_for_union(images):
    """The images' rendition model when the union query can read it (Wagtail's own fields), else None
    (then the renditions are prefetched with a query of their own)."""
    if not images:
        return None
    model = type(images[0]).get_rendition_model()
    if any(type(image).get_rendition_model() is not model for image in images):
        return None
    if [field.attname for field in model._meta.concrete_fields] != RENDITION_FIELDS:
        return None
    return model


def _loaded(queryset, objects):
    """A queryset that answers with `objects` without asking the database (as Django's prefetch leaves it)."""
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    return queryset


class ListingIterable(ModelIterable):
    """The posts of a listing, then their authors, categories and images' renditions in one query
    (`attach_authors_and_categories`). `with_extra_images` makes a subclass that loads the renditions of
    further images with them."""

    extra_images = ()

    def __iter__(self):
        posts = list(super().__iter__())
        attach_authors_and_categories(posts, self.extra_images)
        yield from posts

    @classmethod
    def with_extra_images(cls, images):
        return type(cls.__name__, (cls,), {"extra_images": tuple(images)})


TOTAL_ANNOTATION = "listing_total"


class WindowCountPaginator(Paginator):
    """Django's paginator for listing querysets, counting with the page's own query (`COUNT(*) OVER ()`).

    `page()` raises what Django's does: PageNotAnInteger, EmptyPage (below 1, or past the last page)."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        if bottom >= 2**62:  # an OFFSET no database takes: past the last page of any listing
            raise EmptyPage(self.error_messages["no_results"])
        rows = list(
            self.object_list.annotate(**{TOTAL_ANNOTATION: Window(Count("pk"))})[bottom : bottom + self.per_page]
        )
        if rows:
            self.__dict__["count"] = getattr(rows[0], TOTAL_ANNOTATION)
        elif number == 1:
            self.__dict__["count"] = 0  # an empty first page is a page (allow_empty_first_page)
        else:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)
