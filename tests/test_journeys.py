"""Journeys: contacts by topic and channel from the contact log, per persona, kept true by the edits."""
from __future__ import annotations

import copy

import pandas as pd
import pytest

import exports
from exports import view
from exports_helpers import ten_persona_workshop, with_journeys
from personas import operations
from personas.build import load_features
from personas_helpers import built_demo
from workshop_data import journeys


@pytest.fixture(scope="module")
def demo():
    return built_demo()


def _members(ws, pid):
    return [r for r, p in ws.assignments.items() if p == pid]


def test_the_log_s_contacts_by_topic_and_channel_add_up_to_the_contact_features(demo):
    inputs = demo["inputs"]
    frame = inputs.contacts.journeys
    assert list(frame.columns) == list(journeys.COLUMNS) and not frame.empty
    per_respondent = frame.groupby("respondent_id")["contacts"].sum()
    totals = inputs.contacts.table["contacts_total"]
    assert per_respondent.reindex(totals.index, fill_value=0).astype(int).equals(totals.astype(int))
    assert set(frame["channel"]) <= {"phone", "counter", "email", "web", "mail", "chat", "social", "other"}


def test_each_persona_keeps_its_members_sums_and_rare_topics_are_pooled(demo):
    ws, frame = demo["workshop"], demo["inputs"].contacts.journeys
    for persona in ws.personas:
        members = set(_members(ws, persona.id))
        expected = int(frame[frame["respondent_id"].isin(members)]["contacts"].sum())
        assert sum(row["contacts"] for row in persona.journey) == expected
    rare = pd.DataFrame({"respondent_id": ["a", "b", "b"], "topic": ["Dossier de M. Dupont", "État civil", "État civil"],
                         "channel": ["phone", "counter", "phone"], "contacts": [1, 2, 1]})
    crowd = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(12)], "topic": ["État civil"] * 12,
                          "channel": ["phone"] * 12, "contacts": [1] * 12})
    rows = journeys.persona_journey(pd.concat([rare, crowd]), ["a", "b"], min_respondents=10)
    assert {row["topic"] for row in rows} == {journeys.OTHER, "État civil"}      # a topic few share is pooled


def test_a_merge_sums_journeys_and_a_split_counts_them_again_or_says_it_could_not(demo):
    ws = copy.deepcopy(demo["workshop"])
    p4, p5 = ws.persona("P4"), ws.persona("P5")
    merged = operations.merge(ws, "P4", "P5")                   # no source data: the counts still add up
    total = sum(r["contacts"] for r in merged.persona("P4").journey)
    assert total == sum(r["contacts"] for r in p4.journey) + sum(r["contacts"] for r in p5.journey)
    assert "journey" not in merged.persona("P4").not_recomputed
    features = load_features(ws, demo["folder"])
    assert features.journeys is not None
    split = operations.split(ws, "P1", features=features)
    new = split.personas[1]
    frame = demo["inputs"].contacts.journeys
    for persona in (split.persona("P1"), new):
        expected = int(frame[frame["respondent_id"].isin(set(_members(split, persona.id)))]["contacts"].sum())
        assert sum(r["contacts"] for r in persona.journey) == expected
    bare = copy.copy(features)
    bare.journeys = None
    blind = operations.split(ws, "P1", features=bare)
    assert all("journey" in p.not_recomputed and not p.journey for p in blind.personas[:2])
    assert "motifs de contact non recalculés" in exports.render_html(blind, persona_id="P1")


def test_the_sheet_shows_the_top_reasons_with_their_channels_and_the_front_line_card():
    ws = with_journeys(ten_persona_workshop())
    sheet = view.document_view(ws)["sheets"][0]
    reasons = sheet["journey"]
    assert 1 <= len(reasons) <= view.MAX_REASONS
    shares = [r["share"] for r in reasons]
    named = [s for r, s in zip(reasons, shares) if r["own_words"]]
    assert named == sorted(named, reverse=True)                          # largest first, pooled ones last
    assert all(r["channels"] for r in reasons)
    page = exports.render_html(ws)
    assert "Motifs de contact" in page and reasons[0]["topic"] in page
    assert "À faire au contact" in page and "À éviter" in page
    markdown = exports.render_markdown(ws, lang="en")
    assert "### Reasons for contact" in markdown and "### Avoid" in markdown
    english = view.document_view(ws, lang="en")["sheets"][0]
    assert english["journey"][0]["topic"] == reasons[0]["topic"] and english["journey_lang"] == "fr"
