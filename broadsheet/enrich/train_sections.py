"""Train the section head shipped in broadsheet/enrich/data/section_head.npz.

    .venv/bin/python -m broadsheet.enrich.train_sections [--bbc PATH] [--out PATH]

Training data, and what ships:
- ../shared/data/classification-dev/bbc.jsonl: the BBC News dataset's dev split (663 articles;
  Greene & Cunningham 2006; BBC copyright, research use). Its five labels map to ours
  (business→Business, entertainment→Arts & Culture, politics→Politics, sport→Sports,
  tech→Technology). The texts are NOT in the repository and never will be.
- broadsheet/enrich/data/section_seed.jsonl: short examples the team wrote for the sections
  BBC lacks (Science, Health, Lifestyle, News) and for politics beyond
  the UK (BBC's politics is Westminster); ours to ship.
Only the head's weights ship (a 9 × 640 matrix and 9 biases of a logistic regression),
from which no article text can be recovered.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
BBC = ROOT.parent / "shared" / "data" / "classification-dev" / "bbc.jsonl"
SEED = Path(__file__).resolve().parent / "data" / "section_seed.jsonl"
BBC_LABELS = {"business": "Business", "entertainment": "Arts & Culture", "politics": "Politics",
              "sport": "Sports", "tech": "Technology"}
C = 1.0  # scikit-learn's default regularisation; not tuned on the dev set


def load_bbc(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    return [{"title": r["title"], "text": r["text"], "section": BBC_LABELS[r["label"]]} for r in rows]


def load_seed(path: Path = SEED) -> list[dict]:
    return [{"title": "", **json.loads(line)} for line in path.open(encoding="utf-8") if line.strip()]


def featurise(rows: list[dict]) -> np.ndarray:
    from broadsheet.enrich.embeddings import article_text, embed
    from broadsheet.enrich.text import light_embed

    minilm = embed([article_text(r["title"], r["text"]) for r in rows])
    light = light_embed([f"{r['title']}. {r['text']}" for r in rows])
    return np.hstack([minilm, light]).astype(np.float32)


def fit(x: np.ndarray, y: list[str]):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def save(model, out: Path) -> None:
    np.savez_compressed(out, classes=np.array(model.classes_, dtype=str), coef=model.coef_.astype(np.float32),
                        intercept=model.intercept_.astype(np.float32))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bbc", type=Path, default=BBC)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data" / "section_head.npz")
    args = parser.parse_args(argv)
    if not args.bbc.exists():
        print(f"training data not found: {args.bbc}", file=sys.stderr)
        return 2
    rows = load_bbc(args.bbc) + load_seed()
    model = fit(featurise(rows), [r["section"] for r in rows])
    save(model, args.out)
    print(f"wrote {args.out} ({len(rows)} examples, classes {[str(c) for c in model.classes_]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
