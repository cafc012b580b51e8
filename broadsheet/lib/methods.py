"""Declare the HTTP methods a view answers; any other method gets 405, never a CSRF 403.

Django's `require_http_methods` runs inside the view, after CsrfViewMiddleware has
already refused a PUT or DELETE with the "form expired" page (403). Here the method is
checked first and the CSRF check runs after it, for the declared methods only: the view
is exempt from the middleware's check and wrapped in `csrf_protect` instead (the pattern
Django's CSRF documentation gives for protecting part of a view).
"""

from __future__ import annotations

from functools import wraps

from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods


def allow(*methods: str):
    """`@allow("GET", "POST")`: HEAD is allowed with GET; OPTIONS is answered 405 too."""
    wanted = {m.upper() for m in methods} | ({"HEAD"} if "GET" in {m.upper() for m in methods} else set())

    def decorator(view):
        protected = csrf_protect(view)

        @wraps(view)
        def checked(request, *args, **kwargs):
            return protected(request, *args, **kwargs)

        return csrf_exempt(require_http_methods(sorted(wanted))(checked))

    return decorator


read_only = allow("GET")
