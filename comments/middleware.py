"""Responses to a reader who sees their own held comments must never land in a shared cache."""

from django.utils.cache import patch_cache_control, patch_vary_headers

from .utils import PREVIEW_COOKIE


class CommentPreviewMiddleware:
    """Marks responses private and not storable when the request carries the preview cookie
    (`comment_preview`) or the response sets it: such a page may show a held comment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if PREVIEW_COOKIE in request.COOKIES or PREVIEW_COOKIE in response.cookies:
            patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ["Cookie"])
        return response
