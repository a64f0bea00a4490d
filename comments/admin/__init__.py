"""The moderation queue in the Wagtail admin: views, bulk actions, dashboard panel, permissions.

(A package, not ``comments/admin.py``: this is Wagtail's admin, not Django's, which the site does not install.)
"""
