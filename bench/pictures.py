"""Pictures on real pages: how many pages give their lead image in several sizes (a srcset)
and declare an icon, against the baseline of reading og:image and its width alone, and the
cost of reading them next to reading the page's metadata (meta.read) on the same tree.

Reads ../shared/data/extraction-dev; pages split by publisher into the tuning and
confirmation halves of bench/extraction.py. The machine is shared: times are noisy.

Usage:  .venv/bin/python bench/pictures.py [--show N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction import DATA, HALVES, halves  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=5, help="pages with a picture but no sizes to list per half")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"{DATA} is absent: nothing to measure")
        return 0
    from trafilatura.utils import load_html

    from broadsheet.extract import images, meta

    rows = [json.loads(line) for line in (DATA / "truth.jsonl").open()]
    half_of = halves(rows)
    counts: dict[str, Counter] = defaultdict(Counter)
    times: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    bare: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        half = half_of[row["id"]]
        tree = load_html((DATA / "html" / f"{row['id']}.html").read_bytes())
        t0 = time.perf_counter()
        page = meta.read(tree)
        t1 = time.perf_counter()
        lead = meta.first_image(page, row["url"])
        sizes = images.lead_sizes(tree, page, row["url"], lead)
        icon = images.icon(tree, row["url"])
        t2 = time.perf_counter()
        times[half][0] += t1 - t0
        times[half][1] += t2 - t1
        og = images.og_images(tree, row["url"])
        c = counts[half]
        c["pages"] += 1
        c["lead"] += bool(lead)
        c["sized"] += len(sizes) >= 1
        c["srcset"] += len(sizes) >= 2
        c["base_sized"] += bool(og and og[0][1])  # og:image with og:image:width
        c["icon"] += bool(icon) and not icon.endswith("/favicon.ico")
        if lead and not sizes:
            bare[half].append(row["url"])
    for half in HALVES:
        c = counts[half]
        print(f"== {half}: {c['pages']} pages, {c['lead']} with a lead image")
        print(f"  lead image with a declared width: {c['sized']} vs og:image:width alone {c['base_sized']} "
              f"(ratio {c['sized'] / max(c['base_sized'], 1):.2f})")
        print(f"  lead image in 2+ sizes (a srcset): {c['srcset']} vs og:image alone 0")
        print(f"  icon declared by the page: {c['icon']} (the rest: the site's /favicon.ico)")
        read, pictures = times[half]
        print(f"  time: pictures {1000 * pictures / c['pages']:.2f} ms/page vs meta.read {1000 * read / c['pages']:.2f} "
              f"ms/page (ratio {pictures / max(read, 1e-9):.2f})")
        for url in bare[half][: args.show]:
            print(f"    no sizes: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
