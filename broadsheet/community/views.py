from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_ratelimit.core import is_ratelimited

from broadsheet.community import services, targets
from broadsheet.community.forms import CommentForm, DeleteAccountForm, ProfileForm, ReportForm
from broadsheet.community.models import Comment, profile_of
from broadsheet.lib.methods import allow, read_only


def _rate_limited(request: HttpRequest, group: str) -> bool:
    """Count this request against the per-account and the per-IP limit (django-ratelimit, shared cache)."""
    by_user = is_ratelimited(request, group=group, key="user", rate=settings.COMMUNITY_RATE_USER,
                             method="POST", increment=True)
    by_ip = is_ratelimited(request, group=group, key="ip", rate=settings.COMMUNITY_RATE_IP,
                           method="POST", increment=True)
    return by_user or by_ip


TOO_FAST = "You have posted a lot in a short time. Please wait a minute, then send this again."


def _back(comment_or_target, anchor: str = "comments") -> str:
    url = comment_or_target.get_absolute_url()
    return url if "#" in url else f"{url}#{anchor}"


def _retry(request: HttpRequest, kind: str, target, form: CommentForm, error: str, status: int = 400) -> HttpResponse:
    """Show the refused comment again with the reason, so the reader loses nothing they typed."""
    return render(request, "community/post.html",
                  {"form": form, "error": error, "target": target, "kind": kind}, status=status)


@allow("POST")
@login_required
def post(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = get_object_or_404(targets.queryset(kind), pk=pk)
    form = CommentForm(request.POST)
    if _rate_limited(request, "comment"):
        return _retry(request, kind, target, form, TOO_FAST, status=429)
    if not form.is_valid():
        return _retry(request, kind, target, form, "; ".join(e for errors in form.errors.values() for e in errors))
    parent = None
    if form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
        if parent is None:
            return _retry(request, kind, target, form, "The comment you answered no longer exists.")
    try:
        comment = services.post_comment(request.user, target, form.cleaned_data["body"], parent)
    except services.NotAllowed as exc:
        return _retry(request, kind, target, form, str(exc))
    if comment.status == Comment.Status.PENDING:
        messages.info(request, "Thanks: your comment will appear once a moderator has looked at it.")
    return redirect(_back(comment))


@allow("GET", "POST")
@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the author's own comments are found at all: others get a 404, not a hint.
    comment = get_object_or_404(Comment, pk=pk, author=request.user)
    if not comment.editable_by(request.user):
        messages.error(request, "This comment can no longer be edited.")
        return redirect(_back(comment))
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST":
        if _rate_limited(request, "comment"):
            form.is_valid()
            form.add_error(None, TOO_FAST)
            return render(request, "community/edit.html", {"form": form, "comment": comment}, status=429)
        if form.is_valid():
            try:
                services.edit_comment(request.user, comment, form.cleaned_data["body"])
            except services.NotAllowed as exc:
                form.add_error("body", str(exc))
            else:
                if comment.status == Comment.Status.PENDING:
                    messages.info(request, "Your edited comment will appear once a moderator has looked at it.")
                return redirect(_back(comment))
    return render(request, "community/edit.html", {"form": form, "comment": comment})


@allow("GET", "POST")
@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk, author=request.user)
    if request.method == "POST":
        services.delete_own_comment(request.user, comment)
        messages.success(request, "Your comment was deleted.")
        return redirect(_back(comment))
    return render(request, "community/delete.html", {"comment": comment})


@allow("GET", "POST")
@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk, status=Comment.Status.VISIBLE)
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if _rate_limited(request, "report"):
            form.is_valid()
            form.add_error(None, TOO_FAST)
            return render(request, "community/report.html", {"form": form, "comment": comment}, status=429)
        if form.is_valid():
            try:
                services.report_comment(request.user, comment, form.cleaned_data["reason"], form.cleaned_data["note"])
            except services.NotAllowed as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Thank you: a moderator will look at this comment.")
            return redirect(_back(comment))
    return render(request, "community/report.html", {"form": form, "comment": comment})


def _possible_username(name: str) -> bool:
    """What a user name can be (Django's own rule), so a NUL never reaches the database."""
    try:
        UnicodeUsernameValidator()(name)
    except ValidationError:
        return False
    return len(name) <= 150


@read_only
def profile(request: HttpRequest, username: str) -> HttpResponse:
    if not _possible_username(username):
        return render(request, "web/bad_request.html", {"message": "That is not a user name: user names have at most "
                      "150 letters, digits and @ . + - _ characters."}, status=400)
    user = get_object_or_404(get_user_model(), username=username, is_active=True)
    own = request.user.is_authenticated and request.user.pk == user.pk
    shown = [Comment.Status.VISIBLE, Comment.Status.PENDING] if own else [Comment.Status.VISIBLE]
    comments = (Comment.objects.filter(author=user, status__in=shown).select_related("content_type")
                .prefetch_related("target").order_by("-created")[:100])
    return render(request, "community/profile.html",
                  {"person": user, "profile": profile_of(user), "comments": comments, "own": own})


@allow("GET", "POST")
@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=profile_of(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("community:account")
    return render(request, "community/account.html", {"form": form})


@allow("GET", "POST")
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        messages.success(request, "Your account and personal data were deleted.")
        return redirect(reverse("web:home"))
    return render(request, "community/delete_account.html", {"form": form})
