"""The import's ledger forgets what it derived from a commenter's personal data when the comment is
anonymised or deleted here (registered in WordpressConfig.ready).

The ledger's hashes of a comment (`hash`: what the import wrote into its row; `source`: what WordPress
sent) cover the name and the e-mail address. Unkeyed, they would let anyone holding a database dump
confirm a guessed address of a comment that was anonymised or deleted on request. Without them the
entry still says "imported before": a rerun leaves the comment alone (changed here), as before.
"""

from django.contrib.contenttypes.models import ContentType

PERSONAL_KEYS = ("hash", "source")


def forget_personal_hashes(comment_ids):
    from comments.models import PostComment

    from .models import ImportedObject

    if not comment_ids:
        return 0
    entries = list(
        ImportedObject.objects.filter(
            kind=ImportedObject.Kind.COMMENT,
            content_type=ContentType.objects.get_for_model(PostComment),
            object_id__in=list(comment_ids),
        ).only("pk", "extra")
    )
    for entry in entries:
        entry.extra = {key: value for key, value in entry.extra.items() if key not in PERSONAL_KEYS}
    ImportedObject.objects.bulk_update(entries, ["extra"])
    return len(entries)


def on_comments_anonymised(sender, comment_ids, **kwargs):
    forget_personal_hashes(comment_ids)


def on_comment_deleted(sender, instance, **kwargs):
    forget_personal_hashes([instance.pk])
