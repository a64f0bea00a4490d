# SiteSettings moved here from the home app: the model's state only, its table stays (home_sitesettings).

import django.db.models.deletion
import wagtail.fields
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Permissions and log entries of the settings follow the model to its new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="core", model="sitesettings").exists():
        ContentType.objects.filter(app_label="home", model="sitesettings").update(app_label="core")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="home", model="sitesettings").exists():
        ContentType.objects.filter(app_label="core", model="sitesettings").update(app_label="home")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SiteSettings",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("site_name", models.CharField(default="WIR. LEBEN. EIFEL.", max_length=255, verbose_name="Name der Website")),
                        ("tagline", models.CharField(blank=True, max_length=255, verbose_name="Untertitel")),
                        ("footer_text", models.CharField(blank=True, max_length=255, verbose_name="Fußzeilentext")),
                        ("footer_links", wagtail.fields.StreamField([("link", 3)], blank=True, block_lookup={0: ("wagtail.blocks.CharBlock", (), {"label": "Beschriftung"}), 1: ("wagtail.blocks.PageChooserBlock", (), {"label": "Seite", "required": False}), 2: ("wagtail.blocks.URLBlock", (), {"label": "Oder Adresse", "required": False}), 3: ("wagtail.blocks.StructBlock", [[("label", 0), ("page", 1), ("url", 2)]], {})}, verbose_name="Links in der Fußzeile")),
                        ("site", models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, to="wagtailcore.site")),
                    ],
                    options={
                        "verbose_name": "Website-Einstellungen",
                        "db_table": "home_sitesettings",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
