"""Data families with planted profiles: the project against an analyst's methods, on the same files.

Each family (``benchmarks/family_data.py``, written apart from the project) is generated at several
seeds, 2,000 respondents each, and written to files in the conventions of real exports (column
codes, labels or codes, ';' or ',' separators, cp1252 or UTF-8, decimal commas). Then, on the same
files:

- the project, as a new user runs it: ``persona-workshop codebook SURVEY [--contacts LOG] --out C``
  and ``persona-workshop cluster SURVEY --codebook C [--contacts LOG] --k auto --k-range 2 10
  --out W``, with the drafted codebook left as drafted; K is the number of personas of W, the
  partition its ``assignments``, the verdict its ``settings.structure``;
- an analyst's peers (``benchmarks/family_peers.py``): k-means with k of the best silhouette on the
  standardised answer columns, a Gaussian mixture with k by BIC, a latent class model (StepMix) on
  the answers as categories with k by BIC, all over the same k range;
- the *ceiling*: the ARI of a cross-validated supervised classifier (linear discriminant analysis)
  on the analyst encoding of family_peers.py (answer columns as steps, categories one-hot,
  log contact counts per channel; standardised): what the answers can show at all.

Per family and overall: exact K (share), within one, mean ARI and its spread over seeds (sd),
ARI / ceiling, seconds; for undivided populations (family i), the project's verdicts and whether
a persona is named after a column that carries no structure. Then the acceptance lines of issue 18,
each met or NOT met.

Tie rule: per family, the project is *at least as good* as a peer when the mean of the per-seed
differences (project minus peer, on exact K and on ARI) is no lower than minus its standard error;
a difference inside the seeds' spread is a tie.

Cache: the generated files and the peers' results live under ``bench-out/families/`` (or the
folder in ``FAMILIES_CACHE``: another worktree's cache can be shared) keyed by family, seed, n and
a hash of the generator (and of the peers' code), so a re-run after an engine change re-runs only
the project. Same seed, same numbers.

    python benchmarks/families.py [--seeds 8] [--families a,b] [--n 2000] [--jobs 1]
                                  [--no-peers] [--verbose] [--quick]
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (ROOT, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

import family_data  # noqa: E402
import family_peers  # noqa: E402

OUT = Path(os.environ.get("FAMILIES_CACHE", ROOT / "bench-out" / "families"))
RUNS = ROOT / "bench-out" / "families-project"   # the project's codebooks and workshops, per run, never shared
METHODS = ["project", "kmeans", "gmm", "lca"]
PEERS = METHODS[1:]


def source_hash(*modules) -> str:
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:10]


def generator(name: str):
    """A module that makes surveys: ``FAMILIES`` and ``make_and_write`` (or ``make_survey`` and ``write_survey``)."""
    return importlib.import_module(name)


def survey_folder(source: str, family: str, seed: int, n: int, out: Path = OUT) -> Path:
    prefix = "gen" if source == "family_data" else source
    return out / f"{prefix}-{source_hash(generator(source))}" / family / f"s{seed}-n{n}"


def ensure_files(source: str, family: str, seed: int, n: int, out: Path = OUT) -> Path:
    """The survey's files, generated once per generator version."""
    folder = survey_folder(source, family, seed, n, out)
    if not (folder / "meta.json").exists():
        module = generator(source)
        staging = folder.with_name(f"{folder.name}.tmp{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        if hasattr(module, "make_and_write"):
            module.make_and_write(family, seed, n, staging)
        else:
            module.write_survey(module.make_survey(family, seed, n), staging)
        try:
            staging.rename(folder)       # another run may have written the same files meanwhile
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def read_survey(folder: Path, meta: dict) -> pd.DataFrame:
    """The survey as an analyst reads it back (every value a string, blanks missing)."""
    name = meta.get("survey_file", "survey.csv")
    if name.endswith(".xlsx"):
        frame = pd.read_excel(folder / name, dtype=str, header=meta.get("header_row", 0))
        return frame.astype(object).where(frame.notna(), None)
    return family_data.read_written_survey(folder, meta)


def read_contacts(folder: Path, meta: dict) -> pd.DataFrame | None:
    name = meta.get("contacts_file", "contacts.csv")
    if not (folder / name).exists():
        return None
    if name.endswith(".parquet"):
        return pd.read_parquet(folder / name).astype(str)
    return family_data.read_written_contacts(folder, meta)


def ensure_peers(source: str, folder: Path, k_range: tuple[int, int], compute: bool) -> dict | None:
    """Ceiling and peers' results, from the cache when the generator, peers' code and k range match."""
    path = folder / "peers.json"
    key = f"{source_hash(generator(source), family_peers)}:{k_range[0]}-{k_range[1]}"
    if path.exists():
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return cached
    if not compute:
        return None
    meta = family_data.read_meta(folder)
    truth = read_truth(folder)
    view = family_peers.analyst_view(read_survey(folder, meta), meta, read_contacts(folder, meta))
    result = {"key": key, "ceiling": family_peers.ceiling(view, truth),
              "peers": family_peers.run_peers(view, truth, range(k_range[0], k_range[1] + 1), meta["seed"])}
    path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def ensure_ceiling(folder: Path) -> float | None:
    """The ceiling alone (a second's work), for runs that do not compute the peers."""
    path = folder / "ceiling.json"
    key = source_hash(family_peers)
    if path.exists():
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return cached["ceiling"]
    meta = family_data.read_meta(folder)
    view = family_peers.analyst_view(read_survey(folder, meta), meta, read_contacts(folder, meta))
    value = family_peers.ceiling(view, read_truth(folder))
    path.write_text(json.dumps({"key": key, "ceiling": value}), encoding="utf-8")
    return value


def read_truth(folder: Path) -> np.ndarray:
    return pd.read_csv(folder / "truth.csv")["profile"].to_numpy()


# ---- the project, through its command line -------------------------------------------------------

def run_cli(args: list[str], in_process: bool) -> tuple[int, str]:
    """Run ``persona-workshop ARGS``; in-process (the same click command, no start-up cost) or not."""
    if not in_process:
        command = Path(sys.executable).parent / "persona-workshop"
        done = subprocess.run([str(command), *args], cwd=ROOT, capture_output=True, text=True)
        return done.returncode, done.stdout + done.stderr
    import cli

    out = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            cli.main.main(args=args, prog_name="persona-workshop", standalone_mode=False)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # the benchmark reports any crash as a failure of that survey
            code = 1
            out.write(f"{type(exc).__name__}: {exc}")
    return code, out.getvalue()


def run_project(folder: Path, work: Path, k_range: tuple[int, int], in_process: bool = True) -> dict:
    """``codebook`` then ``cluster --k auto`` on the written files, as a user would; read the workshop.

    The drafted codebook and the workshop are written to ``work``.
    """
    meta = family_data.read_meta(folder)
    work.mkdir(parents=True, exist_ok=True)
    survey, codebook, workshop = folder / meta.get("survey_file", "survey.csv"), work / "codebook.yaml", \
        work / "workshop.yaml"
    log = folder / meta.get("contacts_file", "contacts.csv")
    contacts = ["--contacts", str(log)] if log.exists() else []
    for stale in (codebook, workshop):
        stale.unlink(missing_ok=True)
    start = time.perf_counter()
    code, text = run_cli(["codebook", str(survey), *contacts, "--out", str(codebook)], in_process)
    if code == 0:
        code, text = run_cli(["cluster", str(survey), "--codebook", str(codebook), *contacts, "--k", "auto",
                              "--k-range", str(k_range[0]), str(k_range[1]), "--out", str(workshop)], in_process)
    seconds = time.perf_counter() - start
    if code != 0 or not workshop.exists():
        return {"k": 0, "ari": 0.0, "seconds": round(seconds, 2), "structure": "failed", "names": [],
                "error": text.strip().splitlines()[-1] if text.strip() else f"exit {code}"}
    doc = yaml.safe_load(workshop.read_text(encoding="utf-8"))
    labels = assigned_labels(doc["assignments"], read_survey(folder, meta), meta)
    truth = read_truth(folder)
    names = [p["name"] for p in doc["personas"]]
    return {"k": len(doc["personas"]), "ari": float(adjusted_rand_score(truth, labels)),
            "seconds": round(seconds, 2), "structure": doc["settings"].get("structure"), "names": names,
            "named_after_no_structure": named_after(names, no_structure_columns(meta)),
            "basis": basis_columns(codebook)}


def assigned_labels(assignments: dict, survey: pd.DataFrame, meta: dict) -> np.ndarray:
    """Persona of each survey row: by the id column, or by row number when the file has none."""
    keys = {str(k): v for k, v in assignments.items()}
    candidates = []
    if meta["id_column"]:
        candidates.append(survey[meta["id_column"]].astype(str).to_numpy())
    candidates += [np.arange(1, len(survey) + 1).astype(str), np.arange(len(survey)).astype(str)]
    for rows in candidates:
        found = sum(r in keys for r in rows)
        if found == len(rows):
            return np.array([keys[r] for r in rows])
    rows = max(candidates, key=lambda c: sum(r in keys for r in c))
    return np.array([keys.get(r, "unassigned") for r in rows])


def basis_columns(codebook: Path) -> list[str]:
    book = yaml.safe_load(codebook.read_text(encoding="utf-8")) or {}
    return sorted(name for name, spec in (book.get("columns") or {}).items()
                  if (spec or {}).get("role", "basis") == "basis" and (spec or {}).get("type") not in ("pii", "ignore",
                                                                                                     "text"))


def no_structure_columns(meta: dict) -> list[str]:
    return [c for c, kind in meta["kinds"].items() if kind in family_data.NO_STRUCTURE_KINDS]


def words(text: str) -> str:
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def named_after(names: list[str], columns: list[str]) -> list[str]:
    """Persona names that mention one of ``columns`` (by its code, written as words or not)."""
    hits = []
    for name in names:
        said = f" {words(name)} "
        for column in columns:
            if words(column) and f" {words(column)} " in said:
                hits.append(f"{name} [{column}]")
    return hits


# ---- one survey, end to end ----------------------------------------------------------------------

def evaluate(task: tuple) -> dict:
    source, family, seed, n, k_range, peers, project, in_process = task
    folder = ensure_files(source, family, seed, n)
    meta = family_data.read_meta(folder)
    row = {"family": family, "seed": seed, "k_true": meta["k"], "folder": str(folder),
           "dialect": f"{meta['dialect']['naming']}/{meta['dialect']['coding']}/{meta['dialect']['language']}"}
    cached = ensure_peers(source, folder, k_range, compute=peers)
    row["ceiling"] = cached["ceiling"] if cached else ensure_ceiling(folder)
    for name in PEERS:
        if cached:
            row[name] = cached["peers"][name]
    if project:
        work = RUNS / folder.parent.parent.name.split("-")[0] / family / folder.name
        row["project"] = run_project(folder, work, k_range, in_process)
        (work / "project.json").write_text(json.dumps(row["project"], indent=1, ensure_ascii=False),
                                             encoding="utf-8")
    return row


# ---- the tables ----------------------------------------------------------------------------------

def summarise(rows: list[dict], method: str) -> dict | None:
    cells = [r for r in rows if method in r]
    if not cells:
        return None
    exact = np.array([r[method]["k"] == r["k_true"] for r in cells], dtype=float)
    within = np.array([abs(r[method]["k"] - r["k_true"]) <= 1 for r in cells], dtype=float)
    ari = np.array([r[method]["ari"] for r in cells])
    ceilings = [r["ceiling"] for r in cells if r["ceiling"]]
    return {"n": len(cells), "exact": exact.mean(), "within": within.mean(), "ari": ari.mean(),
            "ari_sd": ari.std(ddof=1) if len(ari) > 1 else 0.0, "ari_min": ari.min(), "ari_max": ari.max(),
            "ratio": ari.mean() / np.mean(ceilings) if ceilings else math.nan,
            "seconds": np.mean([r[method]["seconds"] for r in cells])}


def compare(rows: list[dict], peer: str) -> dict | None:
    """Paired per-seed differences, project minus peer, on exact K and ARI; with the tie rule."""
    cells = [r for r in rows if "project" in r and peer in r]
    if not cells:
        return None
    out = {}
    for measure, value in (("exact", lambda m, r: float(m["k"] == r["k_true"])), ("ari", lambda m, r: m["ari"])):
        d = np.array([value(r["project"], r) - value(r[peer], r) for r in cells])
        se = d.std(ddof=1) / math.sqrt(len(d)) if len(d) > 1 else 0.0
        out[measure] = {"diff": d.mean(), "se": se, "ok": d.mean() >= -se - 1e-12}
    return out


def fmt(value: float, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{100 * value:.0f}%" if pct else f"{value:.3f}"


def print_tables(rows: list[dict], verbose: bool) -> list[tuple[str, bool | None, str]]:
    families = sorted({r["family"] for r in rows})
    structured = [r for r in rows if r["k_true"] > 1]
    if verbose:
        print_rows(rows)
    print("\nPer family (structured: K planted); ARI as mean ± sd over seeds [min-max]")
    header = f"{'fam':<4}{'n':>3} {'K':<12}{'ceil':>6}  {'method':<8}{'exact':>6}{'±1':>6}{'ARI':>7}{'sd':>6}" \
             f"{'  min-max':<13}{'/ceil':>6}{'sec':>7}"
    print(header)
    print("-" * len(header))
    for family in families:
        cells = [r for r in structured if r["family"] == family]
        if not cells:
            continue
        ks = ",".join(str(r["k_true"]) for r in cells)
        ceilings = [r["ceiling"] for r in cells if r["ceiling"] is not None]
        first = True
        for method in METHODS:
            s = summarise(cells, method)
            if s is None:
                continue
            lead = f"{family:<4}{len(cells):>3} {ks[:11]:<12}{fmt(np.mean(ceilings)) if ceilings else '-':>6}  " \
                if first else " " * 27
            first = False
            print(f"{lead}{method:<8}{fmt(s['exact'], True):>6}{fmt(s['within'], True):>6}{fmt(s['ari']):>7}"
                  f"{fmt(s['ari_sd']):>6}  {fmt(s['ari_min'])}-{fmt(s['ari_max']):<7}{fmt(s['ratio']):>6}"
                  f"{s['seconds']:>7.1f}")
    print("\nOverall (families with planted profiles)")
    for method in METHODS:
        s = summarise(structured, method)
        if s:
            print(f"  {method:<8} exact {fmt(s['exact'], True):>4} ({int(round(s['exact'] * s['n']))}/{s['n']}), "
                  f"within one {fmt(s['within'], True):>4}, mean ARI {fmt(s['ari'])} (sd {fmt(s['ari_sd'])}), "
                  f"ARI/ceiling {fmt(s['ratio'])}, {s['seconds']:.1f} s per survey")
    verdicts = print_project_details(rows, structured)
    return acceptance(rows, structured, families) + verdicts


def print_rows(rows: list[dict]) -> None:
    print(f"{'fam':<4}{'seed':>4}{'K':>3}{'ceil':>6}  {'dialect':<26}" + "".join(f"{m:>14}" for m in METHODS) +
          "  verdict")
    for r in rows:
        cells = "".join(f"{(str(r[m]['k']) + ' ' + fmt(r[m]['ari'])) if m in r else '-':>14}" for m in METHODS)
        verdict = r["project"]["structure"] if "project" in r else ""
        print(f"{r['family']:<4}{r['seed']:>4}{r['k_true']:>3}{fmt(r['ceiling']) if r['ceiling'] else '-':>6}  "
              f"{r['dialect']:<26}{cells}  {verdict}")
        if "project" in r and r["project"].get("error"):
            print(f"      project failed: {r['project']['error']}")


def print_project_details(rows: list[dict], structured: list[dict]) -> list[tuple[str, bool | None, str]]:
    with_project = [r for r in rows if "project" in r]
    if not with_project:
        return []
    print("\nProject: verdicts, names, failures")
    for family in sorted({r["family"] for r in with_project}):
        cells = [r for r in with_project if r["family"] == family]
        verdicts = pd.Series([r["project"]["structure"] for r in cells]).value_counts().to_dict()
        named = sum(len(r["project"].get("named_after_no_structure", [])) for r in cells)
        ks = ",".join(str(r["project"]["k"]) for r in cells)
        print(f"  {family}: verdicts {verdicts}; k found {ks}; personas named after a column without structure: "
              f"{named}")
        for r in cells:
            for hit in r["project"].get("named_after_no_structure", [])[:3]:
                print(f"      seed {r['seed']}: {hit}")
            if r["project"].get("error"):
                print(f"      seed {r['seed']} failed: {r['project']['error']}")
    undivided = [r for r in with_project if r["k_true"] == 1]
    false_none = [r for r in structured if "project" in r and r["ceiling"] and r["ceiling"] >= 0.9
                  and r["project"]["structure"] == "none"]
    lines = []
    if undivided:
        clear = [r["seed"] for r in undivided if r["project"]["structure"] == "clear"]
        named = [r["seed"] for r in undivided if r["project"].get("named_after_no_structure")]
        lines.append(("undivided populations never called 'clear'", not clear,
                      f"clear at seeds {clear}" if clear else f"{len(undivided)} surveys, none clear"))
        lines.append(("undivided: no persona named after a column without structure", not named,
                      f"at seeds {named}" if named else "none"))
    checked = [r for r in structured if "project" in r and r["ceiling"] and r["ceiling"] >= 0.9]
    if checked:
        lines.append(("never 'none' on planted profiles with ceiling >= 0.9", not false_none,
                      f"{len(false_none)} of {len(checked)}: " +
                      ", ".join(f"{r['family']}{r['seed']}" for r in false_none) if false_none
                      else f"0 of {len(checked)}"))
    return lines


def acceptance(rows: list[dict], structured: list[dict], families: list[str]) -> list[tuple[str, bool | None, str]]:
    s = summarise(structured, "project")
    if s is None:
        return []
    ceilings = [r["ceiling"] for r in structured if "project" in r and r["ceiling"]]
    lines = [("overall exact K >= 80 %", s["exact"] >= 0.8, fmt(s["exact"], True)),
             ("overall within one >= 95 %", s["within"] >= 0.95, fmt(s["within"], True))]
    if ceilings:
        target = 0.95 * float(np.mean(ceilings))
        lines.append(("mean ARI >= 0.95 x ceiling", s["ari"] >= target,
                      f"{fmt(s['ari'])} vs {fmt(target)} (mean ceiling {fmt(float(np.mean(ceilings)))})"))
    print("\nProject against each peer, per family: mean per-seed difference (± its standard error); "
          "a difference within one standard error is a tie")
    losses = []
    for family in families:
        cells = [r for r in structured if r["family"] == family]
        parts = []
        for peer in PEERS:
            c = compare(cells, peer)
            if c is None:
                continue
            for measure in ("exact", "ari"):
                m = c[measure]
                word = "ok" if m["ok"] else "LOSS"
                if not m["ok"]:
                    losses.append(f"{family}:{peer}:{measure}")
                parts.append(f"{peer} {measure} {m['diff']:+.2f}±{m['se']:.2f} {word}")
        if parts:
            print(f"  {family}: " + "; ".join(parts))
    if any(peer in r for r in structured for peer in PEERS):
        lines.append(("every family: project >= each peer on exact K and ARI", not losses,
                      "losses: " + ", ".join(losses) if losses else "no loss"))
    return lines


def main(argv: list[str] | None = None, source: str = "family_data", doc: str | None = None) -> int:
    """Run the benchmark on the surveys of generator module ``source``; print the tables and the verdicts."""
    families_of = generator(source).FAMILIES
    parser = argparse.ArgumentParser(description=(doc or __doc__).splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8, help="seeds per family (default 8)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--families", default=",".join(families_of), help=f"some of {','.join(families_of)}")
    parser.add_argument("--n", type=int, default=2000, help="respondents per survey")
    parser.add_argument("--k-range", nargs=2, type=int, default=(2, 10), metavar=("LOW", "HIGH"))
    parser.add_argument("--jobs", type=int, default=1, help="surveys run in parallel (processes)")
    parser.add_argument("--no-peers", action="store_true", help="use cached peers only; compute none (ceilings are)")
    parser.add_argument("--no-project", action="store_true", help="peers and ceilings only")
    parser.add_argument("--subprocess", action="store_true", help="run the CLI as a separate process per call")
    parser.add_argument("--verbose", action="store_true", help="one line per survey too")
    parser.add_argument("--quick", action="store_true", help="two seeds per family")
    args = parser.parse_args(argv)
    seeds = range(args.first_seed, args.first_seed + (2 if args.quick else args.seeds))
    families = [f.strip() for f in args.families.split(",") if f.strip()]
    unknown = [f for f in families if f not in families_of]
    if unknown:
        parser.error(f"unknown families {unknown}; expected some of {','.join(families_of)}")
    k_range = (args.k_range[0], args.k_range[1])
    tasks = [(source, f, s, args.n, k_range, not args.no_peers, not args.no_project, not args.subprocess)
             for f in families for s in seeds]
    print(f"{source}: families {','.join(families)}; seeds {seeds.start}-{seeds.stop - 1}; n {args.n}; "
          f"k range {k_range[0]}-{k_range[1]}; files under {survey_folder(source, families[0], 0, args.n).parent.parent}",
          flush=True)
    start = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            rows = list(pool.map(evaluate, tasks))
    else:
        rows = []
        for task in tasks:
            rows.append(evaluate(task))
            print(f"  {task[1]}{task[2]} done ({time.perf_counter() - start:.0f} s)", file=sys.stderr, flush=True)
    print(f"{len(rows)} surveys in {time.perf_counter() - start:.0f} s")
    RUNS.mkdir(parents=True, exist_ok=True)
    (RUNS / f"last_run_{source}.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False, default=str),
                                                  encoding="utf-8")
    lines = print_tables(rows, args.verbose)
    print("\nAcceptance (issue 18)")
    for label, met, detail in lines:
        print(f"  {'met    ' if met else 'NOT met'}  {label}: {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
