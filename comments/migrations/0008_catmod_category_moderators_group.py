"""The "Kategorie-Moderation" group: moderates the comments on the posts of the categories its members are
named for (Einstellungen → Kategorie-Moderation), edits no page. The "Moderatoren" group may set the
category rules."""

from django.db import migrations

GROUP_NAME = "Kategorie-Moderation"
MODERATORS_GROUP = "Moderatoren"
COMMENT_PERMISSIONS = [
    ("view_postcomment", "Can view Kommentar"),
    ("change_postcomment", "Can change Kommentar"),
]
RULE_PERMISSIONS = [
    ("add_categorymoderation", "Can add Kategorie-Moderation"),
    ("change_categorymoderation", "Can change Kategorie-Moderation"),
    ("delete_categorymoderation", "Can delete Kategorie-Moderation"),
    ("view_categorymoderation", "Can view Kategorie-Moderation"),
]


def permissions_of(apps, model, codenames):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    # Model permissions are normally created after all migrations ran; create them now for the groups.
    content_type, _ = ContentType.objects.get_or_create(app_label="comments", model=model)
    return [
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})[0]
        for codename, name in codenames
    ]


def create_groups(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    permissions = permissions_of(apps, "postcomment", COMMENT_PERMISSIONS)
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    permissions.append(
        Permission.objects.get_or_create(
            content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
        )[0]
    )
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    moderators.permissions.add(*permissions_of(apps, "categorymoderation", RULE_PERMISSIONS))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name=MODERATORS_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="comments", content_type__model="categorymoderation")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0007_catmod_category_moderation"),
        ("comments", "0002_moderators_group"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
