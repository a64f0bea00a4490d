"""Log-in throttling (django-axes) and the client address behind load balancers."""

import ipaddress
import logging

from axes.backends import AxesStandaloneBackend

from django.conf import settings
from django.shortcuts import render

logger = logging.getLogger(__name__)
_warned_about_proxy = False
# Where a reverse proxy of the site's own talks from: loopback, RFC 1918, carrier-grade NAT (some load
# balancers), IPv6 unique local addresses.
PROXY_NETWORKS = [
    ipaddress.ip_network(network)
    for network in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "::1/128",
        "fc00::/7",
    )
]


def client_ip(request):
    """The reader's address: REMOTE_ADDR, or the address the trusted proxies put in X-Forwarded-For.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For is the one the
    outermost trusted proxy saw; anything left of it was written by the client and may be forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    remote = request.META.get("REMOTE_ADDR", "")
    if forwarded and not proxies:
        warn_about_missing_proxy_setting(remote)
    return remote


def warn_about_missing_proxy_setting(remote):
    """Once per process: requests come through a proxy on this machine or network (X-Forwarded-For from
    a private or loopback peer) but TRUSTED_PROXY_COUNT is 0, so every reader has the proxy's address:
    one reader's flood control, report limit and log-in lockout then hit everyone."""
    global _warned_about_proxy
    if _warned_about_proxy:
        return
    try:
        peer = ipaddress.ip_address(remote)
    except ValueError:
        return
    if any(peer in network for network in PROXY_NETWORKS if network.version == peer.version):
        _warned_about_proxy = True
        logger.warning(
            "Requests arrive through a proxy at %s with X-Forwarded-For, but TRUSTED_PROXY_COUNT is 0: every "
            "reader counts as that address for flood control, report limits and log-in throttling. "
            "Set TRUSTED_PROXY_COUNT (1 behind one nginx).",
            remote,
        )


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check before every log-in through the web.

    Every log-in form (Wagtail's admin log-in, Django's LoginView) passes the request. Code that
    authenticates without one (the test client's `login()`, management commands) is not a web log-in
    and cannot be throttled by address, so it is let through to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a German page saying why and for how long (429 Too Many Requests)."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "lockout_minutes": minutes}
    response = render(request, "security/login_locked.html", context, status=429)
    response["Cache-Control"] = "no-store"
    return response
