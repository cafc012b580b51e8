"""Structure benchmark: are the subheads we label the ones the publisher's page has?

Reads ../shared/data/extraction-dev; on the fundus pages (whose truth gives the article as
sections, each with its headline) it compares the headings of our blocks (h2, h3 and live-blog
entry headings) with the truth's section headlines: precision (our headings that are real)
and recall (real headlines we label as headings), per publisher half (bench/extraction.py's
fixed split), with the pages that lose most. Baseline, in the same run: the `head` elements of
bare trafilatura's own tree (trafilatura.bare_extraction defaults), what one gets by taking
trafilatura's structured output as it is. The plain body is bench/extraction.py's business.

Usage:  .venv/bin/python bench/structure.py [--data DIR] [--show N]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.extraction import DATA, HALVES, halves, load  # noqa: E402  (sets DJANGO_SETTINGS_MODULE)

HEADINGS = ("h2", "h3", "entry")


def truth_headlines(row: dict) -> set[str]:
    from broadsheet.extract.body import _key

    out = set()
    for section in (row.get("body_parts") or {}).get("sections", []):
        headline = section.get("headline")
        text = " ".join(headline) if isinstance(headline, list) else (headline or "")
        if _key(text):
            out.add(_key(text))
    return out


def ours(html: bytes, url: str) -> set[str]:
    from broadsheet.extract import ExtractError, extract
    from broadsheet.extract.body import _key

    try:
        blocks = extract(html, url).blocks
    except ExtractError:
        return set()
    return {_key(b["text"]) for b in blocks if b["type"] in HEADINGS and _key(b["text"])}


def bare(html: bytes, url: str) -> set[str]:
    import trafilatura

    from broadsheet.extract.body import _key

    doc = trafilatura.bare_extraction(html, url=url)
    if doc is None or doc.body is None:
        return set()
    return {_key(" ".join(h.itertext())) for h in doc.body.iter("head")} - {""}


def score(found: dict[str, set[str]], truth: dict[str, set[str]], ids: list[str]) -> dict[str, float]:
    hits = sum(len(found[i] & truth[i]) for i in ids)
    labelled = sum(len(found[i]) for i in ids)
    real = sum(len(truth[i]) for i in ids)
    precision = hits / labelled if labelled else 1.0
    recall = hits / real if real else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "headings": labelled, "real": real}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", type=int, default=5, help="list the N pages with the most wrong or missed headings")
    args = parser.parse_args(argv)
    if not (args.data / "truth.jsonl").exists():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    import django

    django.setup()
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    rows = load(args.data)
    half = halves(rows)
    rows = [r for r in rows if r.get("body_parts")]
    truth = {r["id"]: truth_headlines(r) for r in rows}
    results = {"bare": {}, "ours": {}}
    for row in rows:
        results["bare"][row["id"]] = bare(row["html_bytes"], row["url"])
        results["ours"][row["id"]] = ours(row["html_bytes"], row["url"])
    print(f"extraction-dev, fundus pages with sections: {len(rows)}; baseline = bare trafilatura's head elements")
    for name in ("all", *HALVES):
        ids = [r["id"] for r in rows if name == "all" or half[r["id"]] == name]
        b, o = score(results["bare"], truth, ids), score(results["ours"], truth, ids)
        print(f"\n== {name}: {len(ids)} pages, {o['real']} real subheads")
        print(f"{'metric':<12}{'bare':>10}{'ours':>10}{'ours/bare':>12}{'ours-bare':>12}")
        for metric in ("precision", "recall", "f1"):
            ratio = o[metric] / b[metric] if b[metric] else float("inf")
            print(f"{metric:<12}{b[metric]:>10.4f}{o[metric]:>10.4f}{ratio:>12.3f}{o[metric] - b[metric]:>+12.4f}")
        print(f"{'headings':<12}{b['headings']:>10}{o['headings']:>10}")
        worst = sorted(ids, key=lambda i: -(len(results["ours"][i] ^ truth[i])))[:args.show]
        for page_id in worst:
            wrong = len(results["ours"][page_id] - truth[page_id])
            missed = len(truth[page_id] - results["ours"][page_id])
            if wrong or missed:
                print(f"  {page_id:<50} {wrong} not a subhead, {missed} missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
