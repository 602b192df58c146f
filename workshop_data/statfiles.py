"""SPSS (``.sav``, ``.zsav``, ``.por``) and Stata (``.dta``) files, as survey institutes deliver them.

These files say more than a table: each coded answer has its label (1 = "Pas du tout d'accord"),
and the codes give the order of the scale; each variable has its question text; some codes are
declared missing ("9 = Ne sait pas"). The answers come back as their labels (as a CSV export would
show them), user-missing codes as empty cells, and the labels go to ``frame.attrs`` so that the
draft codebook can take its Likert orders and column labels from them rather than guess.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from .cells import cell_text
from .errors import DataError, too_many_columns
from .messages import msg

FORMATS = {"sav": "SPSS", "zsav": "SPSS", "por": "SPSS portable", "dta": "Stata"}
_SUFFIXES = {".sav": "sav", ".zsav": "zsav", ".por": "por", ".dta": "dta"}


def stat_format(head: bytes, suffix: str) -> str | None:
    """The statistical-package format the first bytes (or else the file name) say, or None."""
    if head.startswith((b"$FL2", b"$FL3")):
        return "zsav" if head.startswith(b"$FL3") else "sav"
    if head.startswith(b"<stata_dta"):
        return "dta"
    return _SUFFIXES.get(suffix)


def _reader(fmt: str):
    import pyreadstat

    return {"sav": pyreadstat.read_sav, "zsav": pyreadstat.read_sav, "por": pyreadstat.read_por,
            "dta": pyreadstat.read_dta}[fmt]


def read_stat_file(path: Path, name: str, fmt: str, max_columns: int) -> tuple[list[str], list[list[str]], dict[str, Any]]:
    """Header, rows of label texts, and the labels the file declares (``value_labels``, ``column_labels``).

    The file is parsed in a child process: the C library behind pyreadstat can crash on a damaged
    or hostile file (a segmentation fault, not an exception), which must refuse the file, not take
    the app or the command down with it. The child's answer is plain data (pickled by our own code,
    read back from our own child only).
    """
    import os
    import pickle
    import subprocess
    import sys

    package_root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    child = subprocess.run(
        [sys.executable, "-c", "from workshop_data.statfiles import child_main; child_main()", str(path), fmt,
         str(max_columns)],
        capture_output=True, env=env, check=False,
    )
    try:
        outcome = pickle.loads(child.stdout) if child.returncode == 0 else ("unreadable", "crash")
    except (pickle.UnpicklingError, EOFError, ValueError):
        outcome = ("unreadable", "crash")
    if outcome[0] == "too_many_columns":
        raise too_many_columns(outcome[1], max_columns, name)
    if outcome[0] == "unreadable":
        raise DataError(
            msg("stat.damaged", format=FORMATS[fmt]), file=name,
            expected=msg("stat.expected", format=FORMATS[fmt]),
        )
    return outcome[1], outcome[2], outcome[3]


def child_main() -> None:
    """Entry of the child process: parse ``argv`` (path, format, max columns), pickle the outcome to stdout."""
    import pickle
    import sys

    path, fmt, max_columns = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.stdout.buffer.write(pickle.dumps(parse_stat_file(path, fmt, max_columns)))


def parse_stat_file(path: str, fmt: str, max_columns: int) -> tuple:
    """In the child process: ``("ok", header, rows, info)``, or why not (plain data: it is pickled back)."""
    read = _reader(fmt)
    try:
        _, meta = read(path, metadataonly=True, **({"user_missing": True} if fmt != "por" else {}))
        if len(meta.column_names) > max_columns:
            return "too_many_columns", len(meta.column_names)
        frame, _ = read(path)
    except Exception as exc:  # pyreadstat raises its own types and ValueError on corrupt files
        return "unreadable", exc.__class__.__name__
    labels = meta.variable_value_labels or {}
    missing = getattr(meta, "missing_ranges", None) or {}
    header = [str(c) for c in frame.columns]
    columns = [
        [_labelled(v, labels.get(column)) for v in frame[column].to_numpy(dtype=object)] for column in frame.columns
    ]
    rows = [list(r) for r in zip(*columns)] if columns else []
    info = {
        "encoding": None, "delimiter": None,
        "value_labels": {c: _ordered_labels(labels[c], missing.get(c, [])) for c in labels if c in frame.columns},
        "column_labels": {c: str(t).strip() for c, t in (meta.column_names_to_labels or {}).items()
                          if t and str(t).strip() and str(t).strip() != c},
    }
    return "ok", header, rows, info


def _labelled(value: Any, labels: dict | None) -> str:
    """One cell as text: a coded answer becomes its label; a missing one (NaN, user-missing) empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if labels:
        label = labels.get(value)
        if label is None and isinstance(value, float) and value.is_integer():
            label = labels.get(int(value))
        if label is not None:
            return str(label)
    return cell_text(value)


def _ordered_labels(labels: dict, missing_ranges: list[dict]) -> list[str]:
    """Labels in the order of their codes, without the codes declared missing (9 = "Ne sait pas")."""
    def is_missing(code: Any) -> bool:
        return any(r.get("lo") <= code <= r.get("hi") for r in missing_ranges
                   if isinstance(code, (int, float)) and isinstance(r.get("lo"), (int, float)))

    numeric = [c for c in labels if isinstance(c, (int, float)) and not is_missing(c)]
    codes = sorted(numeric) if len(numeric) == len(labels) or numeric else sorted(labels, key=str)
    return [str(labels[c]) for c in codes]
