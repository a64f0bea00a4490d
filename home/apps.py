from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Startseite")

    def ready(self):
        from core.sites import register_root_page_model

        from .models import HomePage

        # The home page is read with the site, as a HomePage (core/sites.py).
        register_root_page_model(HomePage)
