from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package as an app: wires the page cache invalidation to model changes and the
    front cache purges to publishing."""

    name = "config"
    verbose_name = "Konfiguration"

    def ready(self):
        from .cache import connect_invalidation_signals
        from .front_cache import connect_front_cache_purges

        connect_invalidation_signals()
        connect_front_cache_purges()
