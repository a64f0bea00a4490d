"""Log-in throttling (django-axes) and the client address behind load balancers."""

from axes.backends import AxesStandaloneBackend

from django.conf import settings
from django.shortcuts import render


def client_ip(request):
    """The reader's address: REMOTE_ADDR, or the address the trusted proxies put in X-Forwarded-For.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For is the one the
    outermost trusted proxy saw; anything left of it was written by the client and may be forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


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
