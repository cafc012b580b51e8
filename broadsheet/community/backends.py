from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class AxesBackend(AxesStandaloneBackend):
    """django-axes lockout for every web log-in (admin and allauth both pass the request).

    Calls without a request (the shell, tests' Client.login, management commands) are not
    web log-ins: they fall through to the next backend instead of raising, as Axes would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
