"""German names for Wagtail's page-approval group and its default workflow, so that no one confuses the
page approval ("Moderators", workflow "Moderators approval", shown as "In Moderators approval einreichen")
with the comment moderators ("Moderatoren", comments/migrations/0002_moderators_group.py)."""

from django.db import migrations

RENAMES = {
    "Moderators": "Seitenfreigabe (Chefredaktion)",
}
WORKFLOW_RENAMES = {"Moderators approval": "Freigabe durch die Chefredaktion"}


def rename(apps, schema_editor, groups, workflows):
    Group = apps.get_model("auth", "Group")
    for old, new in groups.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    for model_name in ("Workflow", "Task"):
        model = apps.get_model("wagtailcore", model_name)
        for old, new in workflows.items():
            model.objects.filter(name=old).update(name=new)


def forwards(apps, schema_editor):
    rename(apps, schema_editor, RENAMES, WORKFLOW_RENAMES)


def backwards(apps, schema_editor):
    rename(
        apps,
        schema_editor,
        {new: old for old, new in RENAMES.items()},
        {new: old for old, new in WORKFLOW_RENAMES.items()},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0003_editors_slugs_tags"),
        # After every Wagtail migration that finds these groups by their English names.
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
