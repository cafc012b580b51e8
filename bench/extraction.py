"""Extraction benchmark: ours (`broadsheet.extract.extract`) against bare trafilatura.

Reads ../shared/data/extraction-dev (HTML pages + truth.jsonl), runs both extractors on the
same pages in the same run and prints, for each, body token precision/recall/F1 (mean over
pages), title exact match, author set match, published day match, language match and pages/s,
with ours as a ratio of the baseline. Exits non-zero when a goal floor is missed.

A figure holds only if it holds on pages the rules were not tuned on: the pages are split by
publisher group (`halves`, fixed here) into a tuning half and a confirmation half, and every
figure, the pages where we do worse than bare, and the speed are printed per half.

Baseline: trafilatura.bare_extraction(html, url=url, with_metadata=True), defaults otherwise.

Usage:  .venv/bin/python bench/extraction.py [--data DIR] [--only ID-SUBSTRING] [--half H] [--show N]
        [--titles] [--variant NAME ...]   (extra trafilatura settings measured as further baselines)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
DATA = ROOT.parent / "shared" / "data" / "extraction-dev"

# Goal floors (issue 10), checked per half; the run fails when the confirmation half misses
# one. Body F1 is relative to bare trafilatura measured in the same run. The title floor is
# checked on title_shown: exact, or the page's visible headline where the reference (each
# fundus publisher parser's choice) took an SEO or social title, which the issue counts as right.
BODY_F1_MARGIN = 0.03
FLOORS = {"title": 0.85, "authors": 0.88, "date": 0.97}
MIN_SPEED_RATIO = 0.6

# The split into halves: fixed, so a rule tuned on one half is confirmed on the other.
HALF_SALT = "broadsheet-extraction-halves-v1"
HALVES = ("tuning", "confirmation")
WORSE_BY = (0.01, 0.05)  # count pages whose body F1 is below bare's by more than these

TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter:
    return Counter(t.lower() for t in TOKEN.findall(unicodedata.normalize("NFKC", text or "")))


def prf(pred: str, truth: str) -> tuple[float, float, float]:
    """Token-level precision/recall/F1 over the multisets of lower-cased word tokens."""
    p, t = tokens(pred), tokens(truth)
    if not p and not t:
        return 1.0, 1.0, 1.0
    common = sum((p & t).values())
    precision = common / sum(p.values()) if p else 0.0
    recall = common / sum(t.values()) if t else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def norm_ws(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def norm_name(name: str) -> str:
    return norm_ws(name).casefold()


def day_match(pred: str | None, truth: str) -> bool:
    """Same calendar day, read in the truth's own offset when it has one."""
    if not pred:
        return False
    try:
        t = datetime.fromisoformat(truth)
        p = datetime.fromisoformat(pred)
    except ValueError:
        return False
    if t.tzinfo is not None and p.tzinfo is not None:
        p = p.astimezone(t.tzinfo)
    return p.date() == t.date()


_LANG_DETECTOR = None


def reference_language(text: str) -> str | None:
    """Language of the truth body (the set has no language field): lingua, high accuracy mode."""
    global _LANG_DETECTOR
    if _LANG_DETECTOR is None:
        from lingua import LanguageDetectorBuilder

        _LANG_DETECTOR = LanguageDetectorBuilder.from_all_languages().build()
    lang = _LANG_DETECTOR.detect_language_of(text[:3000])
    return lang.iso_code_639_1.name.lower() if lang else None


def load(data: Path, only: str = "") -> list[dict]:
    rows = []
    for line in (data / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if only and only not in row["id"]:
            continue
        row["html_bytes"] = (data / "html" / f"{row['id']}.html").read_bytes()
        rows.append(row)
    return rows


def site_groups(rows: list[dict]) -> dict[str, str]:
    """Page id -> its publisher group: union-find over {site (registrable domain), fundus
    publisher}, so a publisher's pages, under whatever domain, share one group; the group's
    key is its smallest member name."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        find(row["site"])
        if row.get("publisher"):
            parent[find("publisher:" + row["publisher"])] = find(row["site"])
    members: dict[str, list[str]] = {}
    for name in list(parent):
        members.setdefault(find(name), []).append(name.removeprefix("publisher:"))
    return {row["id"]: min(members[find(row["site"])]) for row in rows}


def halves(rows: list[dict]) -> dict[str, str]:
    """Page id -> "tuning" or "confirmation", by a hash of its publisher group (about half each;
    on extraction-dev 80 and 63 pages)."""
    out = {}
    for page_id, group in site_groups(rows).items():
        fraction = int(hashlib.sha256(f"{HALF_SALT}|{group}".encode()).hexdigest()[:12], 16) / 16**12
        out[page_id] = HALVES[0] if fraction < 0.5 else HALVES[1]
    return out


def ours(html: bytes, url: str) -> dict:
    from broadsheet.extract import ExtractError, extract

    try:
        doc = extract(html, url)
    except ExtractError:
        return {}
    return {
        "body": doc.body,
        "title": doc.title,
        "authors": [a["name"] for a in doc.authors],
        "date": doc.published.isoformat() if doc.published else None,
        "language": doc.language,
    }


def trafilatura_runner(**options) -> Callable[[bytes, str], dict]:
    import trafilatura

    def run(html: bytes, url: str) -> dict:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, **options)
        if doc is None:
            return {}
        return {
            "body": doc.text or "",
            "title": doc.title,
            "authors": [a.strip() for a in (doc.author or "").split(";") if a.strip()],
            "date": doc.date,
            "language": (doc.language or "").split("-")[0].lower() or None,
        }

    return run


VARIANTS = {
    "bare": {},
    "favor_recall": {"favor_recall": True},
    "favor_precision": {"favor_precision": True},
    "fast": {"fast": True},
}


def run_all(runners: dict[str, Callable[[bytes, str], dict]], rows: list[dict]) -> tuple[dict, dict]:
    """Every runner on every page, interleaved page by page so that load from other
    processes on a shared machine falls on all of them alike. -> outputs, seconds per page."""
    outputs: dict[str, dict] = {name: {} for name in runners}
    seconds: dict[str, dict] = {name: {} for name in runners}
    for row in rows:
        for name, fn in runners.items():
            start = time.perf_counter()
            outputs[name][row["id"]] = fn(row["html_bytes"], row["url"])
            seconds[name][row["id"]] = time.perf_counter() - start
    return outputs, seconds


def evaluate(name: str, fn: Callable[[bytes, str], dict], rows: list[dict], langs: dict,
             outputs: dict | None = None, elapsed: float | None = None) -> tuple[dict, dict]:
    per_page: dict[str, dict] = {}
    sums = Counter()
    counts = Counter()
    if outputs is None:
        start = time.perf_counter()
        outputs = {row["id"]: fn(row["html_bytes"], row["url"]) for row in rows}
        elapsed = time.perf_counter() - start
    for row in rows:
        out = outputs[row["id"]]
        p, r, f = prf(out.get("body", ""), row["body"])
        page = {"p": p, "r": r, "f1": f}
        sums.update({"precision": p, "recall": r, "f1": f})
        counts.update({"precision": 1, "recall": 1, "f1": 1})
        if row.get("title"):
            page["title"] = norm_ws(out.get("title")) == norm_ws(row["title"])
            sums["title"] += page["title"]
            counts["title"] += 1
        if row.get("authors"):
            page["authors"] = {norm_name(a) for a in out.get("authors") or []} == {norm_name(a) for a in row["authors"]}
            sums["authors"] += page["authors"]
            counts["authors"] += 1
        if row.get("date"):
            page["date"] = day_match(out.get("date"), row["date"])
            sums["date"] += page["date"]
            counts["date"] += 1
        if langs.get(row["id"]):
            page["language"] = (out.get("language") or "") == langs[row["id"]]
            sums["language"] += page["language"]
            counts["language"] += 1
        page["out"] = out
        per_page[row["id"]] = page
    result = {key: sums[key] / counts[key] for key in counts}
    if counts["title"]:
        visible, other = title_misses(rows, per_page)
        result["title_misses"] = {"visible": visible, "other": other}
        result["title_shown"] = (counts["title"] - other) / counts["title"]
    result["n"] = {key: counts[key] for key in counts}
    result["pages_per_s"] = len(rows) / elapsed if elapsed else 0.0
    result["seconds"] = elapsed
    return result, per_page


METRICS = ("f1", "precision", "recall", "title", "title_shown", "authors", "date", "language", "pages_per_s")


def report(results: dict[str, dict], baseline: str = "bare") -> list[str]:
    base = results[baseline]
    names = list(results)
    lines = [f"{'metric':<12}" + "".join(f"{n:>18}" for n in names) + f"{'ours/bare':>12}{'ours-bare':>12}"]
    for metric in METRICS:
        cells = "".join(f"{results[n].get(metric, 0.0):>18.4f}" for n in names)
        o, b = results["ours"].get(metric, 0.0), base.get(metric, 0.0)
        ratio = o / b if b else float("inf")
        lines.append(f"{metric:<12}{cells}{ratio:>12.3f}{o - b:>+12.4f}")
    n = results["ours"]["n"]
    lines.append(f"pages: {n.get('f1', 0)} (title {n.get('title', 0)}, authors {n.get('authors', 0)}, "
                 f"date {n.get('date', 0)}, language {n.get('language', 0)})")
    return lines


def worse_than_bare(ours_pages: dict, bare_pages: dict, ids: list[str]) -> list[tuple[str, float]]:
    """(page id, our body F1 minus bare's) for the pages where we do worse, worst first."""
    deltas = [(i, ours_pages[i]["f1"] - bare_pages[i]["f1"]) for i in ids]
    return sorted([d for d in deltas if d[1] < 0], key=lambda d: d[1])


def report_worse(ours_pages: dict, bare_pages: dict, ids: list[str], show: int = 5) -> list[str]:
    worse = worse_than_bare(ours_pages, bare_pages, ids)
    counts = ", ".join(f"> {t}: {sum(1 for _, d in worse if d < -t)}" for t in WORSE_BY)
    lines = [f"pages worse than bare by {counts}"]
    for page_id, delta in worse[:show]:
        o, b = ours_pages[page_id], bare_pages[page_id]
        lines.append(f"  {page_id:<55} ours f1={o['f1']:.3f} (p={o['p']:.3f} r={o['r']:.3f})  bare f1={b['f1']:.3f}"
                     f"  {delta:+.3f}")
    return lines


def goals(results: dict[str, dict], worse: list[tuple[str, float]] | None = None) -> list[tuple[str, bool]]:
    o, b = results["ours"], results["bare"]
    checks = [(f"body F1 {o['f1']:.4f} >= bare {b['f1']:.4f} + {BODY_F1_MARGIN}", o["f1"] >= b["f1"] + BODY_F1_MARGIN)]
    for key, floor in FLOORS.items():
        key = "title_shown" if key == "title" else key
        checks.append((f"{key} {o.get(key, 0):.4f} >= {floor}", o.get(key, 0) >= floor))
    speed = o["pages_per_s"] / b["pages_per_s"] if b["pages_per_s"] else 0
    checks.append((f"speed {speed:.2f}x bare >= {MIN_SPEED_RATIO}x", speed >= MIN_SPEED_RATIO))
    if worse is not None:
        lost = [page for page, delta in worse if delta < -WORSE_BY[-1]]
        checks.append((f"{len(lost)} pages worse than bare by > {WORSE_BY[-1]}", not lost))
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--only", default="", help="run on pages whose id contains this")
    parser.add_argument("--half", choices=HALVES, help="run on one half only")
    parser.add_argument("--show", type=int, default=0, help="list the N worst pages by our body F1")
    parser.add_argument("--titles", action="store_true", help="list the title and author misses")
    parser.add_argument("--variant", action="append", default=[], choices=sorted(set(VARIANTS) - {"bare"}))
    parser.add_argument("--dump", type=Path, help="write per-page results as JSON lines")
    args = parser.parse_args(argv)
    if not (args.data / "truth.jsonl").exists():
        print(f"no data at {args.data} (../shared/data/extraction-dev beside the checkout)", file=sys.stderr)
        return 2

    import django

    django.setup()
    rows = load(args.data, args.only)
    side = halves(rows)
    if args.half:
        rows = [row for row in rows if side[row["id"]] == args.half]
    langs = {row["id"]: reference_language(row["body"]) for row in rows}
    # Warm both extractors once so import and first-call costs stay out of pages/s.
    trafilatura_runner()(rows[0]["html_bytes"], rows[0]["url"])
    ours(rows[0]["html_bytes"], rows[0]["url"])

    runners = {"bare": trafilatura_runner()} | {v: trafilatura_runner(**VARIANTS[v]) for v in args.variant}
    runners["ours"] = ours
    outputs, seconds = run_all(runners, rows)

    print(f"extraction-dev: {len(rows)} pages; baseline = trafilatura.bare_extraction defaults, with_metadata=True")
    failed = 0
    for half in (None, *HALVES):
        subset = [row for row in rows if half is None or side[row["id"]] == half]
        if not subset:
            continue
        results, pages = {}, {}
        for name, fn in runners.items():
            elapsed = sum(seconds[name][row["id"]] for row in subset)
            results[name], pages[name] = evaluate(name, fn, subset, langs, outputs[name], elapsed)
        groups = len({site_groups(rows)[row["id"]] for row in subset})
        print(f"\n== {half or 'all pages'}: {len(subset)} pages, {groups} publisher groups")
        print("\n".join(report(results)))
        ids = [row["id"] for row in subset]
        worse = worse_than_bare(pages["ours"], pages["bare"], ids)
        print("\n".join(report_worse(pages["ours"], pages["bare"], ids)))
        if "title_misses" in results["ours"]:
            kinds = results["ours"]["title_misses"]
            print(f"title misses: {kinds['visible']} show the visible headline where the reference took another "
                  f"field (title_shown counts them as right), {kinds['other']} other")
        if half is None:
            continue
        for text, ok in goals(results, worse):
            print(("PASS " if ok else "FAIL ") + text)
            failed += not ok and half == "confirmation"
        if args.titles:
            print("\n".join(misses(subset, pages["ours"])))
    if args.show:
        all_pages = {name: evaluate(name, fn, rows, langs, outputs[name], 1.0)[1] for name, fn in runners.items()}
        worst = sorted(all_pages["ours"].items(), key=lambda kv: kv[1]["f1"])[: args.show]
        print()
        for page_id, page in worst:
            bare = all_pages["bare"][page_id]
            print(f"{page_id:<55} ours p={page['p']:.3f} r={page['r']:.3f} f1={page['f1']:.3f}   bare f1={bare['f1']:.3f}")
    if args.dump:
        all_pages = {name: evaluate(name, fn, rows, langs, outputs[name], 1.0)[1] for name, fn in runners.items()}
        with args.dump.open("w", encoding="utf-8") as fh:
            for page_id in all_pages["ours"]:
                fh.write(json.dumps({"id": page_id, "half": side[page_id], "ours": all_pages["ours"][page_id],
                                     "bare": all_pages["bare"][page_id]}, ensure_ascii=False, default=str) + "\n")
    return 1 if failed else 0


def title_misses(rows: list[dict], pages: dict) -> tuple[int, int]:
    """Title misses in two kinds: (we show the page's visible headline and the reference took
    another field, e.g. an SEO or social title; any other miss). The first is not a defect."""
    from trafilatura.utils import load_html

    from broadsheet.extract import core, meta, title

    visible = other = 0
    for row in rows:
        page = pages[row["id"]]
        if page.get("title") is not False:
            continue
        tree = load_html(core._prepare(row["html_bytes"]))
        info = meta.read(tree)
        if title.shows_visible(page["out"].get("title") or "", info, meta.site_names(info, row["url"])):
            visible += 1
            page["title_miss"] = "visible"
        else:
            other += 1
            page["title_miss"] = "other"
    return visible, other


def misses(rows: list[dict], pages: dict) -> list[str]:
    """The title and author misses, side by side with the reference."""
    lines = []
    for row in rows:
        page = pages[row["id"]]
        if page.get("title") is False:
            lines.append(f"  title ({page.get('title_miss')}) {row['id']}\n    ours:  {page['out'].get('title')!r}\n"
                         f"    truth: {row['title']!r}")
        if page.get("authors") is False:
            lines.append(f"  authors {row['id']}\n    ours:  {page['out'].get('authors')!r}\n    truth: {row['authors']!r}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
