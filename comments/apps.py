from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    label = "comments"
    verbose_name = _("Kommentare")

    def ready(self):
        # django-comments-xtd creates the comment in a signal receiver defined in its views module;
        # we do not route its views, so import the module to connect that receiver.
        import django_comments_xtd.views  # noqa: F401

        from .moderation import register

        register()
