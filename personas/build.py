"""From a survey (and contact features) to a workshop ready for its first session.

Clusters from the data alone, then names each cluster (an archetype's name from the typology when
the data support it, else words drawn from its own distinguishing features), drafts the
narrative, proposes quotes from the persona's own scrubbed answers (nearest its centre first), and
records where everything came from: file names and hashes, never the data. :func:`load_features`
is the way back, from a saved workshop to the feature matrix that merge, split and move need.
"""
from __future__ import annotations

import math
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

import numpy as np

from clustering.result import Progress, no_progress
from workshop_data.errors import WorkshopFileError
from workshop_data.files import sha256_of
from workshop_data.formats import format_date
from workshop_data.messages import msg

from .i18n import Translator
from .model import Persona, Workshop
from .narrative import draft_narrative, pick_quote
from .operations import profile_stats
from .quotes import N_QUOTE_CANDIDATES, quote_candidates, survey_texts  # noqa: F401 (assign reads them here)

if TYPE_CHECKING:
    import pandas as pd

    from clustering.encoding import FeatureMatrix

    from .archetypes import Typology
    from .sources import SourceFeatures
    from workshop_data.contacts import ContactFeatures
    from workshop_data.survey import Survey


def _finite(value: Any) -> Any:
    """Plain values with NaN and infinities as None: the file must compare equal once reloaded."""
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _unique_names(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        candidate, n = name, 2
        while candidate in out:
            candidate, n = f"{name} ({n})", n + 1
        out.append(candidate)
    return out


def build_workshop(survey: "Survey", contacts: "ContactFeatures | None" = None, *, k: int | str = "auto",
                   method: str = "default", seed: int = 0, lang: str = "fr", title: str | None = None,
                   min_size: int = 10, bootstrap: int = 20, k_range: tuple[int, int] | None = None,
                   typology: "Typology | None" = None, progress: Progress = no_progress) -> Workshop:
    """Cluster the survey into personas and draft everything a workgroup starts from.

    ``typology`` (default: the built-in one) only names the clusters, afterwards; the workshop
    records it in ``settings["typology"]`` so later edits and exports use the same names.
    """
    from clustering.encoding import encode_with_state
    from clustering.pipeline import DEFAULT_K_RANGE, cluster
    from workshop_data.codebook import Codebook
    from workshop_data.journeys import persona_journey

    from .archetypes import LANGS, builtin_typology, data_names, match_archetypes, typology_record
    from .store import now, now_iso

    t = Translator(lang)
    lang = t.lang
    table = None if contacts is None else contacts.table
    period_days = None if contacts is None else contacts.report.period_days

    def scaled(fraction: float, message: str) -> None:
        progress(0.9 * fraction, message)

    typology = typology or builtin_typology()
    result = cluster(survey, table, k=k, method=method, seed=seed, bootstrap=bootstrap, min_size=min_size,
                     k_range=tuple(k_range or DEFAULT_K_RANGE), period_days=period_days, progress=scaled)
    progress(0.92, t("build.progress.personas"))
    matches = match_archetypes(result.profiles, typology)
    pids = [f"P{i + 1}" for i in range(len(result.profiles))]
    pid_of = {profile.cluster: pid for profile, pid in zip(result.profiles, pids)}
    features = encode_with_state(survey, table, result.model["encoder"])
    labels = result.labels
    apart = persona_separations(features, labels, pid_of)
    in_each = {}  # the drafted names in both languages: a document in the other one prints them
    for language in LANGS:
        drafted = data_names(result.profiles, language, typology, encoder=result.model["encoder"],
                             separations=[apart.get(pid, {}).get("features") for pid in pids])
        in_each[language] = _unique_names([typology.get(m.archetype).name.get(language, m.archetype)
                                           if m.archetype else name for m, name in zip(matches, drafted)])
    names = in_each[lang]
    personas = []
    for index, (profile, match, pid, name) in enumerate(zip(result.profiles, matches, pids, names)):
        members = [str(r) for r in labels.index[labels.to_numpy() == profile.cluster]]
        persona = Persona(id=pid, name=name, archetype=match.archetype,
                          archetype_fit=float(match.fit) if match.archetype else None, **profile_stats(profile),
                          separation=apart.get(pid, {}),
                          drafted_name={language: in_each[language][index] for language in LANGS})
        candidates = quote_candidates(survey, features, members, persona.centroid)
        archetype = typology.get(match.archetype)
        narrative = draft_narrative(persona, archetype, lang, figures=persona.size >= int(min_size),
                                    codebook=survey.codebook)
        for key, value in narrative.items():
            setattr(persona, key, value)
        persona.quote_candidates = candidates
        persona.quote = pick_quote(candidates, persona, taken=[p.quote for p in personas])
        persona.journey = persona_journey(None if contacts is None else contacts.journeys, members,
                                          min_respondents=int(min_size))
        personas.append(persona)
    progress(0.97, t("build.progress.workshop"))
    model = _finite(dict(result.model))
    model["labels"] = list(pids)
    settings = _finite({**result.settings, "period_days": period_days, "messages": list(result.messages),
                        "typology": typology_record(typology),
                        # a title nobody chose: documents put the organisation and the date instead
                        "title_drafted": title is None})
    sources = [dict(survey.source)] + ([dict(contacts.report.source)] if contacts is not None else [])
    privacy = _finite({**survey.privacy.to_dict(), "quality": _quality_counts(survey, contacts)})
    stamp = now_iso()
    codebook: Codebook = survey.codebook
    ws = Workshop(
        title=title if title is not None else t("build.title", date=format_date(now().date(), lang, "long")),
        personas=personas,
        assignments={str(rid): pid_of[label] for rid, label in labels.items()},
        lang=lang,
        created=stamp,
        updated=stamp,
        sources=_finite(sources),
        codebook=_finite(codebook.to_dict()),
        settings=settings,
        k_table=_finite(list(result.k_table)),
        model=model,
        privacy=privacy,
        min_group_size=int(min_size),
    )
    progress(1.0, t("build.progress.done"))
    return ws


def persona_separations(features: "FeatureMatrix", labels: "pd.Series", pid_of: dict) -> dict[str, dict]:
    """Each persona's ``separation`` (see :class:`~personas.model.Persona`), keyed by persona id:
    its nearest persona and what divides them (:func:`clustering.profiles.separations`). ``labels``
    holds any labelling of the respondents, ``pid_of`` maps its labels to persona ids; the
    workshop operations call it again after a merge, a split or a move."""
    from clustering.profiles import separations

    out = {}
    for label, found in separations(features, labels).items():
        out[pid_of[label]] = _finite({"nearest": pid_of[found["nearest"]], "features": found["features"]})
    return out


def _quality_counts(survey: "Survey", contacts: "ContactFeatures | None") -> dict[str, Any]:
    """Counts only: warnings may quote values, and nothing personal goes in the workshop file."""
    quality = survey.quality
    out: dict[str, Any] = {
        "warnings": len(quality.warnings),
        "made_missing": dict(quality.made_missing),
        "skipped": dict(quality.skipped),
    }
    if contacts is not None:
        report = contacts.report
        out["contacts"] = {
            "rows": int(report.rows), "matched_rows": int(report.matched_rows),
            "unmatched_rows": int(report.unmatched_rows), "unmatched_ids": int(report.unmatched_ids),
            "bad_timestamps": int(report.bad_timestamps), "period_days": float(report.period_days),
        }
    return out


# --------------------------------------------------------------------------------------------
# Back from a saved workshop to its data


def _source(ws: Workshop, role: str) -> dict[str, Any] | None:
    return next((s for s in ws.sources if s.get("role") == role), None)


def _inside(folder: Path, name: Any, role: str, workshop_file: str | None) -> Path:
    """The source file named in the workshop, which must sit in the workshop's own folder."""
    text = str(name or "")
    unsafe = (
        not text or "\x00" in text
        or PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute()
        or ".." in PurePosixPath(text.replace("\\", "/")).parts
    )
    folder = Path(folder).resolve()
    path = (folder / text).resolve() if not unsafe else None
    if path is None or not path.is_relative_to(folder):
        raise WorkshopFileError(msg(f"edit.{role}_outside"), file=workshop_file,
                                expected=msg("edit.expected_inside"), found=text)
    return path


def _checked(path: Path, recorded: dict[str, Any] | None, role: str, workshop_file: str | None) -> Path:
    if not path.is_file():
        raise WorkshopFileError(msg(f"edit.{role}_missing"), file=str(path), expected=msg(f"edit.expected_{role}"))
    wanted = (recorded or {}).get("sha256")
    if wanted and sha256_of(path) != wanted:
        raise WorkshopFileError(msg(f"edit.{role}_changed"), file=str(path), expected=f"sha256 {wanted[:12]}…")
    return path


def load_features(ws: Workshop, folder: str | Path, *, survey_path: str | Path | None = None,
                  contacts_path: str | Path | None = None) -> "SourceFeatures":
    """Re-read the workshop's sources and encode them exactly as at clustering time.

    Sources are looked up by name in ``folder`` (the workshop file's folder) unless given; names
    that are absolute or lead outside the folder are refused; each file's hash must match the one
    recorded, so the features describe the very respondents the workshop was built from. The
    scrubbed free-text answers come along (:class:`~personas.sources.SourceFeatures`), for the
    edits to draw their personas' quotes from.
    """
    from clustering.encoding import encode_with_state
    from workshop_data.codebook import Codebook
    from workshop_data.survey import load_survey

    workshop_file = str(folder)
    survey_source = _source(ws, "survey")
    if survey_path is None:
        if survey_source is None:
            raise WorkshopFileError(msg("edit.no_survey_source"), expected=msg("edit.expected_survey_source"))
        survey_path = _inside(Path(folder), survey_source.get("name"), "survey", workshop_file)
    survey_path = _checked(Path(survey_path), survey_source, "survey", workshop_file)
    if not ws.codebook:
        raise WorkshopFileError(msg("edit.no_codebook"))
    codebook = Codebook.from_dict(ws.codebook)
    survey = load_survey(survey_path, codebook, lenient=True, min_respondents=1)
    table = journeys = None
    contacts_source = _source(ws, "contacts")
    if contacts_source is not None or contacts_path is not None:
        from workshop_data.contacts import contact_features

        if contacts_path is None:
            contacts_path = _inside(Path(folder), contacts_source.get("name"), "contacts", workshop_file)
        contacts_path = Path(contacts_path)
        if contacts_path.is_file():
            _checked(contacts_path, contacts_source, "contacts", workshop_file)
        if codebook.contacts is None:
            raise WorkshopFileError(msg("edit.no_contacts_mapping"))
        found = contact_features(contacts_path, codebook.contacts, survey.data.index.to_list(), id_type=codebook.id_type)
        wanted = (contacts_source or {}).get("sha256")
        if wanted and found.report.source.get("sha256") != wanted:
            raise WorkshopFileError(msg("edit.contacts_changed"), file=str(contacts_path),
                                    expected=f"sha256 {wanted[:12]}…")
        table = found.table
        if codebook.contacts.topic:
            from workshop_data.journeys import respondent_journeys

            journeys = respondent_journeys(contacts_path, codebook.contacts, survey.data.index.to_list(),
                                           id_type=codebook.id_type)
    if not ws.model.get("encoder"):
        raise WorkshopFileError(msg("edit.no_encoder"))
    from .sources import SourceFeatures

    return SourceFeatures.of(encode_with_state(survey, table, ws.model["encoder"]), survey_texts(survey), journeys)
