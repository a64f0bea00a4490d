"""Every page of a post's threads, in every order and after a landing (`?kommentar=`), shows exactly the
threads the order gives it (comments/threads.py `ordered_roots`), each comment with its own text, its
replies below it, and never a comment that is not public: a Hypothesis test over forests of comments."""

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django.test import Client

from comments.factories import PostCommentFactory
from comments.models import PostComment, Status
from comments.threads import NEWEST, OLDEST, ORDER_PARAMETER, RECOMMENDED, ordered_roots

PER_PAGE = 2


@pytest.fixture(autouse=True)
def two_threads_per_page(settings):
    settings.COMMENTS_THREADS_PER_PAGE = PER_PAGE


def reader_client():
    client = Client()
    client.cookies["bench"] = "uncached"  # any cookie: the page cache steps aside
    return client


def shown(response):
    """(id, text) of every comment the page's thread shows, in page order."""
    html = BeautifulSoup(response.content, "html.parser")
    return [
        (int(item["id"][1:]), item.select_one(".comment__text").get_text(" ", strip=True))
        for item in html.select("ol.comment-list li.comment")
    ]


def expected_page(post, order, number):
    """(id, text) the page should show, from the public comments as the ORM loads them."""
    public = list(PostComment.objects.filter(object_pk=str(post.pk), is_public=True).order_by("thread_id", "order"))
    children = {}
    roots = []
    for comment in public:
        if comment.parent_id == comment.pk:
            roots.append(comment)
        else:
            children.setdefault(comment.parent_id, []).append(comment)
    recommended = {comment.thread_id for comment in public if comment.is_recommended}
    page = ordered_roots(roots, order, recommended)[(number - 1) * PER_PAGE : number * PER_PAGE]
    result = []

    def walk(comment):
        result.append((comment.pk, comment.comment))
        for child in children.get(comment.pk, []):
            walk(child)

    for root in page:
        walk(root)
    return result, ordered_roots(roots, order, recommended)


def url(post, order, number=None, landing=None):
    params = []
    if order:
        params.append(f"{ORDER_PARAMETER}={order}")
    if number:
        params.append(f"seite={number}")
    if landing:
        params.append(f"kommentar={landing}")
    return post.url + ("?" + "&".join(params) if params else "")


# A forest: each comment answers nothing (None) or an earlier one; some are held, some recommended.
forests = st.lists(
    st.tuples(st.integers(min_value=-1, max_value=12), st.booleans(), st.booleans()), min_size=0, max_size=12
)


@pytest.mark.django_db
@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    forest=forests,
    order=st.sampled_from([OLDEST, NEWEST, RECOMMENDED]),
    number=st.integers(min_value=1, max_value=4),
    land_on=st.none() | st.integers(min_value=0, max_value=11),
)
def test_every_page_shows_its_threads_in_order_with_their_own_texts(post, forest, order, number, land_on):
    PostComment.objects.filter(object_pk=str(post.pk)).delete()
    made = []
    for position, (answers, public, recommended) in enumerate(forest):
        parent = made[answers] if 0 <= answers < len(made) and made[answers].level < 2 else None
        comment = PostCommentFactory(
            post=post,
            parent=parent,
            status=Status.APPROVED if public else Status.PENDING,
            comment=f"Text Nummer {position} aus der Eifel",
        )
        if recommended and comment.is_public:
            PostComment.objects.filter(pk=comment.pk).update(is_recommended=True)
        made.append(comment)

    landing = made[land_on].pk if land_on is not None and land_on < len(made) else None
    _, roots = expected_page(post, order, 1)
    pages = max(1, -(-len(roots) // PER_PAGE))
    response = reader_client().get(url(post, order, number if number > 1 else None, landing))
    if number > pages:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    shown_number = number
    if number == 1 and landing is not None:
        landed = PostComment.objects.get(pk=landing)
        positions = [root.pk for root in roots]
        if landed.is_public and landed.thread_id in positions:
            shown_number = positions.index(landed.thread_id) // PER_PAGE + 1
    expected, _ = expected_page(post, order, shown_number)
    assert shown(response) == expected
