"""The "Moderatoren" group: moderates every comment in the Wagtail admin, edits no page."""

from django.db import migrations

GROUP_NAME = "Moderatoren"
COMMENT_PERMISSIONS = [
    ("view_postcomment", "Can view Kommentar"),
    ("change_postcomment", "Can change Kommentar"),
    ("delete_postcomment", "Can delete Kommentar"),
]


def create_moderators_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    # Model permissions are normally created after all migrations ran; create them now so the group can have them.
    comment_type, _ = ContentType.objects.get_or_create(app_label="comments", model="postcomment")
    permissions = [
        Permission.objects.get_or_create(content_type=comment_type, codename=codename, defaults={"name": name})[0]
        for codename, name in COMMENT_PERMISSIONS
    ]
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    permissions.append(
        Permission.objects.get_or_create(
            content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
        )[0]
    )
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions)


def remove_moderators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]
