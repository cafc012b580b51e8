"""The site's own section head (enrich/site_head.py) on sections-dev, beside the shipped head alone.

    .venv/bin/python bench/site_head.py [--weights 0.5,1,2]

A running site learns from the articles its publishers label. Here the "site" is the New York
Times of sections-dev (4,000 headlines + abstracts, publisher labels): its items are split in
two halves by a hash of their id; the site head is trained on one half (as if those items had
come with a URL section) and scored on the other, then the other way round, so every figure
is printed for both directions (a weight is kept only if it helps in both).

The prior must not have seen the scored half, so two priors are measured:
- PRIOR-BBC: the shipped recipe without sections-dev (BBC dev + our seed examples, both heads):
  a site whose sources are unlike the shipped head's training data;
- PRIOR-SHIPPED: the shipped recipe itself (BBC dev + seed + sections-dev), but with the
  scored half left out: a site like the training data.
Baseline: each prior alone. Figures: accuracy, macro-F1 and per-section F1, on text alone,
with the kicker rule (`is_opinion` on the title) applied as `classify` does. Also the site
head alone, and the CPU time of training and of the blend in one classification.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")


def half_of(item_id: str) -> int:
    return int(hashlib.sha256(f"broadsheet-site-head|{item_id}".encode()).hexdigest()[:8], 16) % 2


def blend(log_prior: np.ndarray, prior_classes: list[str], log_site: np.ndarray, site_classes: list[str],
          weight: float) -> list[str]:
    """What `sections.with_site_head` does, over a matrix of rows."""
    floor = log_site.min(axis=1, keepdims=True)
    index = {c: i for i, c in enumerate(site_classes)}
    site = np.hstack([log_site[:, [index[c]]] if c in index else floor for c in prior_classes])
    return [prior_classes[i] for i in np.argmax(log_prior + weight * site, axis=1)]


def main(argv: list[str] | None = None) -> int:
    import django

    django.setup()
    from scipy import sparse

    import ai
    from broadsheet.enrich import site_head
    from broadsheet.enrich import train_sections as ts

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", default="0.5,1,2")
    args = parser.parse_args(argv)
    weights = [float(w) for w in args.weights.split(",")]

    nyt_path = ai.DATA / "sections-dev" / "sections.jsonl"
    if not nyt_path.exists():
        sys.exit(f"missing {nyt_path}: the benchmark needs ../shared/data beside the checkout")
    nyt_rows = [r for r in ai.load("sections-dev", "sections.jsonl")]
    nyt = [{"title": r["title"], "text": r["text"], "section": r["section"]} for r in nyt_rows]
    bbc, seed = ts.load_bbc(ai.DATA / "classification-dev" / "bbc.jsonl"), ts.load_seed()
    xn, xb, xs = ts.featurise(nyt), ts.featurise(bbc), ts.featurise(seed)
    hn, hb, hs = ts.ngram_matrix(nyt), ts.ngram_matrix(bbc), ts.ngram_matrix(seed)
    yn, yb, ys = (np.array([r["section"] for r in rows], dtype=object) for rows in (nyt, bbc, seed))
    halves = np.array([half_of(r["id"]) for r in nyt_rows])
    labels = sorted(set(yn))

    def prior(parts):
        return ts.fit(np.vstack([p[0] for p in parts]), sparse.vstack([p[1] for p in parts]).tocsr(),
                      [v for p in parts for v in p[2]], np.concatenate([np.full(len(p[2]), p[3]) for p in parts]))

    def prior_log_p(model, x, h):
        ngram = model.ngram.predict_log_proba(ts._tfidf(h, model.idf))
        return model.embedding.predict_log_proba(x) + ts.NGRAM_WEIGHT * ngram

    print(f"sections-dev as one site: {len(yn)} items, halves {np.bincount(halves).tolist()}; "
          f"scored on text alone with the kicker rule")
    for train_half in (0, 1):
        train, test = np.where(halves == train_half)[0], np.where(halves != train_half)[0]
        rows_test = [nyt[i] for i in test]
        t0 = time.process_time()
        classes, coef, intercept = site_head.fit(xn[train], list(yn[train]))
        fit_cpu = time.process_time() - t0
        logits = xn[test] @ coef.T + intercept
        log_site = logits - logits.max(axis=1, keepdims=True)
        log_site = log_site - np.log(np.exp(log_site).sum(axis=1, keepdims=True))
        results = {"site head alone": [classes[i] for i in np.argmax(log_site, axis=1)]}
        priors = {"PRIOR-BBC": prior([(xb, hb, yb, ts.BBC_WEIGHT), (xs, hs, ys, 1.0)]),
                  "PRIOR-SHIPPED": prior([(xn[train], hn[train], yn[train], 1.0), (xb, hb, yb, ts.BBC_WEIGHT),
                                          (xs, hs, ys, 1.0)])}
        for name, model in priors.items():
            log_prior = prior_log_p(model, xn[test], hn[test])
            prior_classes = [str(c) for c in model.classes_]
            results[f"{name} alone (baseline)"] = [prior_classes[i] for i in np.argmax(log_prior, axis=1)]
            for w in weights:
                results[f"{name} + site head w={w:g}"] = blend(log_prior, prior_classes, log_site, classes, w)
        print(f"\n== site head trained on half {train_half} ({len(train)} items, fit {fit_cpu:.1f} s CPU), "
              f"scored on half {1 - train_half} ({len(test)} items)")
        print(f"  {'':36} {'accuracy':>8} {'macroF1':>8}  " + " ".join(f"{label[:6]:>6}" for label in labels))
        base = {}
        for name, pred in results.items():
            sc = ai._scores(yn[test], ai._with_title_rule(np.array(pred, dtype=object), rows_test), labels)
            if name.endswith("(baseline)"):
                base[name.split()[0]] = sc["accuracy"]
            ref = base.get(name.split()[0])
            vs = f"  {sc['accuracy'] / ref:.3f}x baseline" if ref and not name.endswith("(baseline)") else ""
            print(f"  {name:36} {sc['accuracy']:8.4f} {sc['macro_f1']:8.4f}  "
                  + " ".join(f"{sc['f1'][label]:6.3f}" for label in labels) + vs)

    # CPU of the blend inside classify, with a stored head: a stat, a 10 x 640 product.
    import tempfile

    from django.conf import settings

    from broadsheet.enrich import sections

    with tempfile.TemporaryDirectory() as tmp:
        settings.DATA_DIR = Path(tmp)
        site_head.save(classes, coef, intercept, n=len(train))
        probabilities = {c: 0.1 for c in labels}
        t0 = time.process_time()
        for i in range(1000):
            sections.with_site_head(probabilities, xn[i])
        print(f"\nblend CPU per article with a stored head: {(time.process_time() - t0):.3f} ms "
              f"(the whole classify step is measured by bench/ai.py --only latency)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
