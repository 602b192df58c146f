"""Why and how people contact the service: contacts by topic and channel, from the contact log.

A persona sheet's journey section ("Reasons for contact: civil status, mostly by phone...") needs
the log's topics crossed with its channels, per persona. :func:`journey_expr` is one Ibis
expression, like :func:`workshop_data.contacts.features_expr` and built from the same parts (ids
trimmed, channels mapped, contacts with an unreadable timestamp left out), so it runs on the same
engines and counts the same contacts; :func:`respondent_journeys` runs it for the survey's
respondents and brings back one small table (respondent, topic, channel, count).

The workshop keeps only each persona's sums (:func:`persona_journey`), never a respondent's row.
A topic fewer than ``min_respondents`` respondents contacted the service about is pooled into
"other topics" (an empty topic): a rare topic in a free-text column could point at a person.
Counts add up, so a merge sums two journeys exactly (:func:`sum_journeys`).
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import pandas as pd

from . import engines, timestamps
from .codebook import CHANNELS, ContactMapping

COLUMNS = ("respondent_id", "topic", "channel", "contacts")
#: The topic of contacts whose topic is pooled (too rare) or not recorded.
OTHER = ""


def journey_expr(table: Any, mapping: ContactMapping, shapes: Sequence[timestamps.Shape] = (),
                 calendar: Any = None, *, window: tuple[int, int] | None = None, id_type: str = "text") -> Any:
    """Contacts per respondent id, topic and channel (its place in CHANNELS), over a raw contact table.

    Only the contacts the contact features count are counted (a readable timestamp inside the
    plausible ``window``, ids in the same canonical form: see
    :func:`workshop_data.contacts.features_expr`), so a persona's journey adds up to its contacts;
    a contact without a topic counts under an empty one.
    """
    import ibis

    from .contacts import _check_columns, _normalised

    _check_columns(table, mapping, file=None)
    if calendar is None:
        calendar = ibis.memtable(timestamps.calendar_table())
    if window is None:
        window = timestamps.window_days(mapping.period)
    log = timestamps.with_moments(_normalised(table, mapping, shapes, id_type), calendar, ["rid", "topic", "channel"],
                                  window)
    log = log.filter(log.seconds.notnull())
    return (log.group_by(respondent_id=log.rid, topic=log.topic.fill_null(OTHER), channel=log.channel)
            .aggregate(contacts=log.count()))


def respondent_journeys(source: Any, mapping: ContactMapping, respondent_ids: Sequence[str], *,
                        engine: Any = None, table: str | None = None, id_type: str = "text") -> pd.DataFrame | None:
    """The survey's respondents' contacts by topic and channel (COLUMNS; channel as its name), or
    None when the log records no topic. Only ids of the survey come back: the rest stay on the engine."""
    from .contact_log import open_log
    from .contacts import _run, _timestamp_shapes

    if not mapping.topic:
        return None
    eng = engines.connect(engine)
    log = open_log(source, eng, table=table)
    try:
        import pyarrow as pa

        ids = pd.unique(pd.Series([str(i) for i in respondent_ids], dtype=object))
        wanted = engines.upload(eng, pa.table({"wanted_id": pa.array(list(ids), type=pa.string())}))
        per_id = journey_expr(log.table, mapping, _timestamp_shapes(eng, log, mapping),
                              engines.upload(eng, timestamps.calendar_table()), id_type=id_type)
        kept = per_id.inner_join(wanted, per_id.respondent_id == wanted.wanted_id).select(*COLUMNS)
        frame = _run(eng, kept, log.name).to_pandas()
    finally:
        log.close()
    frame["channel"] = [CHANNELS[int(c)] if 0 <= int(c) < len(CHANNELS) else "other" for c in frame["channel"]]
    frame["respondent_id"] = frame["respondent_id"].astype(str)
    frame["topic"] = frame["topic"].astype(str)
    frame["contacts"] = frame["contacts"].astype("int64")
    return frame.loc[:, list(COLUMNS)].sort_values(list(COLUMNS[:3]), ignore_index=True)


def pooled(journeys: pd.DataFrame, min_respondents: int) -> pd.DataFrame:
    """``journeys`` with every topic fewer than ``min_respondents`` respondents share set to OTHER."""
    reach = journeys.groupby("topic")["respondent_id"].nunique()
    rare = set(reach.index[reach < min_respondents])
    if not rare:
        return journeys
    out = journeys.copy()
    out.loc[out["topic"].isin(rare), "topic"] = OTHER
    return out


def persona_journey(journeys: pd.DataFrame | None, members: Iterable[str], *,
                    min_respondents: int) -> list[dict[str, Any]]:
    """A persona's journey: its members' contacts by topic and channel, summed, largest first.

    Topics are pooled over the whole survey (:func:`pooled`), so every persona pools the same ones.
    """
    if journeys is None or journeys.empty:
        return []
    frame = pooled(journeys, min_respondents)
    mine = frame[frame["respondent_id"].isin({str(m) for m in members})]
    return _rows(mine.groupby(["topic", "channel"], as_index=False)["contacts"].sum())


def sum_journeys(*journeys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two or more personas' journeys added up (a merge): exact, as counts are."""
    frame = pd.DataFrame([row for journey in journeys for row in journey], columns=list(COLUMNS[1:]))
    if frame.empty:
        return []
    return _rows(frame.groupby(["topic", "channel"], as_index=False)["contacts"].sum())


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    frame = frame[frame["contacts"] > 0].sort_values(["contacts", "topic", "channel"], ascending=[False, True, True])
    return [{"topic": str(t), "channel": str(c), "contacts": int(n)}
            for t, c, n in frame[["topic", "channel", "contacts"]].itertuples(index=False)]


def top_reasons(journey: list[dict[str, Any]], limit: int = 5) -> list[dict[str, Any]]:
    """The topics with the most contacts (pooled topics last), each with its contacts and its channels
    by volume: [{"topic", "contacts", "share", "channels": [(channel, contacts), ...]}]."""
    total = sum(int(r["contacts"]) for r in journey)
    by_topic: dict[str, dict[str, int]] = {}
    for row in journey:
        channels = by_topic.setdefault(str(row["topic"]), {})
        channels[str(row["channel"])] = channels.get(str(row["channel"]), 0) + int(row["contacts"])
    ranked = sorted(by_topic.items(), key=lambda kv: (kv[0] == OTHER, -sum(kv[1].values()), kv[0]))
    return [{"topic": topic, "contacts": sum(channels.values()),
             "share": sum(channels.values()) / total if total else 0.0,
             "channels": sorted(channels.items(), key=lambda kv: (-kv[1], CHANNELS.index(kv[0])
                                                                  if kv[0] in CHANNELS else 99))}
            for topic, channels in ranked[:limit]]
