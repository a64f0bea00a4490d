from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordpressConfig(AppConfig):
    name = "wordpress"
    label = "wordpress"
    verbose_name = _("WordPress-Import")

    def ready(self):
        from django.db.models.signals import post_delete

        from comments.lifecycle import comments_anonymised
        from comments.models import PostComment

        from . import signals

        comments_anonymised.connect(signals.on_comments_anonymised, dispatch_uid="wordpress-forget-anonymised")
        post_delete.connect(signals.on_comment_deleted, sender=PostComment, dispatch_uid="wordpress-forget-deleted")
