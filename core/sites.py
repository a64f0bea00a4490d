"""The request's Wagtail site, with its site settings and its root page, in one query (issue 17).

Wagtail finds the site (`Site.find_for_request`: one query), then the root page as its specific class
(one more), and each site setting's `for_request` asks again for the site row and the setting. Here
`SiteMiddleware` asks once per request: the site chosen exactly as Wagtail chooses it (hostname and
port, then hostname and default, then the default site), joined with every `OneQuerySiteSetting`
(core/models.py) and with the root page's own table when its model was registered
(`register_root_page_model`, the home app does it). It leaves the answers where Wagtail looks for them
(`request._wagtail_site`, each setting's request attribute), so everything downstream, Wagtail's own
routing included, asks nothing more. Nothing is kept between requests: a changed site, setting or home
page is read by the next request of every process.
"""

import functools

from django.apps import apps
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db.models import Q
from django.http.request import split_domain_port

from wagtail.models import Site
from wagtail.models.sites import MATCH_DEFAULT, MATCH_HOSTNAME, MATCH_HOSTNAME_DEFAULT, MATCH_HOSTNAME_PORT

from . import compiled

# Requests that never need a site (WhiteNoise answers static files before this; the health check is
# for the load balancer; robots.txt is answered without the database).
SKIPPED_PATH_PREFIXES = ("/static/", "/media/", "/healthz", "/robots.txt")
# URL names of the apps' views that need no site either (registered in their `ready()`, e.g. the comment
# form's spam challenge, which must stay free of queries: every reader who starts typing fetches one).
_skipped_url_names = set()


def skip_site_lookup_for(url_name):
    _skipped_url_names.add(url_name)
    _skipped_paths_in.cache_clear()


def skipped_paths():
    """The paths of those views in the URLconf in use (a test may swap ROOT_URLCONF and back)."""
    return _skipped_paths_in(settings.ROOT_URLCONF)


@functools.cache
def _skipped_paths_in(urlconf):
    from django.urls import NoReverseMatch, reverse

    paths = set()
    for name in _skipped_url_names:
        try:
            paths.add(reverse(name, urlconf=urlconf))
        except NoReverseMatch:
            continue
    return frozenset(paths)


_root_page_models = []


def register_root_page_model(model):
    """Pages of `model` that are a site's root (the home page) are loaded with the site, as that class."""
    if model not in _root_page_models:
        _root_page_models.append(model)


def setting_models():
    from .models import OneQuerySiteSetting

    return [model for model in apps.get_models() if issubclass(model, OneQuerySiteSetting)]


def _relation(model):
    """The name of the reverse one-to-one from Page to `model` (a Page subclass): `homepage`."""
    return model._meta.get_field("page_ptr").related_query_name()


def find_site(request):
    """The site for `request` as Wagtail's `Site.find_for_request` chooses it, or None; with its settings
    and root page (see the module's docstring)."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = _port_number(request.get_port())
    settings_names = {model: model._meta.get_field("site").related_query_name() for model in setting_models()}
    relations = (
        *(f"root_page__{_relation(model)}" for model in _root_page_models),
        *settings_names.values(),
    )
    candidates = compiled.run(_site_candidates_query, (relations,), hostname=hostname)
    for candidate in candidates:
        candidate.match = _match(candidate, hostname, port)
    sites = sorted(candidates, key=lambda candidate: candidate.match)
    # Wagtail's choice among the candidates (wagtail.models.sites.get_site_for_hostname).
    if not sites:
        return None
    if len(sites) == 1 or sites[0].match in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        site = sites[0]
    elif sites[0].match == MATCH_DEFAULT:
        site = sites[len(sites) == 2]
    else:
        return None
    for model in _root_page_models:
        try:
            specific = getattr(site.root_page, _relation(model))
        except model.DoesNotExist:
            continue
        site.root_page = specific
        break
    for model, name in settings_names.items():
        try:
            setting = getattr(site, name)
        except model.DoesNotExist:
            # Not saved yet: the defaults, unsaved. A page view writes nothing (Wagtail's for_request
            # would create the row, and concurrent first readers raced to); the admin creates it on edit.
            setting = model(site=site)
        setting._request = request
        setattr(request, model.get_cache_attr_name(), setting)
    return site


def _site_candidates_query(relations):
    """The sites that may be the request's (its host name, or the default site), with `relations`
    selected (core.compiled keeps the SQL). Wagtail's query ranks them with a CASE and orders by it; the
    same rank is computed in `find_site` on these few rows, which spares compiling the CASE and the ORDER BY."""
    hostname = compiled.Param("hostname", Site._meta.get_field("hostname"))
    return (
        Site.objects.filter(Q(hostname=hostname) | Q(is_default_site=True))
        .order_by()
        .select_related("root_page", *relations)
    )


def _port_number(port):
    """The request's port as the integer the site's column holds (Wagtail's query had the ORM convert it);
    one that is no number matches no site's port."""
    try:
        return int(port)
    except (TypeError, ValueError):
        return None


def _match(site, hostname, port):
    """The rank Wagtail's `get_site_for_hostname` gives a candidate (its CASE, in the same order)."""
    if site.hostname == hostname and site.port == port:
        return MATCH_HOSTNAME_PORT
    if site.hostname == hostname and site.is_default_site:
        return MATCH_HOSTNAME_DEFAULT
    if site.is_default_site:
        return MATCH_DEFAULT
    return MATCH_HOSTNAME


def resolve_site(request):
    """`request._wagtail_site` (Wagtail's per-request answer) from `find_site`, once."""
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = find_site(request)
    return request._wagtail_site


class SiteMiddleware:
    """Resolves the request's site, settings and home page in one query before the view asks for them.

    After the page cache (a cached page needs no site) and before anything that asks Wagtail for the site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.path.startswith(SKIPPED_PATH_PREFIXES)
            and request.path not in skipped_paths()
            and allowed_host(request)
        ):
            resolve_site(request)
        return self.get_response(request)


def allowed_host(request):
    """A host outside ALLOWED_HOSTS gets its German 400 later (CommonMiddleware), without a query here."""
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True
