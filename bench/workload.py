"""The peers' benchmark workload: the seed article's 100 comments (../shared/bench/seed_comments.json, or
bench/seed_comments.json when the shared folder is not there) and further posts around it.

    load_seed_comments(post)        the 100 comments, same names, texts, dates and nesting, all approved
    add_posts(index, count)         `count` further posts (two categories each, dates over ten years)
"""

import datetime
import json
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SEED_COMMENTS = [BENCH_DIR.parent.parent / "shared" / "bench" / "seed_comments.json", BENCH_DIR / "seed_comments.json"]


def seed_comments():
    for path in SEED_COMMENTS:
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))["comments"]
    raise FileNotFoundError("seed_comments.json: neither " + " nor ".join(str(path) for path in SEED_COMMENTS))


def load_seed_comments(post, repeat=1):
    """The workload's comments on `post` (`repeat` times over, for the 1,000-comment run), all approved."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from comments import lifecycle
    from comments.models import PostComment, Status

    rows = seed_comments()
    content_type = ContentType.objects.get_for_model(type(post))
    with transaction.atomic():
        PostComment.objects.filter(content_type=content_type, object_pk=str(post.pk)).delete()
        for round_number in range(repeat):
            saved = []
            for row in rows:
                parent = saved[row["parent"]] if row["parent"] is not None else None
                comment = PostComment(
                    content_type=content_type,
                    object_pk=str(post.pk),
                    site_id=1,
                    parent_id=parent.pk if parent is not None else 0,
                    user_name=row["name"],
                    user_email=f"leser{len(saved)}.{round_number}@example.org",
                    comment=row["text"],
                    submit_date=datetime.datetime.fromisoformat(row["submitted"].replace("+00", "+00:00")),
                    status=Status.APPROVED,
                    is_public=False,
                )
                comment.save()
                saved.append(comment)
        threads = set(PostComment.norel_objects.filter(object_pk=str(post.pk)).values_list("thread_id", flat=True))
        lifecycle.refresh_visibility(threads)
    return PostComment.objects.filter(object_pk=str(post.pk), is_public=True).count()


def add_posts(index, count, start=0):
    """`count` further live posts below `index`, fast: bulk-linked authors and categories."""
    from blog.models import BlogPostAuthor, BlogPostPage, Category

    categories = list(Category.objects.values_list("pk", flat=True))
    author_id = BlogPostAuthor.objects.values_list("author_id", flat=True).first()
    links = BlogPostPage.categories.through
    first_day = datetime.date(2015, 1, 1)
    for number in range(start, start + count):
        post = index.add_child(
            instance=BlogPostPage(
                title=f"Weiterer Beitrag {number}",
                slug=f"weiterer-beitrag-{number}",
                intro="Ein kurzer Teaser für die Übersicht.",
                body=[("paragraph", "<p>Ein Absatz über die Eifel.</p>")],
                date=first_day + datetime.timedelta(days=number % 3650),
            )
        )
        if author_id:
            BlogPostAuthor.objects.create(page=post, author_id=author_id, sort_order=0)
        if categories:
            chosen = {categories[number % len(categories)], categories[(number + 1) % len(categories)]}
            links.objects.bulk_create([links(blogpostpage_id=post.pk, category_id=pk) for pk in chosen])
