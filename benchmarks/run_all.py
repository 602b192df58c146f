"""``make bench``: run every benchmark script in turn and print their tables.

Each script is standalone (``python benchmarks/<name>.py --help``); this runner only sequences them
so that one command prints the whole picture. Pass ``--quick`` for smaller sizes.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["features", "recovery", "structures", "families", "heldout", "real_surveys", "clustering_speed", "wide_codebook", "pdf_speed", "app_speed"]


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    failures = []
    for name in ORDER:
        script = HERE / f"{name}.py"
        if not script.exists():
            print(f"== {name}: missing", flush=True)
            failures.append(name)
            continue
        print(f"\n== {name} ==", flush=True)
        start = time.perf_counter()
        command = [sys.executable, str(script)] + (["--quick"] if quick else [])
        code = subprocess.call(command, cwd=HERE.parent)
        print(f"-- {name}: exit {code}, {time.perf_counter() - start:.1f} s", flush=True)
        if code:
            failures.append(name)
    if failures:
        print(f"\nFailed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
