from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares: site settings, security helpers, error pages, the caching subsystem and the
    text rules (slugs)."""

    name = "core"
    label = "core"
    verbose_name = _("Grundlagen")

    def ready(self):
        from . import invalidation

        invalidation.connect()
