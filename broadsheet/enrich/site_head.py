"""The instance's own section head, learnt from the articles its publishers label.

An article whose section a publisher states (URL path segment, `article:section`, JSON-LD
`articleSection`, feed category, an "Opinion |" kicker: `sections.hint_section` and
`sections.is_opinion`) is a labelled example of this site's sources. Once enough exist
(settings.ENRICH_SITE_HEAD_MIN_ARTICLES over at least ENRICH_SITE_HEAD_MIN_SECTIONS
sections), a periodic task trains a small head on the newest of them (at most
ENRICH_SITE_HEAD_MAX_ARTICLES, so time and memory are bounded) over the same vector as the
shipped head (MiniLM of title + lead ⊕ WordLlama of the text), and writes it atomically to
`section_site_head.npz` in the data dir. `sections.classify` then adds its
log-probabilities, weighted by ENRICH_SITE_HEAD_WEIGHT, to the shipped head's (the prior),
for the articles without a hint: those with one are filed by it.

Training is scikit-learn's logistic regression (classes weighted equally: a site's feeds are
rarely balanced). It comes with the `ml` extra, as the MiniLM vectors the head reads do; without
it the task says so and the shipped head goes on alone.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from django.conf import settings

log = logging.getLogger("broadsheet.enrich")

FILE_NAME = "section_site_head.npz"
C = 1.0  # scikit-learn's default; on sections-dev as good as any numpy fit we tried, and 9x faster


def path() -> Path:
    return Path(settings.DATA_DIR) / FILE_NAME


# --- training ------------------------------------------------------------------------------
def fit(x: np.ndarray, y: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(classes, coef (k × d), intercept (k)) of a logistic regression of y on x. With two
    classes scikit-learn keeps one row of weights; the head stores one per class."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=1000, class_weight="balanced").fit(x, y)
    coef, intercept = model.coef_.astype(np.float32), model.intercept_.astype(np.float32)
    if len(model.classes_) == 2:
        coef, intercept = np.vstack([-coef / 2, coef / 2]), np.array([-intercept[0] / 2, intercept[0] / 2], np.float32)
    return [str(c) for c in model.classes_], coef, intercept


def save(classes: list[str], coef: np.ndarray, intercept: np.ndarray, n: int, target: Path | None = None) -> Path:
    """Write the head next to its final place, then rename: a reader sees the old file or
    the new one, never half of one."""
    target = target or path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".section_site_head-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(out, classes=np.array(classes, dtype=str), coef=coef.astype(np.float32),
                     intercept=intercept.astype(np.float32), n=np.int64(n), trained_at=np.float64(time.time()))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _loaded.clear()
    return target


def labelled(limit: int) -> list[dict]:
    """The newest articles whose publisher states their section, at most `limit`, read from
    a bounded window of the newest articles (4 × limit) that have a stored embedding."""
    from broadsheet.articles.models import Article
    from broadsheet.enrich.sections import publisher_section

    rows = (Article.objects.filter(status=Article.Status.OK, embedding__isnull=False).order_by("-pk")
            .values_list("title", "body", "teaser", "page_section", "url", "authors", "embedding")[: limit * 4])
    out = []
    for title, body, teaser, page_section, url, authors, embedding in rows.iterator(chunk_size=500):
        section = publisher_section(title, page_section, url, authors if isinstance(authors, list) else [])
        if section:
            out.append({"title": title, "text": body or teaser or "", "section": section, "embedding": embedding})
            if len(out) >= limit:
                break
    return out


def train() -> dict:
    """Train and store the site head when enough labelled articles exist; what happened."""
    from broadsheet.enrich.embeddings import from_bytes
    from broadsheet.enrich.sections import features_many

    try:
        import sklearn  # noqa: F401
    except ImportError:
        log.warning("the site section head needs scikit-learn (the `ml` extra); the shipped head goes on alone")
        return {"trained": False, "reason": "scikit-learn is not installed"}
    started = time.monotonic()
    rows = labelled(settings.ENRICH_SITE_HEAD_MAX_ARTICLES)
    sections = {r["section"] for r in rows}
    if len(rows) < settings.ENRICH_SITE_HEAD_MIN_ARTICLES or len(sections) < settings.ENRICH_SITE_HEAD_MIN_SECTIONS:
        return {"trained": False, "articles": len(rows), "sections": len(sections)}
    rows = [r for r in rows if from_bytes(r["embedding"]) is not None]
    x = features_many([r["title"] for r in rows], [r["text"] for r in rows], [from_bytes(r["embedding"]) for r in rows])
    classes, coef, intercept = fit(x, [r["section"] for r in rows])
    save(classes, coef, intercept, len(rows))
    took = time.monotonic() - started
    log.info("trained the site section head on %d articles in %d sections (%.1f s)", len(rows), len(classes), took)
    return {"trained": True, "articles": len(rows), "sections": len(classes), "seconds": round(took, 2)}


def due() -> bool:
    """True when the head is missing or older than ENRICH_SITE_HEAD_HOURS (0: never train)."""
    hours = settings.ENRICH_SITE_HEAD_HOURS
    if hours <= 0:
        return False
    try:
        return time.time() - path().stat().st_mtime >= hours * 3600
    except OSError:
        return True


# --- use -----------------------------------------------------------------------------------
_loaded: dict[str, tuple[float, tuple | None]] = {}


def load() -> tuple[list[str], np.ndarray, np.ndarray] | None:
    """The stored site head, re-read when its file changes; None when there is none (or it
    is unreadable: the shipped head alone is the safe answer)."""
    target = path()
    try:
        mtime = target.stat().st_mtime
    except OSError:
        return None
    cached = _loaded.get(str(target))
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        with np.load(target, allow_pickle=False) as data:
            head = ([str(c) for c in data["classes"]], data["coef"].astype(np.float32),
                    data["intercept"].astype(np.float32))
    except (OSError, ValueError, KeyError) as exc:
        log.warning("site section head %s unreadable (%s); using the shipped head alone", target, exc)
        head = None
    _loaded[str(target)] = (mtime, head)
    return head


def log_probabilities(x: np.ndarray) -> dict[str, float] | None:
    head = load()
    if head is None:
        return None
    classes, coef, intercept = head
    if coef.shape[1] != x.shape[0]:
        return None  # trained over another vector (a model change): ignored until retrained
    logits = coef @ x + intercept
    logits = logits - logits.max()
    log_p = logits - np.log(np.exp(logits).sum())
    return dict(zip(classes, log_p.tolist()))
