"""Every served page records that it shows itself (core/cache.py), whatever type it is."""

from wagtail import hooks

from .cache import depends_on, page_tag


@hooks.register("before_serve_page")
def record_the_served_page(page, request, serve_args, serve_kwargs):
    depends_on(page_tag(page))
