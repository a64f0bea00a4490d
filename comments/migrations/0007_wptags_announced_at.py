"""`PostComment.announced_at`: when readers were first told that a comment is public.

Comments that the old rule had announced (or would count as announced: it sent once per approval,
never after the comment had left the approved state) are marked, so no one hears of them again:
every comment that is approved or withdrawn now, and every one the audit log shows leaving the
approved state. The rest (held, spam or trash that never were approved) wait for their approval.
"""

from django.db import migrations, models
from django.utils import timezone


def mark_announced(apps, schema_editor):
    PostComment = apps.get_model("comments", "PostComment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    now = timezone.now()  # when it became known as announced (the exact moment is not recorded)
    PostComment.objects.filter(status__in=["approved", "withdrawn"]).update(announced_at=now)
    content_type = ContentType.objects.filter(app_label="comments", model="postcomment").first()
    if content_type is None:
        return
    left_approved = ModelLogEntry.objects.filter(
        content_type=content_type, data__status_before="approved"
    ).values_list("object_id", flat=True)
    ids = {int(object_id) for object_id in left_approved if str(object_id).isdigit()}
    if ids:
        PostComment.objects.filter(pk__in=ids, announced_at__isnull=True).update(announced_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0006_merge_speed"),
    ]

    operations = [
        migrations.AddField(
            model_name="postcomment",
            name="announced_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_announced, migrations.RunPython.noop),
    ]
