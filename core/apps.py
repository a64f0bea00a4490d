from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares: site settings, security helpers, error pages, the caching subsystem and the
    text rules (slugs)."""

    name = "core"
    label = "core"
    verbose_name = _("Grundlagen")

    def ready(self):
        from django.db import models
        from django.db.backends.signals import connection_created

        from wagtail.admin.forms.models import register_form_field_override

        from . import converters, invalidation, prepared
        from .widgets import GermanSlugInput

        invalidation.connect()
        # Prepared statements outlive a migration that changes a column's type (core/prepared.py).
        connection_created.connect(prepared.install, dispatch_uid="core_prepared_statements")
        # `<id:…>` for every URL module and admin viewset (Wagtail checks a viewset's converter exists).
        converters.register()
        # Every slug field of every admin form (pages, snippets) transliterates the German way as the editor
        # types; replaces Wagtail's own registration of its SlugInput for the same field class.
        register_form_field_override(models.SlugField, override={"widget": GermanSlugInput})
