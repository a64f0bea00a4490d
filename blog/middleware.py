"""A new page whose slug another request took in the meantime: the form's answer, never a 500.

Wagtail's page form checks the slug, then the view saves the page (`add_child`, under a lock on the
parent, where `Page.full_clean` checks it again). Two creations of the same post can both pass the form
before either is saved: typically Wagtail's autosave (a JSON POST to the add view) and the editor's
"Veröffentlichen" or "Planen" a moment later. The later save then fails with a slug ValidationError,
which Wagtail does not catch. Nothing of it was written (`add_child` is atomic), so the add view runs
once more: its form now sees the other page and answers as for any taken slug (the German message with
a free proposal, `BlogPostPageForm.explain_slug_clash`, everything typed kept; autosave gets its JSON
validation error).
"""

from django.core.exceptions import ValidationError


def is_slug_clash(exception):
    return isinstance(exception, ValidationError) and "slug" in getattr(exception, "error_dict", {})


class PageCreateSlugRaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = getattr(request, "resolver_match", None)
        if (
            match is None
            or match.view_name != "wagtailadmin_pages:add"
            or request.method != "POST"
            or not is_slug_clash(exception)
            or getattr(request, "_page_create_retried", False)
        ):
            return None
        request._page_create_retried = True  # once: a clash on the second run is a real error
        return match.func(request, *match.args, **match.kwargs)
