"""Profiles step: run the clustering with visible progress, then see who the profiles are."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from personas.traits import trait_names

from app_pages import charts, editing, escape_md, loaders, number, page_header, percent, progress_callback, show_problem, state

K_CHOICES: list[Any] = ["auto", *range(2, 11)]
FALLBACK_METHODS = ("default", "kmeans", "gmm", "lca")


def methods() -> list[str]:
    try:
        from clustering.methods import METHODS
    except ImportError:
        return list(FALLBACK_METHODS)
    names = list(METHODS)
    return sorted(names, key=lambda m: (m != "default", m))


def method_label(method: str) -> str:
    key = f"profiles.method_{method}"
    tr = state.translator()
    return tr(key) if tr.has(key) else method


def uploaded_typology(name: str, data: bytes) -> Any:
    """A typology file uploaded in the app, checked by the loader ``--typology`` uses (the file
    name and its hash are recorded in the workshop, as on the command line)."""
    import tempfile

    from personas.archetypes import load_typology
    from workshop_data.errors import DataError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name or "typology.yaml")
        path.write_bytes(data)
        try:
            return load_typology(path)
        except DataError as exc:
            exc.file = path.name  # the temporary folder means nothing to the person who uploaded it
            raise


def _typology_choice() -> tuple[Any, bool]:
    """The typology the personas are named with: (None for the built-in one, or the uploaded one;
    whether the clustering may run)."""
    t = state.translator()
    choice = st.radio(t("profiles.typology"), ["builtin", "file"], key="w_typology", horizontal=True,
                      format_func=lambda v: t(f"profiles.typology_{v}"))
    if choice == "builtin":
        return None, True
    upload = st.file_uploader(t("profiles.typology_file"), type=["yaml", "yml"], key="w_typology_file")
    st.caption(t("profiles.typology_help"))
    if upload is None:
        return None, False
    from workshop_data.errors import DataError

    try:
        typology = uploaded_typology(upload.name, upload.getvalue())
    except DataError as exc:
        show_problem(exc)
        return None, False
    st.caption(t("profiles.typology_ready", name=typology.name.get(state.get().lang) or upload.name,
                 n=len(typology.archetypes)))
    return typology, True


def run_clustering(k: Any, method: str, seed: int, typology: Any = None, lang: str | None = None) -> Path:
    """Cluster the current survey into a new workshop, showing progress; the result opens at once."""
    session = state.get()
    t = state.translator()
    started = time.perf_counter()
    with st.status(t("profiles.running"), expanded=True) as status:
        report = progress_callback(t("profiles.running"))
        path = editing.build_workshop(
            session.survey_path, session.contacts_path, session.codebook,
            k=k, method=method, seed=int(seed), lang=lang or session.lang, progress=report,
            lenient=session.lenient, sheet=session.sheet, typology=typology,
        )
        seconds = time.perf_counter() - started
        done = t("profiles.done", n=len(session.workshop.personas), seconds=number(seconds, 1))
        status.update(label=done, state="complete", expanded=False)
    state.flash("success", done)
    return path


def _workshop_language() -> str:
    """The language the personas are named and drafted in: the survey's own by default (an English
    questionnaire gives English personas), whatever the screen's language."""
    t = state.translator()
    session = state.get()
    try:
        found = loaders.survey_language(session.survey_path, session.codebook, lenient=session.lenient,
                                        sheet=session.sheet)
    except Exception:  # the clustering reports an unreadable survey itself, in its own words
        found = session.lang
    options = ["fr", "en"]
    if st.session_state.get("w_ws_lang_of") != session.survey_path:  # a new survey: its language again
        st.session_state["w_ws_lang"] = found
        st.session_state["w_ws_lang_of"] = session.survey_path
    choice = st.radio(t("profiles.workshop_lang"), options, key="w_ws_lang", horizontal=True,
                      format_func=lambda v: t(f"profiles.lang_{v}"))
    name = t(f"profiles.lang_{found}")
    st.caption(t("profiles.workshop_lang_help", lang=name, lang_lower=name.lower()))
    return str(choice)


def _settings() -> None:
    t = state.translator()
    session = state.get()
    with st.expander(t("profiles.settings"), expanded=session.workshop is None, icon=":material/tune:"):
        if not session.survey_path:
            st.info(t("profiles.need_survey"))
            return
        cols = st.columns(3)
        method = cols[0].selectbox(t("profiles.method"), methods(), format_func=method_label, key="w_method", placeholder=state.t("app.choose"))
        k = cols[1].selectbox(t("profiles.k"), K_CHOICES, key="w_k", placeholder=state.t("app.choose"),
                              format_func=lambda v: t("profiles.k_auto") if v == "auto" else str(v))
        seed = cols[2].number_input(t("profiles.seed"), min_value=0, max_value=2**31 - 1, value=0, step=1, key="w_seed")
        typology, ready = _typology_choice()
        lang = _workshop_language()
        if session.workshop is not None:
            st.caption(t("profiles.replace_warning"))
        if st.button(t("profiles.run"), type="primary", key="w_run", icon=":material/play_arrow:", disabled=not ready):
            from workshop_data.errors import DataError

            try:
                run_clustering(k, method, int(seed), typology, lang)
                st.rerun()
            except (DataError, ImportError, NotImplementedError, ValueError) as exc:
                show_problem(exc)


def has_contacts(ws: Any) -> bool:
    """The workshop was built with a contact log: without one, contact figures are not zeros, they are unknown."""
    return any(s.get("role") == "contacts" for s in ws.sources or [])


def summary_table(personas: list[Any], archetypes: dict[str, str], *, contacts: bool = True) -> pd.DataFrame:
    """One row per persona, numbers written as people read them in the session's language (contact
    figures only when a contact log was read)."""
    t = state.translator()
    columns = {
        t("profiles.col_persona"): [p.name for p in personas],
        t("profiles.col_size"): [p.size for p in personas],
        t("profiles.col_share"): [percent(100 * p.share, 1) for p in personas],
        t("profiles.col_archetype"): [archetypes.get(p.archetype, p.archetype) if p.archetype else t("profiles.none")
                                      for p in personas],
        t("profiles.col_fit"): [number(p.archetype_fit) for p in personas],
        t("profiles.col_stability"): [number(p.stability) for p in personas],
        t("profiles.col_prevalence"): [percent(100 * min(p.prevalence_share, 1.0)) for p in personas],
    }
    if contacts:
        columns[t("profiles.col_contacts")] = [number(p.contacts_per_person, 1) for p in personas]
        columns[t("profiles.col_avoidable")] = [percent(100 * p.avoidable_share) for p in personas]
    return pd.DataFrame(columns)


def separation_lines(ws: Any, lang: str) -> list[str]:
    """Why each persona exists: the features that most separate it from its nearest persona, in
    words, with both figures ("**Agile** rather than **Mal informé·e**: awareness 81 against 37"),
    as the sheets say it (:func:`exports.view.separation_parts`)."""
    from exports.view import separation_parts

    t = state.translator()
    lines = []
    for persona in ws.personas:
        _, nearest, parts = separation_parts(ws, persona, lang)
        if not parts:
            continue
        features = t("profiles.list_sep").join(t("profiles.separation_feature", feature=escape_md(label), value=mine, other=theirs)
                             for label, mine, theirs in parts)
        lines.append(t("profiles.separation_line", name=escape_md(persona.name), nearest=escape_md(nearest),
                       features=features))
    return lines


def k_frame(k_table: list[dict[str, Any]]) -> pd.DataFrame:
    """The per-k table with translated headers (unknown columns keep their name)."""
    tr = state.translator()
    frame = pd.DataFrame(k_table)
    for column in frame.columns:
        if column == "recommended":
            frame[column] = frame[column].map(lambda v: "✔" if v else "")
        elif column != "k" and pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: number(v, 2))
        elif column == "index":
            frame[column] = frame[column].map(lambda v: tr(f"profiles.index_{v}") if tr.has(f"profiles.index_{v}") else v)
        if frame[column].dtype == object:  # a figure not measured at this k: a dash, never "None"
            frame[column] = frame[column].map(lambda v: "—" if v is None or (isinstance(v, float) and v != v) else v)
    return frame.rename(columns={c: tr(f"profiles.kcol_{c}") for c in frame.columns if tr.has(f"profiles.kcol_{c}")})


def _structure(ws: Any, lang: str) -> None:
    """The structure verdict in words: clear, weak (regions of a continuum) or none."""
    from personas.structure import structure_words

    lines = structure_words(ws, lang)  # on the personas as they are now, edits included
    if not lines:
        return
    show = st.warning if ws.settings.get("structure") != "clear" else st.info
    show("\n\n".join(lines))


def render() -> None:
    t = state.translator()
    session = state.get()
    ws = page_header("profiles", needs_workshop=False)
    _settings()
    if ws is None:
        return
    from workshop_data.codebook import CHANNELS

    archetypes = loaders.archetype_names(session.lang)
    personas = list(ws.personas)
    st.subheader(t("profiles.summary"))
    st.dataframe(summary_table(personas, archetypes, contacts=has_contacts(ws)), hide_index=True, width="stretch")
    if not has_contacts(ws):
        st.caption(t("profiles.no_contact_log"))
    separation = separation_lines(ws, session.lang)
    if separation:
        st.subheader(t("profiles.separation"))
        st.caption(t("profiles.separation_help"))
        st.markdown("\n".join(f"- {line}" for line in separation))
    if ws.k_table:
        st.subheader(t("profiles.k_table"))
        st.caption(t("profiles.k_table_help"))
        st.dataframe(k_frame(ws.k_table), hide_index=True, width="stretch")
        if len(ws.k_table) > 1:
            st.plotly_chart(charts.k_table_chart(ws.k_table, t), key="c_k", config=charts.PLOTLY_CONFIG)
        chosen = (ws.settings or {}).get("k")
        if chosen:
            st.caption(t("profiles.chosen", k=chosen))
        _structure(ws, session.lang)

    st.subheader(t("profiles.map"))
    st.caption(t("profiles.map_help"))
    try:
        with st.spinner(t("profiles.map_computing")):
            coords = loaders.respondent_map()
    except Exception as exc:  # the map is a view: data that no longer reads must not block the page
        coords = None
        show_problem(exc)
    if coords is None:
        st.info(t("profiles.map_unavailable"))
    else:
        st.plotly_chart(charts.respondent_map(coords, ws.assignments, personas, t), key="c_map", config=charts.PLOTLY_CONFIG)
    st.plotly_chart(charts.trait_heatmap(personas, trait_names(ws, state.get().lang), t), key="c_traits", config=charts.PLOTLY_CONFIG)
    if has_contacts(ws):
        st.plotly_chart(charts.channel_mix(personas, CHANNELS, t), key="c_channels", config=charts.PLOTLY_CONFIG)
    st.plotly_chart(charts.evidence_chart(personas, t), key="c_evidence", config=charts.PLOTLY_CONFIG)
    st.caption(t("profiles.evidence_help"))
    st.plotly_chart(charts.archetype_fit(personas, archetypes, t), key="c_archetypes", config=charts.PLOTLY_CONFIG)


if __name__ == "__main__":
    render()
