"""The comment URLs the site routes (under /kommentare/): posting, the link redirect and the permalink.

Deliberately not routed: django-comments-xtd's REST API and avatar preview (they publish
Gravatar hashes of e-mail addresses), its reply view (shows held comments), its confirmation and
mute views (their links carry the e-mail address), like/dislike/flag (not used), and
django_comments' moderation views (moderation happens in the Wagtail admin).
"""

from django.urls import path

from core.converters import register as register_converters

from . import edit_views, feeds, mail_views, report_views, subscription_views, views

register_converters()

urlpatterns = [
    # django_comments reverses these names (form target, Comment.get_absolute_url).
    path("senden/", views.post_comment, name="comments-post-comment"),
    # The spam challenge the form's script solves (comments/captcha.py).
    path("altcha/", views.altcha_challenge, name="comments-altcha-challenge"),
    # Reply notifications: only the subscription's random token in the address (comments/subscriptions.py).
    path("benachrichtigung/<str:token>/bestaetigen/", subscription_views.confirm, name="comments-subscription-confirm"),
    path(
        "benachrichtigung/<str:token>/abbestellen/",
        subscription_views.unsubscribe,
        name="comments-subscription-unsubscribe",
    ),
    path(
        "benachrichtigung/<str:token>/alle-abbestellen/",
        subscription_views.unsubscribe_all,
        name="comments-subscription-unsubscribe-all",
    ),
    # Comment feeds: the site's and each post's (comments/feeds.py).
    path("feed/", feeds.site_rss, name="comments-feed"),
    path("feed/atom/", feeds.site_atom, name="comments-atom-feed"),
    path("beitrag/<id:post_id>/feed/", feeds.post_rss, name="comments-post-feed"),
    path("beitrag/<id:post_id>/feed/atom/", feeds.post_atom, name="comments-post-atom-feed"),
    # A comment's permanent address: to the page of threads that shows it (comments/threads.py).
    path("<id:pk>/", views.permalink, name="comments-permalink"),
    path("link/<id:content_type_id>/<str:object_pk>/", views.comment_redirect, name="comments-url-redirect"),
    path("melden/<id:pk>/", report_views.report_comment, name="comments-report"),
    # The writer's own edit, from the browser that sent the comment (comments/edit_views.py).
    path("bearbeiten/<id:pk>/", edit_views.edit_own_comment, name="comments-edit-own"),
    path("moderieren/<str:token>/", mail_views.mail_action, name="comments-mail-action"),
    path("melden/<id:pk>/danke/", report_views.report_done, name="comments-report-done"),
]
