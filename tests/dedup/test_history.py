"""The history store across two rounds."""
from __future__ import annotations

import pytest
from dedup_texts import ELDERLY_FALL, ELDERLY_FALL_EDIT, FACTORY_QC, GOV_APPROVAL, TOURISM_GUIDE, make_sub

from pipeline.dedup import HistoryStore, find_duplicates
from pipeline.errors import InputFileError, ScreenError


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "history.sqlite"
    with HistoryStore(path) as s:
        s.add_round("2025", [make_sub("old-fall", ELDERLY_FALL, applicant="拱墅区民政局"),
                             make_sub("old-qc", FACTORY_QC, applicant="某汽车零部件公司"),
                             make_sub("old-gov", GOV_APPROVAL, applicant="市数据局")],
                    selected_ids={"old-fall", "old-qc"}, source="round-2025.jsonl")
    return path


def test_history_rounds_persist_with_selected_counts(store):
    with HistoryStore(store) as s:
        (info,) = s.rounds()
        past = s.past_scenarios()
    assert (info.round, info.n, info.selected, info.source) == ("2025", 3, 2, "round-2025.jsonl")
    assert {p.submission.id: p.selected for p in past} == {"old-fall": True, "old-qc": True, "old-gov": False}
    assert all(p.submission.round == "2025" for p in past)


def test_history_resubmission_caught_and_new_scenario_not(store, settings):
    batch = [make_sub("new-fall", ELDERLY_FALL_EDIT, applicant="拱墅区民政局", round_="2026"),
             make_sub("new-qc", FACTORY_QC, applicant="另一家零部件公司", round_="2026"),
             make_sub("new-gov", GOV_APPROVAL, round_="2026"),
             make_sub("new-tour", TOURISM_GUIDE, round_="2026")]
    with HistoryStore(store) as s:
        result = find_duplicates(batch, settings, history=s.past_scenarios())
    found = {(m.submission_id, m.past_id): m for m in result.history}
    assert set(found) == {("new-fall", "old-fall"), ("new-qc", "old-qc"), ("new-gov", "old-gov")}
    assert found[("new-fall", "old-fall")].kind == "resubmits_selected"
    assert found[("new-qc", "old-qc")].kind == "copies_selected"
    assert found[("new-gov", "old-gov")].kind == "resubmits"
    assert found[("new-fall", "old-fall")].round == "2025" and found[("new-fall", "old-fall")].selected
    assert not result.pairs  # past scenarios are not pairs of this batch


def test_history_same_round_is_not_matched_with_itself(store, settings):
    with HistoryStore(store) as s:
        past = s.past_scenarios()
    rerun = [make_sub("old-fall", ELDERLY_FALL, round_="2025")]
    assert not find_duplicates(rerun, settings, history=past).history


def test_history_second_round_added_and_replaced(store):
    with HistoryStore(store) as s:
        s.add_round("2026", [make_sub("t", TOURISM_GUIDE)], selected_ids=["t"])
        s.add_round("2026", [make_sub("t", TOURISM_GUIDE), make_sub("g", GOV_APPROVAL)])
        assert [(r.round, r.n, r.selected) for r in s.rounds()] == [("2025", 3, 2), ("2026", 2, 0)]
        assert len(s.past_scenarios(exclude_round="2025")) == 2


def test_history_bad_input_raises_with_reason(tmp_path, store):
    with HistoryStore(store) as s:
        with pytest.raises(ScreenError, match="not in round"):
            s.add_round("2027", [make_sub("a", FACTORY_QC)], selected_ids={"zzz"})
        with pytest.raises(ScreenError, match="needs a name"):
            s.add_round(" ", [make_sub("a", FACTORY_QC)])
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(InputFileError, match="not a history database"):
        HistoryStore(junk)
