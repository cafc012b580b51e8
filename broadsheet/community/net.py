"""Who is asking: the client address and the log-in name, shared by django-axes and django-ratelimit."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind one trusted reverse proxy the hop it appended to X-Forwarded-For.

    Only the last hop is trusted: earlier entries are whatever the client chose to send.
    """
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"


def login_name(request: HttpRequest, credentials: dict | None) -> str | None:
    """The name a log-in attempt was for, whether allauth got an e-mail or a user name (case-folded)."""
    credentials = credentials or {}
    name = credentials.get("username") or credentials.get("email")
    if not name and request is not None:
        data = getattr(request, "POST", {})
        name = data.get("login") or data.get("username")
    return name.strip().lower() if name else None
