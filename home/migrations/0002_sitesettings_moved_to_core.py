# SiteSettings now lives in the core app (core/migrations/0001_initial.py); its table stays where it is.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("home", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SiteSettings")],
            database_operations=[],
        ),
    ]
