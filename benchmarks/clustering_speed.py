"""Clustering speed at scale: 50,000 respondents, ~5 million contact rows, k auto with stability.

The survey is the demo generator's (50,000 respondents, typed in memory from the generated
frame, as intake would). The contact log is drawn here with ~100 contacts per respondent (the
channel mix and avoidable share of each planted profile), written to Parquet and aggregated by
the toolkit's own ``contact_features`` (DuckDB); that step is timed separately. Then
``cluster(k="auto", bootstrap=20)`` is timed (wall and CPU) with the process's peak resident size
before and after it (tracemalloc is not used: it slows the run down several times).

    python benchmarks/clustering_speed.py [--quick] [--respondents 50000] [--rows 5000000]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

from clustering.pipeline import cluster  # noqa: E402
from workshop_data.codebook import ContactMapping  # noqa: E402
from workshop_data.reports import PrivacyReport, QualityReport  # noqa: E402
from workshop_data.sample import PROFILE_IDS, generate_demo, profile_parameters  # noqa: E402
from workshop_data.survey import Survey  # noqa: E402

CHANNELS = ("phone", "counter", "email", "web", "mail", "chat")


def typed(demo) -> Survey:
    """The generated frame typed as intake types it (labels to positions, numbers, strings)."""
    codebook = demo.codebook
    frame = demo.survey
    index = pd.Index(frame[codebook.respondent_id].astype(str).to_numpy(), name="respondent_id", dtype="str")
    data = {}
    for name, spec in codebook.columns.items():
        if spec.type in ("pii", "text", "ignore") or name not in frame:
            continue
        column = frame[name]
        if spec.type == "likert" and spec.levels:
            data[name] = column.map({label: float(i + 1) for i, label in enumerate(spec.levels)}).astype("float64").to_numpy()
        elif spec.type in ("likert", "numeric"):
            data[name] = pd.to_numeric(column.astype("string").str.replace(",", "."), errors="coerce").to_numpy(dtype="float64")
        else:
            data[name] = column.astype("string").to_numpy()
    typed_frame = pd.DataFrame(data, index=index)
    weights = pd.to_numeric(frame[codebook.weight].astype("string").str.replace(",", "."), errors="coerce").fillna(1.0)
    weights = pd.Series((weights / weights.mean()).to_numpy(), index=index)
    return Survey(typed_frame, weights, codebook, {"role": "survey", "name": "generated"}, PrivacyReport(), QualityReport())


def draw_log(ids: np.ndarray, profiles: np.ndarray, rows: int, seed: int) -> pd.DataFrame:
    """A contact log of about ``rows`` rows following each planted profile's channel mix."""
    params = profile_parameters()["profiles"]
    rng = np.random.default_rng(seed)
    rate = np.array([params[p]["contacts_per_year"] for p in PROFILE_IDS])[profiles]
    counts = rng.poisson(rate * rows / rate.sum())
    who = np.repeat(np.arange(len(ids)), counts)
    n = len(who)
    mix = np.array([[params[p]["channels"].get(c, 0.0) for c in CHANNELS] for p in PROFILE_IDS])
    mix = mix / mix.sum(axis=1, keepdims=True)
    cum = mix.cumsum(axis=1)[profiles[who]]
    channel = (rng.random(n)[:, None] > cum).sum(axis=1).clip(0, len(CHANNELS) - 1)
    online = rng.random(n) < np.array([params[p]["online_topic_share"] for p in PROFILE_IDS])[profiles[who]]
    seconds = rng.integers(0, 365 * 86400, n)
    stamps = np.datetime64("2025-01-01T00:00:00") + seconds.astype("timedelta64[s]")
    return pd.DataFrame({
        "usager": ids[who],
        "horodatage": stamps,
        "canal": np.array(CHANNELS, dtype=object)[channel],
        "objet": rng.integers(0, 30, n).astype("int32"),
        "en_ligne": online,
    })


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 respondents, 1 million rows")
    parser.add_argument("--respondents", type=int, default=50_000)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    n, rows = (10_000, 1_000_000) if args.quick else (args.respondents, args.rows)

    start = time.perf_counter()
    demo = generate_demo(n, seed=args.seed)
    survey = typed(demo)
    truth = demo.truth.set_index("respondent_id")["profile"].reindex(survey.data.index)
    profiles = truth.map({p: i for i, p in enumerate(PROFILE_IDS)}).to_numpy()
    log = draw_log(survey.data.index.to_numpy(dtype=object), profiles, rows, args.seed)
    print(f"generated {n:,} respondents and {len(log):,} contact rows in {time.perf_counter() - start:.1f} s", flush=True)

    from workshop_data.contacts import contact_features

    mapping = ContactMapping(respondent_id="usager", timestamp="horodatage", channel="canal", topic="objet",
                             online_available="en_ligne", channels={c: c for c in CHANNELS})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.parquet"
        log.to_parquet(path, index=False)
        del log
        start = time.perf_counter()
        features = contact_features(path, mapping, list(survey.data.index))
        feature_time = time.perf_counter() - start
    print(f"contact features (DuckDB): {feature_time:.1f} s, {int(features.table['contacts_total'].sum()):,} contacts",
          flush=True)

    seen = []
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, cpu = time.perf_counter(), time.process_time()
    result = cluster(survey, features.table, k="auto", bootstrap=20, seed=args.seed,
                     period_days=features.report.period_days, progress=lambda f, m: seen.append(f))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = " / ".join(f"{v:.1f}" for v in __import__("os").getloadavg())
    print(f"\ncluster(k='auto', bootstrap=20) on {n:,} respondents: {elapsed:.1f} s wall, {cpu:.1f} s CPU "
          f"(target < 60 s); peak resident {rss_before:.0f} MiB before, {rss:.0f} MiB after; load average {load}")
    print(f"k chosen: {result.settings['k']} ({result.settings['structure']}); ARI against the planted profiles: "
          f"{adjusted_rand_score(truth, result.labels):.3f}; progress calls: {len(seen)}")
    print(pd.DataFrame(result.k_table).to_string(index=False))
    return 0 if elapsed < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
