"""What an analyst runs on the same files as the project (families benchmark): encoding, ceiling, peers.

Written apart from the project: nothing here imports it. The analyst reads the survey file and the
contact log back from disk (knowing their separator, encoding and decimal mark) and knows which
columns are answers: the items, the answer categories and numeric answers, never the respondent
id, the weights, the survey design columns, the demographics or the free text. That is the choice
a survey analyst makes by reading the questionnaire; the project has to make it from the file.

The *analyst encoding* (``AnalystView.X``), used by k-means, the Gaussian mixture and the ceiling:
each scale item as its step (0, 1, 2, ... in the scale's order), each numeric answer as is, each
answer category one-hot; with a contact log, log(1 + contacts) per channel and in total; skipped
answers imputed by the column mean; every column standardised (mean 0, sd 1). The latent class
model gets the same columns as categories (``AnalystView.C``): items by step, categories by code,
numbers cut at their quintiles, contact counts in bands 0, 1, 2-3, 4-7, 8+; skipped answers missing.

The *ceiling* is the ARI between the truth and the out-of-fold predictions of a supervised
classifier (linear discriminant analysis, 5-fold stratified cross-validation) on ``X``: how
much of the planted partition the encoded answers can show at all.
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits

from family_data import ANSWER_KINDS

CONTACT_BANDS = [0.5, 1.5, 3.5, 7.5]


@dataclass
class AnalystView:
    X: np.ndarray           # standardised, imputed: k-means, Gaussian mixture, ceiling
    C: np.ndarray           # categories 0..m-1 with NaN for skipped answers: latent class model
    columns: list[str]


def analyst_view(survey: pd.DataFrame, meta: dict, contacts: pd.DataFrame | None) -> AnalystView:
    numeric: dict[str, np.ndarray] = {}
    categorical: dict[str, np.ndarray] = {}
    for column, kind in meta["kinds"].items():
        if kind not in ANSWER_KINDS:
            continue
        raw = survey[column]
        if column in meta["scales"]:
            order = {str(v): i for i, v in enumerate(meta["scales"][column])}
            steps = raw.map(lambda v: order.get(str(v), np.nan) if isinstance(v, str) else np.nan)
            steps = steps.astype(float).to_numpy()
            numeric[column] = steps
            categorical[column] = steps
        elif kind == "stray":
            values = pd.to_numeric(raw.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float)
            numeric[column] = values
            cuts = np.unique(np.nanquantile(values, [0.2, 0.4, 0.6, 0.8]))
            categorical[column] = np.where(np.isnan(values), np.nan, np.digitize(values, cuts))
        else:
            codes, levels = pd.factorize(raw)
            codes = codes.astype(float)
            codes[codes < 0] = np.nan
            categorical[column] = codes
            for index, level in enumerate(levels):
                numeric[f"{column}={level}"] = (codes == index).astype(float)
    if contacts is not None:
        for name, counts in contact_counts(survey, meta, contacts).items():
            numeric[name] = np.log1p(counts)
            categorical[name] = np.digitize(counts, CONTACT_BANDS).astype(float)
    names = list(numeric)
    X = np.column_stack([numeric[c] for c in names])
    means = np.nanmean(X, axis=0)
    X = np.where(np.isnan(X), means, X)
    sd = X.std(axis=0)
    X = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    C = np.column_stack([categorical[c] for c in categorical])
    return AnalystView(X, C, names)


def contact_counts(survey: pd.DataFrame, meta: dict, contacts: pd.DataFrame) -> dict[str, np.ndarray]:
    """Contacts per respondent, per channel and in total, in the survey's row order."""
    who, channel = meta["contact_columns"]["respondent_id"], meta["contact_columns"]["channel"]
    ids = survey[meta["id_column"]].astype(str)
    table = contacts.groupby([contacts[who].astype(str), contacts[channel]]).size().unstack(fill_value=0)
    table = table.reindex(ids.to_numpy(), fill_value=0)
    out = {f"contacts:{c}": table[c].to_numpy(dtype=float) for c in sorted(table.columns)}
    out["contacts:total"] = table.sum(axis=1).to_numpy(dtype=float)
    return out


def ceiling(view: AnalystView, truth: np.ndarray) -> float | None:
    """ARI of a cross-validated supervised classifier on the analyst encoding (None when undivided)."""
    if len(np.unique(truth)) < 2:
        return None
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    with threadpool_limits(1):
        predicted = cross_val_predict(LinearDiscriminantAnalysis(), view.X, truth, cv=folds)
    return float(adjusted_rand_score(truth, predicted))


def kmeans_silhouette(view: AnalystView, ks: range, seed: int) -> np.ndarray:
    best, labels = -np.inf, None
    for k in ks:
        fit = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(view.X)
        score = silhouette_score(view.X, fit.labels_, sample_size=min(len(view.X), 3000), random_state=seed)
        if score > best:
            best, labels = score, fit.labels_
    return labels


def gaussian_mixture_bic(view: AnalystView, ks: range, seed: int) -> np.ndarray:
    return _lowest_bic(lambda k: GaussianMixture(n_components=k, covariance_type="full", n_init=2, reg_covar=1e-4,
                                                 random_state=seed), view.X, ks)


def latent_class_bic(view: AnalystView, ks: range, seed: int) -> np.ndarray:
    from stepmix.stepmix import StepMix

    return _lowest_bic(lambda k: StepMix(n_components=k, measurement="categorical_nan", n_init=2, max_iter=300,
                                         abs_tol=1e-5, random_state=seed, verbose=0, progress_bar=0), view.C, ks)


def _lowest_bic(model_for, data: np.ndarray, ks: range) -> np.ndarray:
    """Labels of the model with the lowest BIC among ``model_for(k)`` fitted for each k."""
    best, labels = np.inf, None
    for k in ks:
        model = model_for(k)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(data)
            bic = model.bic(data)
        if bic < best:
            best, labels = bic, model.predict(data)
    return labels


PEERS = {"kmeans": kmeans_silhouette, "gmm": gaussian_mixture_bic, "lca": latent_class_bic}


def run_peers(view: AnalystView, truth: np.ndarray, ks: range, seed: int) -> dict[str, dict]:
    """Each peer's k, ARI and seconds on one survey.

    One BLAS thread: on a shared two-core machine, threads fighting for the cores made the Gaussian
    mixture 50 times slower; the results do not change.
    """
    out = {}
    with threadpool_limits(1):
        for name, method in PEERS.items():
            start = time.perf_counter()
            labels = method(view, ks, seed)
            out[name] = {"k": int(len(np.unique(labels))), "ari": float(adjusted_rand_score(truth, labels)),
                         "seconds": round(time.perf_counter() - start, 2)}
    return out
