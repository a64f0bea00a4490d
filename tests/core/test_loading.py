"""core.loading.load_only gives the instances `only()` gives, without Django's per-row work."""

from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from comments.factories import PostCommentFactory
from comments.models import PostComment
from comments.threads import DISPLAYED_FIELDS
from core import loading


def snapshot(instance):
    fields = {key: value for key, value in instance.__dict__.items() if key != "_state"}
    return type(instance), fields, instance._state.adding, instance._state.db, instance.get_deferred_fields()


def test_the_same_instances_as_only_and_the_e_mail_stays_deferred(post):
    first = PostCommentFactory(post=post, user_url="https://eifel.example")
    PostCommentFactory(post=post, parent=first)
    queryset = PostComment.norel_objects.filter(object_pk=str(post.pk)).order_by("thread_id", "order")

    fast = loading.load_only(queryset, DISPLAYED_FIELDS)

    assert loading._plain_attnames(PostComment, DISPLAYED_FIELDS) is not None  # the fast path ran
    assert [snapshot(comment) for comment in fast] == [snapshot(c) for c in queryset.only(*DISPLAYED_FIELDS)]
    assert "user_email" in fast[0].get_deferred_fields()
    assert fast[0] == first and fast[0].pk == first.pk
    with CaptureQueriesContext(connection) as queries:
        PostComment.norel_objects.bulk_update(fast, ["html"])  # the thread stores stale HTML this way
    assert len(queries) == 1


def test_falls_back_to_only_for_a_model_with_init_signals(post):
    PostCommentFactory(post=post)

    def receiver(**kwargs):
        pass

    post_init.connect(receiver, sender=PostComment)
    try:
        assert loading._plain_attnames(PostComment, DISPLAYED_FIELDS) is None
        comments = loading.load_only(PostComment.norel_objects.all(), DISPLAYED_FIELDS)
    finally:
        post_init.disconnect(receiver, sender=PostComment)
    assert [snapshot(c) for c in comments] == [snapshot(c) for c in PostComment.norel_objects.only(*DISPLAYED_FIELDS)]


def test_falls_back_without_the_primary_key(post):
    assert loading._plain_attnames(PostComment, ("user_name",)) is None
