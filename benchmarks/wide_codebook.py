"""``codebook`` on a survey as wide as the readers accept (5,000 columns): the time a draft takes.

The survey is the worst case for the draft: every column but the id is a five-point Likert item
coded 1 to 5 (so every one goes into the factor analysis; codes keep 5,000 columns of 2,000
respondents under the readers' 200 MB), a few latent traits drive blocks of items and the rest is
noise. Each size runs the real command in a fresh process (``persona-workshop codebook``),
wall-clock, and reports how many dimensions the draft proposed and how many of the planted blocks
it found whole. Target (issue 20): 5,000 columns in under 60 s.

    python benchmarks/wide_codebook.py                   # 500, 1,000, 2,000 and 5,000 columns, 2,000 respondents
    python benchmarks/wide_codebook.py --quick           # 500 and 5,000 columns, 1,000 respondents
    python benchmarks/wide_codebook.py --columns 5000 --respondents 5000
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRAITS = 8
ITEMS_PER_TRAIT = 6
TOPICS = ("confiance", "autonomie", "equipement", "information", "contact", "delais", "accueil", "securite")


def write_survey(path: Path, columns: int, respondents: int, seed: int = 0) -> list[list[str]]:
    """A ';'-separated survey: an id, then ``columns - 1`` Likert items; returns the planted blocks."""
    rng = np.random.default_rng(seed)
    items = columns - 1
    traits = rng.standard_normal((respondents, TRAITS))
    latent = rng.standard_normal((respondents, items))
    blocks = []
    for trait in range(TRAITS):
        members = list(range(trait * ITEMS_PER_TRAIT, (trait + 1) * ITEMS_PER_TRAIT))
        latent[:, members] = 0.8 * traits[:, [trait]] + 0.6 * latent[:, members]
        blocks.append([f"{TOPICS[trait]}_{m + 1:04d}" for m in members])
    answers = np.clip(np.round(latent * 1.1 + 3), 1, 5).astype(int)
    # a planted scale's items share a word, as a real questionnaire's do: the draft names a
    # dimension only from its items' words (codes alone, "q0001", stay items)
    names = [f"q{i + 1:04d}" for i in range(items)]
    for block in blocks:
        for name in block:
            names[int(name.rsplit("_", 1)[1]) - 1] = name
    with open(path, "w", encoding="utf-8") as out:
        out.write("id;" + ";".join(names) + "\n")
        for row, codes in enumerate(answers):
            out.write(f"R{row + 1:06d};" + ";".join(map(str, codes)) + "\n")
    return blocks


def run(columns: int, respondents: int, folder: Path) -> dict:
    survey = folder / f"wide_{columns}.csv"
    blocks = write_survey(survey, columns, respondents)
    out = folder / f"codebook_{columns}.yaml"
    command = [sys.executable, "-c", "from cli import main; main()", "codebook", str(survey), "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"codebook failed on {columns} columns:\n{done.stderr[-2000:]}")
    from workshop_data.codebook import load_codebook

    book = load_codebook(out)
    found = [set(d.items) for d in book.dimensions.values()]
    whole = sum(1 for block in blocks if any(set(block) <= items for items in found))
    return {"columns": columns, "respondents": respondents, "seconds": seconds, "dimensions": len(book.dimensions),
            "blocks_found": whole}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, nargs="*", default=None)
    parser.add_argument("--respondents", type=int, default=None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    sizes = args.columns or ([500, 5000] if args.quick else [500, 1000, 2000, 5000])
    respondents = args.respondents or (1000 if args.quick else 2000)
    print(f"{'columns':>8} {'respondents':>12} {'seconds':>8} {'dimensions':>11} {'planted found':>14}")
    slow = False
    with tempfile.TemporaryDirectory(prefix="wide-codebook-") as tmp:
        for columns in sizes:
            row = run(columns, respondents, Path(tmp))
            print(f"{row['columns']:>8} {row['respondents']:>12} {row['seconds']:>8.1f} {row['dimensions']:>11} "
                  f"{row['blocks_found']:>9} of {TRAITS}", flush=True)
            slow |= columns >= 5000 and row["seconds"] >= 60
    print("target: 5,000 columns under 60 s" + (" -- MISSED" if slow else " -- met"))
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
