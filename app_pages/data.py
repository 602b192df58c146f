"""Data step: open the sample or upload a survey and a contact log, correct the codebook, see the reports."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import escape_md, files, loaders, localised, number, page_header, show_problem, state, uploads

LEVEL_SEPARATOR = " | "
EDITOR_ROW_PX = 35  # Streamlit's data editor row height
# Column widths in pixels that fit together in the page at 1280 px and more, so that no column of
# the codebook is pushed out of sight (the name stays pinned when a narrow window scrolls).
EDITOR_WIDTHS = {"column": 150, "label": 150, "type": 110, "role": 100, "dimension": 120, "reverse": 85,
                 "levels": 190}
NO_DIMENSION = "-"
ENGINE_KINDS = ("duckdb", "spark", "database")


def use_sample() -> None:
    session = state.get()
    try:
        paths = files.sample_paths()
        session.survey_path = str(paths["survey"])
        session.contacts_path = str(paths["contacts"]) if "contacts" in paths else None
        session.codebook = loaders.codebook_of(paths["codebook"]) if "codebook" in paths else None
        session.survey_error = None
    except Exception as exc:  # shown as a sentence: a bad bundled file must not crash the page
        session.survey_error = str(exc)


def read_uploads(survey: Any, contacts: Any) -> None:
    session = state.get()
    if survey is None:
        return
    session.survey_path = str(uploads.save_upload(survey.name, survey.getvalue()))
    session.contacts_path = str(uploads.save_upload(contacts.name, contacts.getvalue())) if contacts else None
    session.codebook = None
    session.survey_error = None
    session.sheet = None
    session.fresh_upload = True


def forget_uploads() -> None:
    """Delete the kept uploads; the session no longer points at them."""
    session = state.get()
    removed = uploads.delete_uploads()
    folder = str(files.home() / "uploads")
    for attribute in ("survey_path", "contacts_path"):
        if (getattr(session, attribute) or "").startswith(folder):
            setattr(session, attribute, None)
    state.flash("success", state.translator()("data.uploads_deleted", n=removed))


def _uploads_box() -> None:
    t = state.translator()
    kept = uploads.uploaded_files()
    with st.expander(t("data.uploads_header", n=len(kept))):
        st.caption(t("data.uploads_help"))
        if st.button(t("data.uploads_delete"), key="w_delete_uploads", disabled=not kept,
                     icon=":material/delete:"):
            forget_uploads()
            st.rerun()


def codebook_frame(codebook: dict[str, Any], lang: str = "fr") -> pd.DataFrame:
    """The codebook's columns as an editable table (one row per survey column, its label in ``lang``)."""
    from workshop_data.demographics import default_role

    rows = []
    for name, spec in (codebook.get("columns") or {}).items():
        levels = spec.get("levels")
        scale = spec.get("scale")
        label = spec.get("label") if isinstance(spec.get("label"), dict) else {}
        rows.append({
            "column": name,
            "label": str(label.get(lang) or ""),
            "type": spec.get("type", "ignore"),
            "role": spec.get("role") or default_role(name, label, levels),
            "dimension": spec.get("dimension") or NO_DIMENSION,
            "reverse": bool(spec.get("reverse", False)),
            "levels": LEVEL_SEPARATOR.join(map(str, levels)) if levels else (
                f"{scale[0]} – {scale[1]}" if scale else ""),
        })
    return pd.DataFrame(rows, columns=["column", "label", "type", "role", "dimension", "reverse", "levels"])


def dimension_options(codebook: dict[str, Any]) -> list[str]:
    """The built-in dimensions, then the codebook's own (from its columns and its dimensions block)."""
    from workshop_data.codebook import DIMENSIONS

    own = [*(codebook.get("dimensions") or {}),
           *(spec.get("dimension") for spec in (codebook.get("columns") or {}).values())]
    return [NO_DIMENSION, *DIMENSIONS, *dict.fromkeys(d for d in own if d and d not in DIMENSIONS)]


def apply_codebook_edits(codebook: dict[str, Any], edited: pd.DataFrame, lang: str = "fr") -> dict[str, Any]:
    """The codebook with the table's corrections; validated by ``Codebook.from_dict`` (raises CodebookError)."""
    from workshop_data.codebook import Codebook, follow_column_dimensions

    columns = {name: dict(spec) for name, spec in (codebook.get("columns") or {}).items()}
    for row in edited.to_dict("records"):
        name = str(row["column"])
        spec = columns.setdefault(name, {})
        spec["type"] = str(row["type"] or "ignore")
        if row.get("role"):
            spec["role"] = str(row["role"])
        dimension = str(row.get("dimension") or "").strip()
        if dimension and dimension != NO_DIMENSION:
            spec["dimension"] = dimension
        else:
            spec.pop("dimension", None)
        spec["reverse"] = bool(row.get("reverse") or False)
        label = str(row.get("label") or "").strip()
        if label and label != name:
            spec["label"] = {**(spec.get("label") or {}), lang: label}
        text = str(row.get("levels") or "").strip()
        if "|" in text:
            spec["levels"] = [part.strip() for part in text.split("|") if part.strip()]
            spec.pop("scale", None)
        if spec["type"] not in ("likert", "categorical"):
            spec.pop("levels", None)
        if spec["type"] != "likert":
            spec.pop("scale", None)
            spec.pop("reverse", None)
    out = follow_column_dimensions({**codebook, "columns": columns})
    return Codebook.from_dict(out, file="codebook").to_dict()


def _editor_columns(codebook: dict[str, Any]) -> dict[str, Any]:
    """How each column of the codebook table shows and is edited, sized so that all fit the page."""
    from workshop_data.codebook import COLUMN_TYPES, DIMENSIONS
    from workshop_data.demographics import ROLES

    tr = state.translator()
    lang = state.get().lang
    own_labels = {name: (body or {}).get("label") or {} for name, body in (codebook.get("dimensions") or {}).items()}

    def dimension_text(value: str) -> str:
        if value == NO_DIMENSION:
            return "—"
        if value in DIMENSIONS:
            return tr(f"trait.{value}")
        return (own_labels.get(value) or {}).get(lang) or value

    width = EDITOR_WIDTHS
    return {
        "column": st.column_config.TextColumn(tr("data.col_name"), width=width["column"], pinned=True),
        "label": st.column_config.TextColumn(tr("data.col_label"), width=width["label"]),
        "type": st.column_config.SelectboxColumn(
            tr("data.col_type"), options=list(COLUMN_TYPES), required=True, width=width["type"],
            format_func=lambda v: tr(f"type.{v}")),
        "role": st.column_config.SelectboxColumn(
            tr("data.col_role"), options=list(ROLES), required=True, width=width["role"],
            format_func=lambda v: tr(f"role.{v}")),
        "dimension": st.column_config.SelectboxColumn(
            tr("data.col_dimension"), options=dimension_options(codebook), width=width["dimension"],
            format_func=dimension_text),
        "reverse": st.column_config.CheckboxColumn(tr("data.col_reverse"), width=width["reverse"]),
        "levels": st.column_config.TextColumn(tr("data.col_levels"), width=width["levels"]),
    }


def _codebook_editor(codebook: dict[str, Any]) -> None:
    t = state.translator()
    lang = state.get().lang
    st.subheader(t("data.codebook_header"))
    st.caption(t("data.codebook_help"))
    st.caption(t("data.codebook_ids", id=escape_md(codebook.get("respondent_id") or "—"),
                 weight=escape_md(codebook.get("weight") or "—")))
    frame = codebook_frame(codebook, lang)
    edited = st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        height=EDITOR_ROW_PX * (len(frame) + 1) + 3,  # every row shown: no scrolling inside the table
        key="w_codebook",
        disabled=["column"],
        column_config=_editor_columns(codebook),
    )
    if st.button(t("data.codebook_apply"), key="w_codebook_apply"):
        try:
            state.get().codebook = apply_codebook_edits(codebook, edited, lang)
            state.flash("success", t("data.codebook_applied"))
            st.rerun()
        except Exception as exc:
            show_problem(exc)


def _reports(survey: Any) -> None:
    t = state.translator()
    tr = t
    left, right = st.columns(2)
    with left:
        st.subheader(t("data.quality_header"))
        quality = survey.quality
        warnings = [localised(w) for w in quality.warnings]
        if not warnings and not quality.made_missing:
            st.success(t("data.quality_ok"))
        if warnings:
            st.warning(t("data.quality_warnings", n=len(warnings)))
            with st.expander(t("data.details")):
                for text in warnings:
                    st.text(text)
        if quality.made_missing:
            st.caption(t("data.made_missing"))
            st.dataframe(_count_table(quality.made_missing, t("data.col_name")), hide_index=True)
        if quality.skipped:
            with st.expander(t("data.skipped")):
                st.dataframe(_count_table(quality.skipped, t("data.col_name")), hide_index=True)
    with right:
        st.subheader(t("data.privacy_header"))
        privacy = survey.privacy
        if not privacy.removed_columns and not any(privacy.scrubbed.values()):
            st.info(t("data.privacy_none"))
        if privacy.removed_columns:
            st.caption(t("data.privacy_removed"))
            st.dataframe(pd.DataFrame({
                t("data.col_name"): [str(item.get("column", "")) for item in privacy.removed_columns],
                t("data.privacy_reason"): [_reason(item, tr) for item in privacy.removed_columns],
            }), hide_index=True)
        if any(privacy.scrubbed.values()):
            st.caption(t("data.privacy_scrubbed"))
            st.dataframe(_count_table({_kind(k, tr): v for k, v in privacy.scrubbed.items() if v}, t("data.kind")),
                         hide_index=True)


def _reason(item: dict[str, Any], tr: Any) -> str:
    """Why intake removed a column, in the session's language (the report's own words otherwise)."""
    reason = str(item.get("reason", ""))
    kind = str(item.get("kind") or _reason_kind(reason))
    key = f"privacy.reason_{kind}"
    return tr(key) if kind and tr.has(key) else str(item.get("reason", ""))


def _reason_kind(reason: str) -> str:
    try:
        from workshop_data.pii import REASONS
    except ImportError:
        REASONS = {}
    for kind, text in REASONS.items():
        if reason == text:
            return kind
    if reason.startswith("declared"):
        return "declared"
    if reason.startswith("header"):
        return "header"
    return ""


def _kind(kind: str, tr: Any) -> str:
    key = f"privacy.kind_{kind}"
    return tr(key) if tr.has(key) else kind


def _count_table(counts: dict[str, int], label: str) -> pd.DataFrame:
    return pd.DataFrame({label: list(counts), state.t("data.count"): list(counts.values())})


def render() -> None:
    t = state.translator()
    session = state.get()
    page_header("data", needs_workshop=False)
    _sources_box()
    _uploads_box()
    if session.survey_error:
        st.error(t("data.bad_file", message=escape_md(session.survey_error)))
    if not session.survey_path:
        st.info(t("data.no_survey"))
        return
    inputs = _read_inputs()
    if inputs is None:
        return
    survey = inputs.survey
    if session.codebook is None:
        session.codebook = survey.codebook.to_dict()
    st.success(t("data.current_survey", name=escape_md(Path(session.survey_path).name)))
    _layout(survey)
    st.write(t("data.read_ok", rows=number(len(survey.data), 0), columns=len(survey.data.columns)))
    if inputs.contacts is not None:
        _contacts_report(inputs.contacts.report)
    _reports(survey)
    _codebook_editor(session.codebook)
    st.info(t(next_step(session.workshop, survey)))


def _sources_box() -> None:
    """The bundled sample, or the person's own files (any name: the readers say what they refuse)."""
    t = state.translator()
    session = state.get()
    left, right = st.columns(2, border=True)
    with left:
        st.subheader(t("data.sample_header"))
        st.write(t("data.sample_help"))
        if st.button(t("data.open_sample"), key="w_sample", icon=":material/dataset:"):
            use_sample()
    with right:
        st.subheader(t("data.upload_header"))
        survey_file = st.file_uploader(t("data.survey_upload"), key="w_survey_file")
        contacts_file = st.file_uploader(t("data.contacts_upload"), key="w_contacts_file")
        lenient = st.checkbox(t("data.lenient"), key="w_lenient")
        if st.button(t("data.read_files"), key="w_read", type="primary", disabled=survey_file is None):
            read_uploads(survey_file, contacts_file)
    session.lenient = bool(lenient)
    _engine_box()


def _engine_box() -> None:
    """Where the contact log is aggregated: DuckDB on this machine (the default), Spark, or the
    database that holds it (a URL and a table), for logs too large to upload."""
    t = state.translator()
    session = state.get()
    with st.expander(t("data.engine_header")):
        st.caption(t("data.engine_help"))
        kind = st.selectbox(t("data.engine_kind"), ENGINE_KINDS, key="w_engine_kind", placeholder=state.t("app.choose"),
                            format_func=lambda k: t(f"data.engine_{k}"))
        if kind == "duckdb":
            session.engine, session.contacts_table = "duckdb", None
        elif kind == "spark":
            address = st.text_input(t("data.engine_spark_address"), key="w_engine_spark").strip()
            session.engine, session.contacts_table = address or "spark", None
        else:
            url = st.text_input(t("data.engine_url"), key="w_engine_url", placeholder="postgresql://…").strip()
            table = st.text_input(t("data.engine_table"), key="w_engine_table").strip()
            session.engine = url or "duckdb"
            session.contacts_table = table if url and table else None


def _read_inputs() -> Any:
    """The survey and contact log after intake; None after saying why they were refused.

    Files refused on their first reading are deleted from the machine: a refused upload is not
    data anyone will use, and it may hold personal data.
    """
    from workshop_data.errors import DataError

    t = state.translator()
    session = state.get()
    try:
        with st.spinner(t("data.reading")):
            inputs = loaders.load_inputs(session.survey_path, session.contacts_path, session.codebook,
                                         lenient=session.lenient, sheet=session.sheet, engine=session.engine,
                                         contacts_table=session.contacts_table)
    except DataError as exc:
        message = localised(exc)
        if session.fresh_upload:
            uploads.discard_upload(session.survey_path)
            uploads.discard_upload(session.contacts_path)
            session.survey_path = session.contacts_path = None
            session.fresh_upload = False
            session.survey_error = message
            st.rerun()
        st.error(t("data.bad_file", message=escape_md(message)))
        return None
    except (ImportError, NotImplementedError) as exc:
        show_problem(exc)
        return None
    session.fresh_upload = False
    return inputs


def _layout(survey: Any) -> None:
    """Which sheet and header row of a workbook were read, and the picker to read another sheet."""
    layout = survey.layout
    if not layout.get("sheet"):
        return
    t = state.translator()
    st.info(t("data.sheet_read", sheet=escape_md(layout["sheet"]), row=layout["header_row"],
              n=len(survey.data)))
    sheets = list(layout.get("sheets") or [])
    if len(sheets) > 1:
        st.selectbox(t("data.sheet_pick"), [None, *sheets], key="w_sheet", placeholder=state.t("app.choose"), on_change=_sheet_chosen,
                     index=([None, *sheets].index(state.get().sheet) if state.get().sheet in sheets else 0),
                     format_func=lambda name: t("data.sheet_auto") if name is None else name)


def _sheet_chosen() -> None:
    session = state.get()
    session.sheet = st.session_state.get("w_sheet")
    session.codebook = None  # another sheet, other columns: the codebook is drafted again


def _contacts_report(report: Any) -> None:
    t = state.translator()
    st.write(t("data.contacts_ok", rows=number(report.rows, 0)))
    if report.unmatched_rows or report.bad_timestamps:
        st.warning(t("data.contacts_issues", unmatched=number(report.unmatched_rows, 0),
                     ids=number(report.unmatched_ids, 0), bad=number(report.bad_timestamps, 0)))
    if report.warnings:
        with st.expander(t("data.details")):
            for warning in report.warnings:
                st.text(localised(warning))


def next_step(workshop: Any, survey: Any) -> str:
    """The hint for what to do next: cluster this survey, or refine the workshop already built from it."""
    if workshop is None:
        return "data.next"
    built_from = {s.get("sha256") for s in workshop.sources or [] if s.get("role") == "survey"}
    return "data.next_refine" if survey.source.get("sha256") in built_from else "data.next_other"


if __name__ == "__main__":
    render()
