"""One call from file paths to everything the analysis needs: the typed survey and contact features.

Edges (command line, app) call :func:`load_inputs` instead of chaining readers themselves, so the
order that privacy depends on (PII dropped before anything else, contacts matched to survey ids)
is written once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .codebook import Codebook, load_codebook
from .errors import CodebookError, DataError
from .messages import msg
from .survey import Survey, load_survey

CONTACT_SAMPLE_ROWS = 20_000


@dataclass
class Inputs:
    survey: Survey
    contacts: Any | None  # workshop_data.contacts.ContactFeatures

    @property
    def contact_table(self):
        return None if self.contacts is None else self.contacts.table

    @property
    def period_days(self) -> float | None:
        return None if self.contacts is None else self.contacts.report.period_days

    def sources(self) -> list[dict]:
        out = [self.survey.source]
        if self.contacts is not None:
            out.append(self.contacts.report.source)
        return out


def resolve_codebook(
    survey_path: str | Path, codebook: Codebook | str | Path | None, contacts_path: str | Path | None
) -> Codebook | None:
    """Load the given codebook; without one, return None (load_survey infers it)."""
    if codebook is None or isinstance(codebook, Codebook):
        return codebook
    return load_codebook(codebook)


def sample_contacts(contacts_path: str | Path | None, rows: int = CONTACT_SAMPLE_ROWS, *,
                    engine: Any = None, table: str | None = None):
    """The first rows of a contact log as text, enough to infer its mapping without loading it all."""
    from . import engines
    from .contacts import read_contacts

    eng = engines.connect(engine)
    log = read_contacts(contacts_path, engine=eng, table=table)
    return engines.to_arrow(eng, log.head(rows)).to_pandas().astype("string")


def infer_mapping(contacts_path: str | Path | None, *, engine: Any = None, table: str | None = None,
                  respondent_ids: Any = None):
    """The log's mapping guessed from its first rows (and the survey's ids, which find the id column by value)."""
    from .infer import infer_contact_mapping

    sample = sample_contacts(contacts_path, engine=engine, table=table)
    sample.attrs["file"] = table or (Path(contacts_path).name if isinstance(contacts_path, (str, Path)) else None)
    return infer_contact_mapping(sample, respondent_ids)


def load_inputs(
    survey_path: str | Path,
    codebook: Codebook | str | Path | None = None,
    contacts_path: str | Path | Any = None,
    *,
    lenient: bool = False,
    min_respondents: int = 20,
    sheet: str | None = None,
    engine: Any = None,
    contacts_table: str | None = None,
    min_matched_share: float = 0.5,
) -> Inputs:
    """Read, check and scrub the survey, then aggregate the contact log onto its respondents.

    ``sheet`` chooses the sheet of a workbook survey; without it the sheet holding the table is found.
    ``engine`` runs the aggregation (see :mod:`workshop_data.engines`); with ``contacts_table`` the
    log is that table of the engine's database and ``contacts_path`` is not needed. A log whose ids
    match fewer than ``min_matched_share`` of the respondents is refused (0 accepts any log).
    """
    book = resolve_codebook(survey_path, codebook, contacts_path)
    survey = load_survey(survey_path, book, lenient=lenient, min_respondents=min_respondents, sheet=sheet)
    if contacts_path is None and contacts_table is None:
        return Inputs(survey=survey, contacts=None)
    from . import engines
    from .contacts import contact_features

    eng = engines.connect(engine)
    mapping = survey.codebook.contacts
    if mapping is None:
        mapping = infer_mapping(contacts_path, engine=eng, table=contacts_table,
                                respondent_ids=survey.data.index.to_list())
        survey.codebook.contacts = mapping
    if mapping is None:
        raise CodebookError(
            msg("contacts.mapping_unknown"), file=str(contacts_table or contacts_path),
            expected=msg("contacts.expected_mapping"),
        )
    features = contact_features(contacts_path, mapping, survey.data.index.to_list(), engine=eng,
                                table=contacts_table, id_type=survey.codebook.id_type,
                                min_matched_share=min_matched_share)
    from .journeys import respondent_journeys

    features.journeys = respondent_journeys(contacts_path, mapping, survey.data.index.to_list(), engine=eng,
                                            table=contacts_table, id_type=survey.codebook.id_type)
    return Inputs(survey=survey, contacts=features)


__all__ = ["Inputs", "load_inputs", "infer_mapping", "sample_contacts", "DataError"]
