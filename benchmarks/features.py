"""Contact features at scale: our Ibis expression vs a hand-written DuckDB query (and pandas).

Prints, for a CSV log (';', cp1252) and a Parquet log, the time and peak memory of
``workshop_data.contacts.contact_features`` and of a hand-written DuckDB SQL query of the same
features (and, for Parquet, of a pandas groupby), checks that every count is identical, and prints
the ratio to the hand-written query (target: at most 2x, under 3 GB peak).

Each run happens in its own subprocess, so that its peak resident memory (ru_maxrss of that
process) is its own. Timings cover the work (reading, aggregating, one row per respondent back in
pandas), not the Python start-up and imports.

    python benchmarks/features.py                         # 100,000 respondents, 3M CSV rows, 10M Parquet rows
    python benchmarks/features.py --quick                 # 20,000 respondents, 300k / 1M rows
    python benchmarks/features.py --rows 1000000 --parquet-rows 0 --repeat 3   # best of 3 on a busy machine
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
# the cp1252 file natively as latin-1 (a file with ’ or œ is transcoded by ours; see contacts.py).
TOPICS = [("État civil", True), ("Déchets", True), ("Inscription scolaire", True), ("Stationnement", True),
          ("Aides sociales", False), ("Urbanisme", False), ("Logement", False), ("Élections", False),
          ("Cantine et périscolaire", True), ("Voirie et propreté", False)]
TRUE_VALUES = ("oui", "o", "yes", "y", "true", "vrai", "1", "x")
YEAR_START = np.datetime64("2025-01-01T00:00:00", "s")


# -- data ----------------------------------------------------------------------------------------


def respondent_ids(n: int) -> list[str]:
    return [f"R{i:07d}" for i in range(n)]


def make_log(rows: int, respondents: int, seed: int):
    """A pyarrow table shaped like a relationship service's log: skewed activity, repeats, noise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    activity = rng.gamma(1.5, 1.0, size=respondents)
    owner = rng.choice(respondents + respondents // 100, size=rows,
                       p=np.r_[activity, np.full(respondents // 100, activity.mean())] / (activity.sum() + respondents // 100 * activity.mean()))
    ids = pa.array([f"R{i:07d}" for i in range(respondents + respondents // 100)])
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
    """';' separated, cp1252, in 1M-row chunks; one timestamp in ``bad_every`` unreadable."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    options = pcsv.WriteOptions(delimiter=";", quoting_style="none", include_header=False)
    with open(path, "wb") as out:
        out.write(";".join(table.column_names).encode("cp1252") + b"\n")
        for start in range(0, table.num_rows, 1_000_000):
            chunk = table.slice(start, 1_000_000)
            text = chunk.column("horodatage").cast(pa.string())
            mask = np.zeros(chunk.num_rows, dtype=bool)
            mask[::bad_every] = True
            import pyarrow.compute as pc

            text = pc.if_else(pa.array(mask), pa.scalar("n/a"), text)
            chunk = chunk.set_column(1, "horodatage", text)
            buffer = io.BytesIO()
            pcsv.write_csv(chunk, buffer, options)
            out.write(buffer.getvalue().decode("utf-8").encode("cp1252"))


# -- the three ways --------------------------------------------------------------------------------


def mapping():
    from workshop_data.codebook import ContactMapping

    return ContactMapping(respondent_id="usager", timestamp="horodatage", channel="canal_contact",
                          topic="objet", online_available="dispo_en_ligne", channels=dict(CHANNEL_VALUES))


def run_ours(path: str, respondents: int):
    import ibis.backends.duckdb  # noqa: F401 - imports before the clock starts, like duckdb for the others

    from workshop_data.contacts import contact_features

    ids = respondent_ids(respondents)
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


def run_duckdb(path: str, respondents: int):
    import duckdb
    import pandas as pd

    from workshop_data.codebook import CHANNELS

    ids = respondent_ids(respondents)
    start = time.perf_counter()
    con = duckdb.connect()
    frame = pd.DataFrame({"respondent_id": ids, "ord": np.arange(len(ids))})
    con.register("respondents", frame)
    if path.endswith(".parquet"):
        source, moment = f"read_parquet('{path}')", "horodatage"
    else:
        source = f"read_csv('{path}', delim=';', header=true, encoding='latin-1', all_varchar=true)"
        moment = "try_strptime(horodatage, '%Y-%m-%d %H:%M:%S')"
    sql = HAND_SQL.format(
        channel_cases=" ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CHANNEL_VALUES.items()),
        true_values="(" + ", ".join(f"'{v}'" for v in TRUE_VALUES) + ")",
        moment=moment,
        source=source,
        channel_counts=",\n           ".join(f"count(sec) FILTER (WHERE channel = '{c}') AS contacts_{c}" for c in CHANNELS),
        channel_columns=",\n       ".join(f"coalesce(contacts_{c}, 0) AS contacts_{c}" for c in CHANNELS),
    )
    table = con.execute(sql).df().set_index("respondent_id")
    return table, time.perf_counter() - start


def run_pandas(path: str, respondents: int):
    import pandas as pd

    from workshop_data.codebook import CHANNELS

    ids = respondent_ids(respondents)
    start = time.perf_counter()
    log = pd.read_parquet(path)
    log["channel"] = log["canal_contact"].map(CHANNEL_VALUES).fillna("other")
    log["online"] = log["dispo_en_ligne"].str.lower().isin(TRUE_VALUES)
    log = log[log["horodatage"].notna()].sort_values(["usager", "objet", "horodatage"])
    gap = log.groupby(["usager", "objet"], sort=False)["horodatage"].diff()
    log["repeat"] = gap <= pd.Timedelta(days=7)
    log["month"] = log["horodatage"].dt.year * 12 + log["horodatage"].dt.month
    grouped = log.groupby("usager")
    out = pd.DataFrame({"contacts_total": grouped.size()})
    counts = pd.crosstab(log["usager"], log["channel"]).reindex(columns=list(CHANNELS), fill_value=0)
    out = out.join(counts.add_prefix("contacts_"))
    out["digital"] = counts[["email", "web", "chat"]].sum(axis=1)
    out["avoidable_contacts"] = grouped["online"].sum()
    out["repeat_contacts"] = grouped["repeat"].sum()
    out["distinct_topics"] = grouped["objet"].nunique()
    out["active_months"] = grouped["month"].nunique()
    out = out.reindex(ids, fill_value=0)
    total = out["contacts_total"].replace(0, np.nan)
    out["digital_share"] = (out.pop("digital") / total).fillna(0.0)
    out["avoidable_share"] = (out["avoidable_contacts"] / total).fillna(0.0)
    return out, time.perf_counter() - start


RUNNERS = {"ours": run_ours, "duckdb": run_duckdb, "pandas": run_pandas}


def worker(way: str, path: str, respondents: int, out: str) -> None:
    from workshop_data.contacts import FEATURE_COLUMNS

    table, seconds = RUNNERS[way](path, respondents)
    table = table[list(FEATURE_COLUMNS)]
    table.index = table.index.astype(str)
    table.to_parquet(out)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))


def measure(way: str, path: Path, respondents: int, folder: Path) -> dict:
    out = folder / f"result-{way}-{path.suffix[1:]}.parquet"
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", way, str(path), str(respondents), str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )
    if proc.returncode:
        raise SystemExit(f"{way} failed:\n{proc.stderr[-3000:]}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["result"] = out
    return info


def identical(first: Path, second: Path) -> str:
    import pandas as pd

    from workshop_data.contacts import COUNT_COLUMNS, FEATURE_COLUMNS

    a, b = pd.read_parquet(first), pd.read_parquet(second)
    if not a.index.equals(b.index):
        raise SystemExit("different respondents")
    for col in COUNT_COLUMNS:
        if not np.array_equal(a[col].to_numpy(dtype="int64"), b[col].to_numpy(dtype="int64")):
            diff = int((a[col] != b[col]).sum())
            raise SystemExit(f"counts differ in {col} for {diff} respondents")
    for col in set(FEATURE_COLUMNS) - set(COUNT_COLUMNS):
        np.testing.assert_allclose(a[col].to_numpy(dtype=float), b[col].to_numpy(dtype=float), rtol=1e-12)
    return "identical"


def compare(label: str, path: Path, rows: int, respondents: int, ways: list[str], folder: Path,
            repeat: int = 1) -> None:
    """Run each way ``repeat`` times, interleaved, and keep its fastest run and largest peak."""
    runs: dict[str, list[dict]] = {way: [] for way in ways}
    for _ in range(repeat):
        for way in ways:
            runs[way].append(measure(way, path, respondents, folder))
    results = {}
    for way, done in runs.items():
        best = min(done, key=lambda info: info["seconds"])
        results[way] = {**best, "peak_mb": max(info["peak_mb"] for info in done)}
    base = results["duckdb"]
    print(f"\n{label}: {rows:,} contact rows, {respondents:,} respondents, {path.stat().st_size / 1e6:,.0f} MB"
          + (f" (best of {repeat} interleaved runs)" if repeat > 1 else ""))
    print(f"{'method':<26}{'time (s)':>10}{'vs DuckDB':>11}{'peak RSS (MB)':>15}  counts")
    names = {"ours": "contact_features (Ibis)", "duckdb": "hand-written DuckDB SQL", "pandas": "pandas groupby"}
    for way, info in results.items():
        verdict = "reference" if way == "duckdb" else identical(info["result"], base["result"])
        ratio = info["seconds"] / base["seconds"]
        print(f"{names[way]:<26}{info['seconds']:>10.2f}{ratio:>10.2f}x{info['peak_mb']:>15,.0f}  {verdict}")
    ours = results["ours"]
    target = ours["seconds"] <= 2 * base["seconds"] and ours["peak_mb"] < 3 * 1024
    print(f"target (<= 2x DuckDB, < 3 GB): {'met' if target else 'NOT met'}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--worker"]:
        worker(argv[1], argv[2], int(argv[3]), argv[4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000, help="CSV contact rows (default 3M)")
    parser.add_argument("--parquet-rows", type=int, default=10_000_000, help="Parquet contact rows (default 10M; 0 skips)")
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="runs per method, interleaved; the fastest is shown")
    parser.add_argument("--quick", action="store_true", help="20,000 respondents, 300k CSV rows, 1M Parquet rows")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.parquet_rows, args.respondents = 300_000, 1_000_000, 20_000
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="bench-features-") as tmp:
        folder = Path(tmp)
        if args.rows:
            start = time.perf_counter()
            path = folder / "contacts.csv"
            write_csv_cp1252(make_log(args.rows, args.respondents, args.seed), path)
            print(f"(wrote {path.name} in {time.perf_counter() - start:.1f} s)")
            compare("CSV ';' cp1252", path, args.rows, args.respondents, ["ours", "duckdb"], folder, args.repeat)
        if args.parquet_rows:
            start = time.perf_counter()
            path = folder / "contacts.parquet"
            pq.write_table(make_log(args.parquet_rows, args.respondents, args.seed + 1), path)
            print(f"(wrote {path.name} in {time.perf_counter() - start:.1f} s)")
            compare("Parquet", path, args.parquet_rows, args.respondents, ["ours", "duckdb", "pandas"], folder,
                    args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
