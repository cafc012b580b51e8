"""The community rules in one place; views and the admin call these."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.db.models import Model
from django.utils import timezone

from broadsheet.community import spam
from broadsheet.community.models import (Comment, CommunitySettings, ModerationAction, Profile, Report,
                                         profile_of)


class NotAllowed(Exception):
    """A rule forbids this; the message is shown to the reader."""


def count_key(content_type_id: int, object_id: int) -> str:
    return f"community:count:{content_type_id}:{object_id}"


def forget_count(comment: Comment) -> None:
    cache.delete(count_key(comment.content_type_id, comment.object_id))


def visible_count(target: Model) -> int:
    ct = ContentType.objects.get_for_model(target)
    key = count_key(ct.pk, target.pk)
    found = cache.get(key)
    if found is None:
        found = Comment.objects.filter(content_type=ct, object_id=target.pk, status=Comment.Status.VISIBLE).count()
        cache.set(key, found, 600)
    return found


def prime_counts(targets: list[Model]) -> None:
    """Fill the count cache for a page of objects with one grouped query (only the missing ones)."""
    if targets:
        prime_count_ids(type(targets[0]), [t.pk for t in targets])


def prime_count_ids(model: type[Model], ids: list[int]) -> dict[int, int]:
    """prime_counts() by ids (no model instance per card); returns {id: visible comments}."""
    if not ids:
        return {}
    ct = ContentType.objects.get_for_model(model)
    keys = {count_key(ct.pk, pk): pk for pk in ids}
    cached = cache.get_many(list(keys))  # once: in the comprehension it was read again per key
    counts = {keys[key]: n for key, n in cached.items()}
    missing = [pk for key, pk in keys.items() if key not in cached]
    if missing:
        found = dict(Comment.objects.filter(content_type=ct, object_id__in=missing, status=Comment.Status.VISIBLE)
                     .values_list("object_id").annotate(n=Count("id")).values_list("object_id", "n"))
        fresh = {pk: found.get(pk, 0) for pk in missing}
        cache.set_many({count_key(ct.pk, pk): n for pk, n in fresh.items()}, 600)
        counts.update(fresh)
    return counts


def check_can_post(user) -> CommunitySettings:
    policy = CommunitySettings.current()
    if not policy.comments_enabled:
        raise NotAllowed("Comments are closed on this site for now.")
    if not user.is_authenticated:
        raise NotAllowed("Log in to comment.")
    if profile_of(user).banned:
        raise NotAllowed("Your account may not post comments.")
    return policy


def _premoderated(user, policy: CommunitySettings) -> bool:
    if not policy.premoderate_first:
        return False
    approved = Comment.objects.filter(author=user, status=Comment.Status.VISIBLE).count()
    return approved < policy.premoderate_first


def _clean_body(body: str, policy: CommunitySettings) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise NotAllowed("A comment cannot be empty.")
    if len(body) > policy.max_length:
        raise NotAllowed(f"A comment can be at most {policy.max_length} characters (this one has {len(body)}).")
    return body


def _judge(comment: Comment, user, policy: CommunitySettings, new: bool) -> None:
    """Score the text; doubtful comments (and a new account's first ones) wait in the queue."""
    verdict = spam.score(comment.body, user, policy, spam.recent_bodies_of(user, exclude_pk=comment.pk))
    reasons = list(verdict.reasons)
    held = verdict.score >= policy.spam_threshold
    if new and _premoderated(user, policy):
        reasons.append(f"pre-moderation: one of the first {policy.premoderate_first} comments of this account")
        held = True
    comment.spam_score = verdict.score
    comment.spam_reasons = reasons
    if held:
        comment.status = Comment.Status.PENDING
    elif new:
        comment.status = Comment.Status.VISIBLE


@transaction.atomic
def post_comment(user, target: Model, body: str, parent: Comment | None = None) -> Comment:
    policy = check_can_post(user)
    body = _clean_body(body, policy)
    ct = ContentType.objects.get_for_model(target)
    if parent is not None:
        if parent.content_type_id != ct.pk or parent.object_id != target.pk:
            raise NotAllowed("That reply belongs to another page.")
        if parent.parent_id:  # one level of threading: answer under the same top comment
            parent = parent.parent
        if parent.status != Comment.Status.VISIBLE:
            raise NotAllowed("That comment can no longer be answered.")
    comment = Comment(content_type=ct, object_id=target.pk, parent=parent, author=user, body=body)
    _judge(comment, user, policy, new=True)
    comment.save()
    if comment.status == Comment.Status.PENDING:
        ModerationAction.objects.create(kind=ModerationAction.Kind.AUTO_QUEUE, comment=comment,
                                        note="; ".join(comment.spam_reasons)[:500])
    forget_count(comment)
    return comment


@transaction.atomic
def edit_comment(user, comment: Comment, body: str) -> Comment:
    policy = check_can_post(user)
    if not comment.editable_by(user):
        raise NotAllowed("This comment can no longer be edited.")
    body = _clean_body(body, policy)
    if body == comment.body:
        return comment
    comment.body = body
    comment.edited = timezone.now()
    was_visible = comment.status == Comment.Status.VISIBLE
    _judge(comment, user, policy, new=False)
    comment.save()
    if comment.status == Comment.Status.PENDING and was_visible:
        ModerationAction.objects.create(kind=ModerationAction.Kind.AUTO_QUEUE, comment=comment,
                                        note="edited: " + "; ".join(comment.spam_reasons)[:480])
    forget_count(comment)
    return comment


def delete_own_comment(user, comment: Comment) -> None:
    if not user.is_authenticated or comment.author_id != user.pk:
        raise NotAllowed("You can delete only your own comments.")
    _erase(comment)


def _erase(comment: Comment) -> None:
    comment.body = ""
    comment.status = Comment.Status.DELETED
    comment.spam_reasons = []
    comment.save(update_fields=["body", "status", "spam_reasons"])
    comment.reports.update(resolved=True)
    forget_count(comment)


def report_comment(user, comment: Comment, reason: str, note: str = "") -> Report:
    if not user.is_authenticated:
        raise NotAllowed("Log in to report a comment.")
    if comment.author_id == user.pk:
        raise NotAllowed("You cannot report your own comment.")
    if comment.status != Comment.Status.VISIBLE:
        raise NotAllowed("That comment is not shown any more.")
    report, _ = Report.objects.update_or_create(comment=comment, reporter=user,
                                                defaults={"reason": reason, "note": note[:500], "resolved": False})
    return report


# --- moderation (the admin calls these; each writes the audit log) --------------------------

def _log(actor, kind: str, comment: Comment | None = None, subject=None, note: str = "") -> ModerationAction:
    return ModerationAction.objects.create(actor=actor, actor_name=actor.get_username() if actor else "",
                                           kind=kind, comment=comment, subject=subject, note=note[:500])


def _moderate(actor, comment: Comment, status: str, kind: str, note: str) -> None:
    """Set a comment's visibility, close its reports, and record who did it."""
    comment.status = status
    comment.save(update_fields=["status"])
    comment.reports.update(resolved=True)
    forget_count(comment)
    _log(actor, kind, comment, note=note)


@transaction.atomic
def hide(actor, comment: Comment, note: str = "") -> None:
    _moderate(actor, comment, Comment.Status.HIDDEN, ModerationAction.Kind.HIDE, note)


@transaction.atomic
def restore(actor, comment: Comment, note: str = "") -> None:
    if comment.status == Comment.Status.DELETED:
        raise NotAllowed(f"Comment #{comment.pk} was deleted; its text is gone.")
    _moderate(actor, comment, Comment.Status.VISIBLE, ModerationAction.Kind.RESTORE, note)


@transaction.atomic
def delete(actor, comment: Comment, note: str = "") -> None:
    _erase(comment)
    _log(actor, ModerationAction.Kind.DELETE, comment, note=note)


@transaction.atomic
def dismiss_reports(actor, comment: Comment, note: str = "") -> None:
    comment.reports.update(resolved=True)
    _log(actor, ModerationAction.Kind.DISMISS, comment, note=note)


@transaction.atomic
def ban(actor, user, note: str = "", hide_comments: bool = True) -> None:
    profile = profile_of(user)
    profile.banned, profile.banned_at = True, timezone.now()
    profile.save(update_fields=["banned", "banned_at"])
    if hide_comments:
        for comment in Comment.objects.filter(author=user, status__in=[Comment.Status.VISIBLE, Comment.Status.PENDING]):
            comment.status = Comment.Status.HIDDEN
            comment.save(update_fields=["status"])
            forget_count(comment)
    _log(actor, ModerationAction.Kind.BAN, subject=user, note=note)


@transaction.atomic
def unban(actor, user, note: str = "") -> None:
    Profile.objects.filter(user=user).update(banned=False, banned_at=None)
    _log(actor, ModerationAction.Kind.UNBAN, subject=user, note=note)


# --- account deletion -------------------------------------------------------------------------

@transaction.atomic
def delete_account(user) -> None:
    """Remove an account and everything personal: comments stay as "[deleted]" so replies keep their place."""
    for comment in Comment.objects.filter(author=user):
        comment.body, comment.status, comment.spam_reasons, comment.author = "", Comment.Status.DELETED, [], None
        comment.save(update_fields=["body", "status", "spam_reasons", "author"])
        Report.objects.filter(comment=comment).update(resolved=True)
        forget_count(comment)
    ModerationAction.objects.filter(actor=user).update(actor_name="[deleted]")
    _forget_login_records(user.get_username(), getattr(user, "email", ""))
    user.delete()  # cascades: profile, reports made, e-mail addresses, admin log entries


def _forget_login_records(*names: str) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for name in filter(None, names):
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=name).delete()
