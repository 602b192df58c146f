"""Plotly figures of a workshop: pure functions of plain data and the words to label them with.

Each builder takes the personas (or a table) and ``t``, a translate function, and returns a
figure with a title and both axes labelled. Persona names are user text: plotly reads a small
subset of HTML in labels, so every name goes through :func:`plain` and prints as typed.
"""
from __future__ import annotations

import html
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

Translate = Callable[..., str]
PALETTE = ("#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#7a4fa0", "#8c6d1f", "#2a9d8f", "#5c677d",
           "#e76f51", "#3d405b")


#: Plotly's toolbar speaks English only and its tools (zoom, lasso) serve no workshop: not shown.
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False}


def plain(text: Any) -> str:
    """User text for a plotly label: markup characters escaped, so ``<b>`` shows as ``<b>``."""
    return html.escape(str(text), quote=False)


def _names(personas: Sequence[Any]) -> list[str]:
    return [plain(p.name) for p in personas]


def _layout(fig: Any, title: str, x: str, y: str, *, height: int = 420, t: Translate | None = None) -> Any:
    if t is not None:
        fig.update_layout(separators=t("chart.separators"))
    fig.update_layout(
        title={"text": title}, height=height, margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"title": {"text": ""}}, font={"family": "DejaVu Sans, sans-serif", "size": 13},
    )
    fig.update_xaxes(title_text=x)
    fig.update_yaxes(title_text=y)
    return fig


def pca_coordinates(data: pd.DataFrame, codebook: Any = None, *, standardise: bool = True) -> pd.DataFrame:
    """Two principal components of the numeric answers, one row per respondent (index kept).

    Likert, numeric and boolean columns are used, each standardised (unless the matrix is already
    the clustering's weighted, scaled features); a skipped answer takes the column's median so
    nobody is dropped from the map. scikit-learn does the imputation, scaling and PCA.
    """
    from sklearn.decomposition import PCA
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    numeric = pd.DataFrame(index=data.index)
    for name in data.columns:
        column = data[name]
        if pd.api.types.is_bool_dtype(column) or str(column.dtype) == "boolean":
            numeric[name] = column.astype("Float64").astype("float64")
        elif pd.api.types.is_numeric_dtype(column):
            numeric[name] = column.astype("float64")
    coords = np.zeros((len(data), 2))
    values = numeric.to_numpy(dtype="float64", na_value=np.nan)
    n_components = min(2, values.shape[1], max(len(values) - 1, 0))
    if n_components > 0:
        steps = [SimpleImputer(strategy="median", keep_empty_features=True)]
        steps += [StandardScaler()] if standardise else []
        coords[:, :n_components] = make_pipeline(*steps, PCA(n_components, random_state=0)).fit_transform(values)
    return pd.DataFrame({"pc1": coords[:, 0], "pc2": coords[:, 1]}, index=data.index)


def respondent_map(coords: pd.DataFrame, assignments: Mapping[str, str], personas: Sequence[Any], t: Translate) -> Any:
    """Scatter of respondents on two principal components, coloured by persona."""
    import plotly.graph_objects as go

    names = {p.id: plain(p.name) for p in personas}
    frame = coords.copy()
    frame["persona"] = [assignments.get(str(i)) for i in frame.index]
    fig = go.Figure()
    for index, persona in enumerate(personas):
        part = frame[frame["persona"] == persona.id]
        fig.add_trace(go.Scattergl(
            x=part["pc1"], y=part["pc2"], mode="markers", name=names[persona.id],
            marker={"size": 6, "opacity": 0.7, "color": PALETTE[index % len(PALETTE)]},
            hovertemplate=f"{names[persona.id]}<extra></extra>",
        ))
    return _layout(fig, t("profiles.map"), t("chart.pc1"), t("chart.pc2"), height=480, t=t)


def trait_heatmap(personas: Sequence[Any], labels: Mapping[str, str], t: Translate) -> Any:
    """Trait scores (0-100) per persona: traits in rows (long labels read across), personas in columns.
    ``labels`` names every trait in the session's language, custom codebook dimensions included."""
    import plotly.graph_objects as go

    dims = [d for d in labels if any(d in p.traits for p in personas)]
    z = [[p.traits.get(d, np.nan) for p in personas] for d in dims]
    fig = go.Figure(go.Heatmap(
        z=z, x=[wrap(name) for name in _names(personas)], y=[labels[d] for d in dims], zmin=0, zmax=100,
        colorscale="Blues", colorbar={"title": {"text": t("chart.score")}},
        text=[[("" if np.isnan(v) else f"{v:.0f}") for v in row] for row in z],
        texttemplate="%{text}", hovertemplate="%{x} · %{y}: %{z:.0f}<extra></extra>", xgap=2, ygap=2,
    ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, t("profiles.heatmap"), t("chart.persona"), t("chart.trait"), height=160 + 52 * len(dims), t=t)


def wrap(text: str, width: int = 16) -> str:
    """Break a long label on spaces with plotly's <br> (the text itself is already escaped)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def channel_mix(personas: Sequence[Any], channels: Iterable[str], t: Translate) -> Any:
    """Share of each channel in each persona's contacts, as stacked horizontal bars."""
    import plotly.graph_objects as go

    fig = go.Figure()
    used = [c for c in channels if any(p.channel_mix.get(c, 0) > 0 for p in personas)]
    for index, channel in enumerate(used):
        fig.add_trace(go.Bar(
            y=_names(personas), x=[100 * p.channel_mix.get(channel, 0.0) for p in personas],
            name=t(f"channel.{channel}"), orientation="h",
            marker={"color": PALETTE[index % len(PALETTE)]},
            hovertemplate="%{y}: %{x:.0f}" + t("chart.percent") + "<extra>" + plain(t(f"channel.{channel}")) + "</extra>",
        ))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[0, 100], ticksuffix=t("chart.percent"))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, t("profiles.channels"), t("chart.share"), t("chart.persona"), height=140 + 44 * len(personas), t=t)


def evidence_chart(personas: Sequence[Any], t: Translate) -> Any:
    """Stability (bootstrap Jaccard) and prevalence (share of members matching the defining traits)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    names = _names(personas)
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t("chart.stability"), t("chart.prevalence")))
    stability = [p.stability if p.stability is not None else np.nan for p in personas]
    fig.add_trace(go.Bar(y=names, x=stability, orientation="h", marker={"color": PALETTE[0]},
                         name=t("chart.stability"), hovertemplate="%{y}: %{x:.2f}<extra></extra>"), 1, 1)
    prevalence = [100 * min(p.prevalence_share, 1.0) for p in personas]
    fig.add_trace(go.Bar(y=names, x=prevalence, orientation="h", marker={"color": PALETTE[2]},
                         name=t("chart.prevalence"), hovertemplate="%{y}: %{x:.0f}" + t("chart.percent") + "<extra></extra>"), 1, 2)
    for x in (0.5, 0.75):
        fig.add_vline(x=x, line_dash="dot", line_color="#888", row=1, col=1)
    fig.update_xaxes(range=[0, 1], title_text=t("chart.stability"), row=1, col=1)
    fig.update_xaxes(range=[0, 100], ticksuffix=t("chart.percent"), title_text=t("chart.prevalence"), row=1, col=2)
    fig.update_yaxes(autorange="reversed", title_text=t("chart.persona"), row=1, col=1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, row=1, col=2)
    fig.update_layout(showlegend=False, title={"text": t("profiles.evidence")}, separators=t("chart.separators"),
                      height=160 + 44 * len(personas), margin={"l": 10, "r": 10, "t": 80, "b": 10},
                      font={"family": "DejaVu Sans, sans-serif", "size": 13})
    return fig


def archetype_fit(personas: Sequence[Any], archetype_names: Mapping[str, str], t: Translate) -> Any:
    """How well each persona fits the reference type it was matched to (0-1)."""
    import plotly.graph_objects as go

    labels = [
        plain(archetype_names.get(p.archetype, p.archetype)) if p.archetype else plain(t("profiles.none"))
        for p in personas
    ]
    fig = go.Figure(go.Bar(
        y=_names(personas), x=[p.archetype_fit or 0.0 for p in personas], orientation="h",
        text=labels, textposition=["auto" if p.archetype else "outside" for p in personas],
        cliponaxis=False, marker={"color": PALETTE[4]},
        hovertemplate="%{y}: %{text} (%{x:.2f})<extra></extra>",
    ))
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, t("profiles.archetypes"), t("chart.fit"), t("chart.persona"), height=140 + 44 * len(personas), t=t)


def k_table_chart(k_table: Sequence[Mapping[str, Any]], t: Translate) -> Any:
    """The per-k validity and stability curves, the recommended k marked."""
    import plotly.graph_objects as go

    frame = pd.DataFrame(list(k_table))
    fig = go.Figure()
    for index, column in enumerate(c for c in ("validity", "null_validity", "stability") if c in frame.columns):
        fig.add_trace(go.Scatter(x=frame["k"], y=frame[column], mode="lines+markers",
                                 name=t(f"profiles.kcol_{column}"), marker={"color": PALETTE[index]}))
    if "recommended" in frame.columns and frame["recommended"].any():
        best = frame.loc[frame["recommended"].astype(bool), "k"].iloc[0]
        fig.add_vline(x=best, line_dash="dash", line_color=PALETTE[3],
                      annotation_text=t("profiles.recommended"))
    return _layout(fig, t("profiles.k_table"), t("chart.k"), t("profiles.kcol_value"), height=320, t=t)
