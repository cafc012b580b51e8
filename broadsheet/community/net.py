"""Who is asking: the client address and the account, shared by django-axes and django-ratelimit."""

from __future__ import annotations

from allauth.account.utils import filter_users_by_email
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
    """The account a log-in attempt was for, so django-axes counts one lockout per account.

    allauth takes an e-mail or a user name, in any case. An e-mail that belongs to an account
    counts as that account's user name, so `frank` and `Frank@Example.com` share one counter;
    anything else counts as typed, case-folded (guesses at unknown names are counted too).
    """
    credentials = credentials or {}
    name = credentials.get("username") or credentials.get("email")
    if not name and request is not None:
        data = getattr(request, "POST", {})
        name = data.get("login") or data.get("username")
    name = name.strip().lower() if name else ""
    if not name:
        return None
    if "@" in name:
        # allauth's own look-up for log-in by e-mail (EmailAddress rows, then User.email)
        users = filter_users_by_email(name)
        if users:
            return users[0].get_username().lower()
    return name
