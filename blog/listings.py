"""What lists of posts need, in few queries whatever their length (issue 17).

- `ListingIterable`: a listing queryset (`blog.models.with_listing_data`) loads, right after its posts,
  the authors and categories of all of them and the renditions of their images in one query (UNION ALL)
  and leaves them where `post.authors`, `post.categories.all` and Wagtail's image tags look (the prefetch
  caches), instead of one prefetch query each.
- `register_listing_annotation`: other apps add a column to every listing query without the blog
  importing them; the comments app adds `comment_count` (its public comments), so the cards' counts
  come with the posts.
- `WindowCountPaginator`: a page of a listing and the number of all its posts in one query (a scalar
  subquery counts them), instead of a `COUNT` query before it.
- `CompiledListing`: a listing whose SQL core.compiled keeps (the index's and archives' lists): the
  queryset is built and compiled once per shape, only the values change from one request to the next.
  The union query of authors, categories and renditions goes through core.compiled too, and on the
  archive pages it also reads every category (the sidebar's), one query less.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Func, Subquery, Value
from django.db.models.query import ModelIterable, prefetch_related_objects

from core import compiled
from core.cache import request_memo
from core.restrictions import private_q, restricted_pages

_annotations = {}


def register_listing_annotation(name, expression):
    """Every listing queryset gets `.annotate(name=expression())` (a callable: built when the listing is)."""
    _annotations[name] = expression


def listing_annotations():
    return {name: expression() for name, expression in _annotations.items()}


# The rendition fields the listing's union query reads, in the model's field order (Wagtail's Rendition).
RENDITION_FIELDS = ["id", "filter_spec", "file", "width", "height", "focal_point_key", "image_id"]


# The category fields the union query reads when it brings every category (`all_categories`), in the
# model's field order.
CATEGORY_FIELDS = ["id", "name", "slug", "description", "parent_id"]


def padded_size(count):
    """The length an id list of the union query is padded to (the next power of two, by repeating its last
    id: `IN (1, 2, 2, 2)` means `IN (1, 2)`), so that few shapes of its SQL are kept (core.compiled)."""
    size = 1
    while size < count:
        size *= 2
    return size


def padded(ids, size):
    ids = list(ids)
    return ids + ids[-1:] * (size - len(ids))


def _union_query(post_count, image_count, rendition_model, with_categories):
    """The union of `attach_authors_and_categories` with core.compiled's placeholders (`post_0`…, `image_0`…):
    rows (kind, owner id, id, name, slug, number, height, key), kind 0 a post's category, 1 a post's author
    (number: its sort order), 2 an image's rendition (filter spec, file, width, height, focal point key)
    and, `with_categories`, 3 every category (owner: its parent, key: its description), by name."""
    from .models import BlogPostAuthor, BlogPostPage, Category

    post_pk = BlogPostPage._meta.pk
    ids = [compiled.Param(f"post_{position}", post_pk) for position in range(post_count)]
    through = BlogPostPage.categories.through
    categories_query = through.objects.filter(blogpostpage__page_ptr__id__in=ids).values_list(
        Value(0), "blogpostpage_id", "category_id", "category__name", "category__slug", Value(0), Value(0), Value("")
    )
    queries = [
        BlogPostAuthor.objects.filter(page__page_ptr__id__in=ids)
        .values_list(
            Value(1), "page_id", "author_id", "author__name", "author__slug", "sort_order", Value(0), Value("")
        )
        .order_by()
    ]
    if rendition_model is not None:
        image_pk = rendition_model._meta.get_field("image").target_field
        image_ids = [compiled.Param(f"image_{position}", image_pk) for position in range(image_count)]
        queries.append(
            rendition_model.objects.filter(image__pk__in=image_ids)
            .values_list(Value(2), "image_id", "id", "filter_spec", "file", "width", "height", "focal_point_key")
            .order_by()
        )
    if with_categories:
        queries.append(
            Category.objects.values_list(
                Value(3), "parent_id", "id", "name", "slug", Value(0), Value(0), "description"
            ).order_by()
        )
    union = categories_query.order_by().union(*queries, all=True)
    # The categories by name as the database sorts them (Category's ordering); the other rows are sorted below.
    return union.order_by("value1", "category__name", "category_id") if with_categories else union


def attach_authors_and_categories(posts, extra_images=(), with_categories=False):
    """Authors (editor's order) and categories (by name) of `posts`, and the renditions of their featured
    images and of `extra_images` (e.g. the author's photo on the author archive), from one query, in their
    prefetch caches (where `post.authors`, `post.categories.all` and Wagtail's `get_renditions` look).
    `with_categories`: the same query reads every category, for `all_categories` (the archive sidebar).

    The categories and authors carry id, name and slug (the rest deferred): what cards and feeds show."""
    from .models import Author, BlogPostAuthor, Category

    posts = [post for post in posts if post.pk is not None]
    if not posts:
        return
    images = [post.featured_image for post in posts if post.featured_image_id is not None]
    images += [image for image in extra_images if image is not None and image.pk is not None]
    ids = [post.pk for post in posts]
    rendition_model = rendition_model_for_union(images)
    image_ids = list(dict.fromkeys(image.pk for image in images)) if rendition_model is not None else []
    post_size = padded_size(len(ids))
    image_size = padded_size(len(image_ids)) if image_ids else 0
    values = {f"post_{position}": pk for position, pk in enumerate(padded(ids, post_size))}
    values.update({f"image_{position}": pk for position, pk in enumerate(padded(image_ids, image_size))})
    rows = compiled.run(_union_query, (post_size, image_size, rendition_model, with_categories), **values)
    fields = ["id", "name", "slug"]
    categories = {pk: [] for pk in ids}
    authors = {pk: [] for pk in ids}
    renditions = {image.pk: [] for image in images}
    every_category = []
    for kind, owner_id, pk, name, slug, number, height, key in rows:
        if kind == 0:
            categories[owner_id].append(Category.from_db(None, fields, (pk, name, slug)))
        elif kind == 1:
            # from_db takes the values in the model's field order.
            link = BlogPostAuthor.from_db(None, ["sort_order", "page_id", "author_id"], (number, owner_id, pk))
            link.author = Author.from_db(None, fields, (pk, name, slug))
            authors[owner_id].append(link)
        elif kind == 2:
            renditions[owner_id].append((pk, name, slug, number, height, key, owner_id))
        else:
            every_category.append(Category.from_db(DEFAULT_DB_ALIAS, CATEGORY_FIELDS, (pk, name, slug, key, owner_id)))
    if with_categories:
        request_memo("all_categories", lambda: every_category)
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

# The first pages of a listing have their SQL kept (core.compiled, one shape per page: LIMIT and OFFSET are
# part of the SQL); deeper pages, rarely read, are compiled for their request only, so that no page number
# a reader types adds a shape.
KEPT_PAGES = 5


def window_counted(listing, bottom, limit):
    """A page of a listing queryset with the number of all its posts on each row, from a scalar subquery
    the database runs once (`(SELECT COUNT(id) FROM … the same filter)`).

    It used to be `COUNT(*) OVER ()`: a window over every matching row, so the page's `LIMIT` could not stop
    the date index's walk, and each row was joined with its image and annotations first: 31 ms of
    PostgreSQL's time per listing at 10,000 posts, against 2.8–6 ms for the count alone (bench/PROFILE.md,
    "Listings at 10,000 posts"). `Func(…, function="COUNT")` is no aggregate to the ORM, so the subquery
    has no GROUP BY and yields one row; `values()` leaves the listing's own columns and annotations out."""
    total = listing.order_by().annotate(**{TOTAL_ANNOTATION: Func("pk", function="COUNT")}).values(TOTAL_ANNOTATION)
    return listing.annotate(**{TOTAL_ANNOTATION: Subquery(total)})[bottom : bottom + limit]


class CompiledListing:
    """A listing for `WindowCountPaginator` whose SQL core.compiled keeps: `build(*shape, private=None)` gives
    the listing queryset (`with_listing_data`'s, with core.compiled's placeholders for `values`, without the
    pages in `private`: core.restrictions.private_q); the posts come with their authors, categories and
    renditions (and those of `extra_images`), and `with_categories` also reads every category."""

    ordered = True  # newest first (Paginator warns about unordered object lists)

    def __init__(self, build, shape=(), extra_images=(), with_categories=False, **values):
        self.build = build
        self.shape = tuple(shape)
        self.extra_images = tuple(extra_images)
        self.with_categories = with_categories
        self.values = values

    def page_rows(self, bottom, limit):
        """The posts `bottom` to `bottom + limit` (with the total as TOTAL_ANNOTATION)."""
        shape = (*self.shape, bottom, limit)
        if restricted_pages():
            # With a view restriction anywhere (rare): its pages excluded, built as it comes.
            from .models import BlogPostPage

            private = private_q(BlogPostPage.objects.all())
            posts = compiled.run_uncached(self.build(*shape, private=private), **self.values)
        elif bottom < KEPT_PAGES * limit:
            posts = compiled.run(self.build, shape, **self.values)
        else:
            posts = compiled.run_uncached(self.build(*shape), **self.values)
        attach_authors_and_categories(posts, self.extra_images, with_categories=self.with_categories)
        return posts


class WindowCountPaginator(Paginator):
    """Django's paginator for listing querysets, counting with the page's own query (`window_counted`).

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
        if isinstance(self.object_list, CompiledListing):
            rows = self.object_list.page_rows(bottom, self.per_page)
        else:
            rows = list(window_counted(self.object_list, bottom, self.per_page))
        if rows:
            self.__dict__["count"] = getattr(rows[0], TOTAL_ANNOTATION)
        elif number == 1:
            self.__dict__["count"] = 0  # an empty first page is a page (allow_empty_first_page)
        else:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)
