"""Test data for comments: PostCommentFactory(post=page) makes a held comment on a post."""

import time

import factory

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.utils import timezone

from comments import captcha, lifecycle
from comments.forms import PostCommentForm
from comments.models import REMOVED_STATUSES, PostComment, Status


def default_site():
    site, _created = Site.objects.get_or_create(pk=1, defaults={"domain": "testserver", "name": "testserver"})
    return site


class PostCommentFactory(factory.django.DjangoModelFactory):
    """A held comment ("Ausstehend"). Pass `post=page`; `parent=comment` makes a reply; `status=…` another
    state (its public flags are derived as the lifecycle derives them)."""

    class Meta:
        model = PostComment
        exclude = ("post", "parent")
        skip_postgeneration_save = True

    parent = None
    post = factory.LazyAttribute(lambda o: o.parent.content_object if o.parent else None)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.post))
    object_pk = factory.LazyAttribute(lambda o: str(o.post.pk))
    site = factory.LazyFunction(default_site)
    user_name = factory.Sequence(lambda n: f"Leserin {n}")
    user_email = factory.Sequence(lambda n: f"leserin{n}@example.org")
    user_url = ""
    comment = factory.Sequence(lambda n: f"Ein Kommentar aus der Eifel, Nummer {n}.")
    submit_date = factory.LazyFunction(timezone.now)
    ip_address = "192.0.2.0"
    status = Status.PENDING
    is_public = False
    is_removed = factory.LazyAttribute(lambda o: o.status in REMOVED_STATUSES)
    parent_id = factory.LazyAttribute(lambda o: o.parent.pk if o.parent else 0)

    @factory.post_generation
    def derive_flags(obj, create, extracted, **kwargs):
        if create:
            lifecycle.refresh_visibility([obj.thread_id])
            obj.refresh_from_db(fields=["is_public", "is_removed", "status"])


def make_staff(username, *, groups=(), superuser=False, email=None, **extra):
    """A staff account for admin tests; `groups` are group names (created when missing)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username=username,
        email=email if email is not None else f"{username}@example.org",
        password="x",  # noqa: S106
        is_staff=True,
        is_superuser=superuser,
        **extra,
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def form_data(post, seconds_ago=10, **fields):
    """What a reader's browser sends: the rendered form's hidden fields, `seconds_ago` old, plus `fields`.

    With ALTCHA (the default spam challenge) also a fresh solution, as altcha.js sends it; pass
    `altcha=""` for a browser without JavaScript."""
    form = PostCommentForm(post)
    timestamp = int(time.time()) - seconds_ago
    data = {
        "content_type": form.initial["content_type"],
        "object_pk": form.initial["object_pk"],
        "timestamp": str(timestamp),
        "security_hash": form.initial_security_hash(timestamp),
        "reply_to": "0",
        "honeypot": "",
        "name": "Maria Musterfrau",
        "email": "maria@example.org",
        "url": "",
        "comment": "Ein schöner Beitrag über die Eifel.",
    }
    if captcha.mode() == captcha.ALTCHA and "altcha" not in fields:
        data["altcha"] = captcha.solve(captcha.new_challenge())
    data.update({key: str(value) for key, value in fields.items()})
    return data
