"""Contact features at scale: the contact side of ``features`` against a bare DuckDB query.

Part 1, a CSV log as a relationship service exports it (';', cp1252, timestamps written without
seconds, ``2025-03-02 23:40``, one in 20,000 unreadable), in one run:

- the ``features`` command with the log, and the same command without it (each a fresh process,
  wall-clock); their difference is the contact side;
- a bare DuckDB query computing the same contact features from the same raw file (its own SQL,
  not the project's parsing; timed inside its process, from connecting to the fetched result);
- the contact-side ratio (target: at most 1.3), and a check that every count is identical.

Part 2, a Parquet log of 50 M rows: ``contact_features`` and the bare query, each in its own
process, with its time and peak resident memory (ru_maxrss; target under 3 GB).

    python benchmarks/features.py                      # 100,000 respondents, 2.7 M CSV rows, 50 M Parquet rows
    python benchmarks/features.py --quick              # 20,000 respondents, 300 k / 2 M rows
    python benchmarks/features.py --parquet-rows 0 --repeat 3   # best of 3 on a busy machine
"""
from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHANNEL_VALUES = {"Appel": "phone", "Guichet": "counter", "Mail": "email", "Téléservice": "web",
                  "Courrier": "mail", "Tchat": "chat", "Facebook": "social"}
CHANNEL_WEIGHTS = [0.34, 0.26, 0.14, 0.16, 0.05, 0.03, 0.01, 0.01]  # last: an unmapped value (Fax)
# Topic labels stay inside latin-1 (é, à, ç...), as most French exports do: both sides then read
# the cp1252 file natively as latin-1 (a file with ’ or œ is transcoded by ours; see contact_log.py).
TOPICS = [("État civil", True), ("Déchets", True), ("Inscription scolaire", True), ("Stationnement", True),
          ("Aides sociales", False), ("Urbanisme", False), ("Logement", False), ("Élections", False),
          ("Cantine et périscolaire", True), ("Voirie et propreté", False)]
TRUE_VALUES = ("oui", "o", "yes", "y", "true", "vrai", "1", "x")
YEAR_START = np.datetime64("2025-01-01T00:00:00", "s")
CSV_TIMESTAMP = "%Y-%m-%d %H:%M"
PARQUET_CHUNK = 5_000_000


# -- data ----------------------------------------------------------------------------------------


def make_log(rows: int, ids: list[str], seed: int):
    """A pyarrow table shaped like a relationship service's log: skewed activity, repeats, noise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    respondents = len(ids)
    activity = rng.gamma(1.5, 1.0, size=respondents)
    owner = rng.choice(respondents + respondents // 100, size=rows,
                       p=np.r_[activity, np.full(respondents // 100, activity.mean())] / (activity.sum() + respondents // 100 * activity.mean()))
    ids = pa.array(list(ids) + [f"X{i:07d}" for i in range(respondents // 100)])
    channel_names = list(CHANNEL_VALUES) + ["Fax"]
    channel = rng.choice(len(channel_names), size=rows, p=CHANNEL_WEIGHTS)
    topic = rng.integers(0, len(TOPICS), size=rows)
    seconds = rng.integers(0, 365 * 86400, size=rows)
    # Follow-ups: a share of contacts copy the previous one's person and topic a few days later.
    follow = rng.random(rows) < 0.2
    follow[0] = False
    src = np.flatnonzero(follow) - 1
    owner[follow] = owner[src]
    topic[follow] = topic[src]
    seconds[follow] = np.minimum(seconds[src] + rng.integers(3600, 9 * 86400, size=follow.sum()), 365 * 86400 - 1)
    stamps = YEAR_START + seconds.astype("timedelta64[s]")
    online = np.array([flag for _, flag in TOPICS])[topic]
    table = pa.table({
        "usager": pc.take(ids, pa.array(owner)),
        "horodatage": pa.array(stamps),
        "canal_contact": pc.take(pa.array(channel_names), pa.array(channel)),
        "objet": pc.take(pa.array([t for t, _ in TOPICS]), pa.array(topic)),
        "dispo_en_ligne": pa.array(np.where(online, "oui", "non")),
    })
    return table


def write_csv_cp1252(table, path: Path, *, bad_every: int = 20_000) -> None:
    """';' separated, cp1252, timestamps without seconds, in 1M-row chunks; one in ``bad_every`` unreadable."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    options = pcsv.WriteOptions(delimiter=";", quoting_style="none", include_header=False)
    with open(path, "wb") as out:
        out.write(";".join(table.column_names).encode("cp1252") + b"\n")
        for start in range(0, table.num_rows, 1_000_000):
            chunk = table.slice(start, 1_000_000)
            text = pc.strftime(chunk.column("horodatage"), format=CSV_TIMESTAMP)
            mask = np.zeros(chunk.num_rows, dtype=bool)
            mask[::bad_every] = True
            text = pc.if_else(pa.array(mask), pa.scalar("n/a"), text)
            chunk = chunk.set_column(1, "horodatage", text)
            buffer = io.BytesIO()
            pcsv.write_csv(chunk, buffer, options)
            out.write(buffer.getvalue().decode("utf-8").encode("cp1252"))


def write_parquet(rows: int, ids: list[str], seed: int, path: Path) -> None:
    """A large Parquet log written in chunks, so that making it does not need the memory it measures."""
    import pyarrow.parquet as pq

    writer = None
    for number, start in enumerate(range(0, rows, PARQUET_CHUNK)):
        chunk = make_log(min(PARQUET_CHUNK, rows - start), ids, seed + number)
        if writer is None:
            writer = pq.ParquetWriter(path, chunk.schema)
        writer.write_table(chunk)
    writer.close()


def write_survey(respondents: int, seed: int, folder: Path) -> tuple[Path, Path, list[str]]:
    """The demo survey of that size, its codebook reading this benchmark's log, and its ids."""
    from workshop_data.sample import generate_demo, write_demo

    demo = generate_demo(respondents, seed=seed)
    demo.codebook.contacts = mapping()
    paths = write_demo(demo, folder)
    ids = demo.survey[demo.codebook.respondent_id].astype(str).tolist()
    (folder / "ids.json").write_text(json.dumps(ids))
    return paths["survey"], paths["codebook"], ids


def mapping():
    from workshop_data.codebook import ContactMapping

    return ContactMapping(respondent_id="usager", timestamp="horodatage", channel="canal_contact",
                          topic="objet", online_available="dispo_en_ligne", channels=dict(CHANNEL_VALUES))


# -- the ways ------------------------------------------------------------------------------------


def run_ours(path: str, ids: list[str]):
    import ibis.backends.duckdb  # noqa: F401 - imports before the clock starts, like duckdb for the bare query

    from workshop_data.contacts import contact_features

    start = time.perf_counter()
    result = contact_features(path, mapping(), ids)
    return result.table, time.perf_counter() - start


HAND_SQL = """
WITH log AS (
    SELECT trim(usager) AS rid,
           CASE trim(canal_contact) {channel_cases} ELSE 'other' END AS channel,
           nullif(trim(objet), '') AS topic,
           coalesce(lower(trim(dispo_en_ligne)) IN {true_values}, false) AS online,
           {moment} AS moment
    FROM {source}
), flagged AS (
    SELECT *,
           epoch(moment) AS sec,
           topic IS NOT NULL AND coalesce(
               epoch(moment) - lag(epoch(moment)) OVER (PARTITION BY rid, topic ORDER BY moment) <= 604800, false
           ) AS rep
    FROM log
), per_id AS (
    SELECT rid,
           count(sec) AS contacts_total,
           {channel_counts},
           count(sec) FILTER (WHERE channel IN ('email', 'web', 'chat')) AS digital,
           count(sec) FILTER (WHERE online) AS avoidable_contacts,
           count(sec) FILTER (WHERE rep) AS repeat_contacts,
           count(DISTINCT topic) FILTER (WHERE sec IS NOT NULL) AS distinct_topics,
           count(DISTINCT date_trunc('month', moment)) AS active_months
    FROM flagged GROUP BY rid
)
SELECT r.respondent_id,
       coalesce(contacts_total, 0) AS contacts_total,
       {channel_columns},
       CASE WHEN contacts_total > 0 THEN digital / contacts_total ELSE 0 END AS digital_share,
       CASE WHEN contacts_total > 0 THEN avoidable_contacts / contacts_total ELSE 0 END AS avoidable_share,
       coalesce(avoidable_contacts, 0) AS avoidable_contacts,
       coalesce(repeat_contacts, 0) AS repeat_contacts,
       coalesce(distinct_topics, 0) AS distinct_topics,
       coalesce(active_months, 0) AS active_months
FROM respondents r LEFT JOIN per_id p ON r.respondent_id = p.rid
ORDER BY r.ord
"""


def run_bare(path: str, ids: list[str]):
    """The same features in DuckDB's own SQL, straight from the raw file."""
    import duckdb
    import pyarrow as pa

    from workshop_data.codebook import CHANNELS

    start = time.perf_counter()
    con = duckdb.connect()
    respondents = pa.table({"respondent_id": ids, "ord": np.arange(len(ids))})
    con.register("respondents", respondents)
    if path.endswith(".parquet"):
        source, moment = f"read_parquet('{path}')", "horodatage"
    else:
        source = f"read_csv('{path}', delim=';', header=true, encoding='latin-1', all_varchar=true)"
        moment = f"try_strptime(horodatage, '{CSV_TIMESTAMP}')"
    sql = HAND_SQL.format(
        channel_cases=" ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CHANNEL_VALUES.items()),
        true_values="(" + ", ".join(f"'{v}'" for v in TRUE_VALUES) + ")",
        moment=moment,
        source=source,
        channel_counts=",\n           ".join(f"count(sec) FILTER (WHERE channel = '{c}') AS contacts_{c}" for c in CHANNELS),
        channel_columns=",\n       ".join(f"coalesce(contacts_{c}, 0) AS contacts_{c}" for c in CHANNELS),
    )
    table = con.execute(sql).to_arrow_table().to_pandas().set_index("respondent_id")
    return table, time.perf_counter() - start


RUNNERS = {"ours": run_ours, "bare": run_bare}


def worker(way: str, path: str, ids_file: str, out: str) -> None:
    from workshop_data.contacts import FEATURE_COLUMNS

    ids = json.loads(Path(ids_file).read_text())
    table, seconds = RUNNERS[way](path, ids)
    table = table[list(FEATURE_COLUMNS)]
    table.index = table.index.astype(str)
    table.to_parquet(out)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))


def measure(way: str, path: Path, folder: Path) -> dict:
    out = folder / f"result-{way}-{path.suffix[1:]}.parquet"
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", way, str(path), str(folder / "ids.json"), str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )
    if proc.returncode:
        raise SystemExit(f"{way} failed:\n{proc.stderr[-3000:]}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["result"] = out
    return info


def run_command(survey: Path, codebook: Path, contacts: Path | None, out: Path) -> float:
    """Wall-clock of one ``features`` command in a fresh process."""
    command = [sys.executable, "-c", "from cli import main; main()", "features", str(survey),
               "--codebook", str(codebook), "--out", str(out)]
    if contacts is not None:
        command += ["--contacts", str(contacts)]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"features failed:\n{proc.stderr[-3000:]}")
    return seconds


def identical(first, second) -> str:
    """'identical' when every count matches and every share agrees to 1e-12; stops the run otherwise."""
    import pandas as pd

    from workshop_data.contacts import COUNT_COLUMNS, FEATURE_COLUMNS

    a = first if isinstance(first, pd.DataFrame) else pd.read_parquet(first)
    b = second if isinstance(second, pd.DataFrame) else pd.read_parquet(second)
    if not a.index.equals(b.index):
        raise SystemExit("different respondents")
    for col in COUNT_COLUMNS:
        if not np.array_equal(a[col].to_numpy(dtype="int64"), b[col].to_numpy(dtype="int64")):
            diff = int((a[col] != b[col]).sum())
            raise SystemExit(f"counts differ in {col} for {diff} respondents")
    for col in set(FEATURE_COLUMNS) - set(COUNT_COLUMNS):
        np.testing.assert_allclose(a[col].to_numpy(dtype=float), b[col].to_numpy(dtype=float), rtol=1e-12)
    return "identical"


def csv_part(args, folder: Path) -> None:
    survey, codebook, ids = write_survey(args.respondents, args.seed, folder)
    start = time.perf_counter()
    path = folder / "contacts.csv"
    write_csv_cp1252(make_log(args.rows, ids, args.seed), path)
    print(f"(wrote {path.name} in {time.perf_counter() - start:.1f} s)")
    runs: dict[str, list[float]] = {"with": [], "without": [], "bare": []}
    bare_info = None
    for _ in range(args.repeat):  # interleaved, so that the machine's load falls on each alike
        runs["with"].append(run_command(survey, codebook, path, folder / "with.parquet"))
        runs["without"].append(run_command(survey, codebook, None, folder / "without.parquet"))
        bare_info = measure("bare", path, folder)
        runs["bare"].append(bare_info["seconds"])
    best = {key: min(values) for key, values in runs.items()}
    import pandas as pd

    from workshop_data.contacts import FEATURE_COLUMNS

    command_out = pd.read_parquet(folder / "with.parquet").set_index("respondent_id")[list(FEATURE_COLUMNS)]
    verdict = identical(command_out, bare_info["result"])
    side = best["with"] - best["without"]
    ratio = side / best["bare"]
    print(f"\nCSV ';' cp1252, timestamps without seconds: {args.rows:,} contact rows, {len(ids):,} respondents, "
          f"{path.stat().st_size / 1e6:,.0f} MB" + (f" (best of {args.repeat} interleaved runs)" if args.repeat > 1 else ""))
    print(f"  {'features with the log':<34}{best['with']:>8.2f} s")
    print(f"  {'features without the log':<34}{best['without']:>8.2f} s")
    print(f"  {'contact side (the difference)':<34}{side:>8.2f} s")
    print(f"  {'bare DuckDB query on the raw file':<34}{best['bare']:>8.2f} s")
    print(f"  contact-side ratio: {ratio:.2f}x (target <= 1.3: {'met' if ratio <= 1.3 else 'NOT met'}); counts {verdict}")


def parquet_part(args, folder: Path) -> None:
    ids = json.loads((folder / "ids.json").read_text())
    start = time.perf_counter()
    path = folder / "contacts.parquet"
    write_parquet(args.parquet_rows, ids, args.seed + 1, path)
    print(f"\n(wrote {path.name} in {time.perf_counter() - start:.1f} s)")
    results = {way: measure(way, path, folder) for way in ("ours", "bare")}
    verdict = identical(results["ours"]["result"], results["bare"]["result"])
    print(f"\nParquet: {args.parquet_rows:,} contact rows, {len(ids):,} respondents, {path.stat().st_size / 1e6:,.0f} MB")
    print(f"  {'':<30}{'time (s)':>10}{'peak RSS (MB)':>15}")
    for way, label in (("ours", "contact_features"), ("bare", "bare DuckDB query")):
        print(f"  {label:<30}{results[way]['seconds']:>10.2f}{results[way]['peak_mb']:>15,.0f}")
    ours = results["ours"]
    ratio = ours["seconds"] / results["bare"]["seconds"]
    print(f"  ratio {ratio:.2f}x; peak {ours['peak_mb'] / 1024:.2f} GB (target < 3 GB: "
          f"{'met' if ours['peak_mb'] < 3 * 1024 else 'NOT met'}); counts {verdict}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--worker"]:
        worker(argv[1], argv[2], argv[3], argv[4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_700_000, help="CSV contact rows (default 2.7 M)")
    parser.add_argument("--parquet-rows", type=int, default=50_000_000, help="Parquet contact rows (default 50 M; 0 skips)")
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, interleaved; the fastest is shown")
    parser.add_argument("--quick", action="store_true", help="20,000 respondents, 300 k CSV rows, 2 M Parquet rows")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.parquet_rows, args.respondents = 300_000, 2_000_000, 20_000
    with tempfile.TemporaryDirectory(prefix="bench-features-") as tmp:
        folder = Path(tmp)
        csv_part(args, folder)
        if args.parquet_rows:
            parquet_part(args, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
