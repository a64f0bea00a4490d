from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package as an app: wires the page cache invalidation to model changes."""

    name = "config"
    verbose_name = "Konfiguration"

    def ready(self):
        from .cache import connect_invalidation_signals

        connect_invalidation_signals()
