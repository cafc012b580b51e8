"""Personas and pages for the community tests: alice and bob are readers, mod is staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from broadsheet.articles.models import Article
from broadsheet.community.models import CommunitySettings
from broadsheet.sources.models import Source

PASSWORD = "correct horse battery staple"


def make_user(name: str, *, staff: bool = False, age_days: int = 30):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", PASSWORD, is_staff=staff,
                                                is_superuser=staff)
    user.date_joined = timezone.now() - timedelta(days=age_days)
    user.save(update_fields=["date_joined"])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 takes ~0.5 s a user on this machine; hashing strength is not what these tests check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def policy(db):
    """Pre-moderation off by default so each test states the rule it checks."""
    policy = CommunitySettings.current()
    policy.premoderate_first = 0
    policy.save()
    return policy


@pytest.fixture
def article(db):
    source = Source.objects.create(name="The Example Times", homepage="https://times.example.org/")
    return Article.objects.create(source=source, url="https://times.example.org/a/1", status="ok",
                                  title="Bridge reopens after repairs", body="The bridge reopened.\n\nTraffic flows.")


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def mod(db):
    return make_user("mod", staff=True)
