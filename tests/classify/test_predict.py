import numpy as np
import pytest

from pipeline.classify.model import LexicalClassifier
from pipeline.classify.predict import classify_submissions, weighted_proba
from pipeline.config import ClassifySettings
from pipeline.records import DeclaredArea, Submission
from pipeline.taxonomy import load_taxonomy
from tests.classify.test_model import X, Y

TAX = load_taxonomy()
META = {"version": "test-1", "abstain_threshold": 0.5}


@pytest.fixture(scope="module")
def model():
    return LexicalClassifier(C=10).fit(X, Y)


def _sub(sid, name, goals="", declared=DeclaredArea(), **fields):
    return Submission(id=sid, name=name, fields={"goals": goals, **fields}, declared=declared)


def test_predict_hierarchy_and_routing_are_consistent(model):
    subs = [_sub("a", "水库大坝安全监测", "建设渗压与位移智能监测"), _sub("b", "县医院影像辅助诊断", "AI阅片")]
    preds, _ = classify_submissions(subs, model, META, TAX, ClassifySettings(top_k=3))
    for p in preds:
        sa = TAX.sub_area(p.sub_area)
        assert p.domain == sa.domain and p.unit == sa.unit and p.unit_name == TAX.units[sa.unit].name
        assert [t.probability for t in p.top] == sorted((t.probability for t in p.top), reverse=True)
        assert len(p.top) == 3 and p.top[0].sub_area == p.sub_area
    assert [p.sub_area for p in preds] == ["water", "health"]
    assert preds[0].unit_name == "省水利厅"


def test_predict_abstain_threshold_sends_to_a_person(model):
    subs = [_sub("a", "水库大坝安全监测")]
    never, f1 = classify_submissions(subs, model, META, TAX, ClassifySettings(abstain_threshold=0.0))
    always, f2 = classify_submissions(subs, model, META, TAX, ClassifySettings(abstain_threshold=1.01))
    assert not never[0].route_by_hand and "route_by_hand" not in {f.code for f in f1}
    assert always[0].route_by_hand and "route_by_hand" in {f.code for f in f2}


def test_predict_model_threshold_used_when_setting_is_none(model):
    subs = [_sub("a", "水库大坝安全监测")]
    p, _ = classify_submissions(subs, model, {"abstain_threshold": 1.01}, TAX, ClassifySettings())
    assert p[0].route_by_hand


def test_predict_declared_disagreement_is_flagged(model):
    subs = [_sub("a", "水库大坝渗压智能监测与洪水预报", declared=DeclaredArea(sub_areas=("health",)))]
    preds, findings = classify_submissions(subs, model, META, TAX, ClassifySettings(disagree_threshold=0.4))
    assert preds[0].disagrees_with_declared and preds[0].declared == "health"
    f = next(f for f in findings if f.code == "declared_mismatch")
    assert "医疗卫生" in f.message and "智慧水利" in f.message


def test_predict_agreeing_declaration_is_not_flagged(model):
    subs = [_sub("a", "水库大坝渗压智能监测", declared=DeclaredArea(sub_areas=("water",)))]
    preds, findings = classify_submissions(subs, model, META, TAX, ClassifySettings(disagree_threshold=0.0))
    assert not preds[0].disagrees_with_declared and not findings


def test_predict_other_box_gets_a_suggestion(model):
    declared = DeclaredArea(other_domains=("governance",), other_text="智慧河湖")
    preds, findings = classify_submissions([_sub("a", "河湖智能巡查与水库监测", declared=declared)], model, META, TAX,
                                           ClassifySettings())
    assert preds[0].suggestion_for_other == "water"
    assert any(f.code == "other_suggestion" and "智慧水利" in f.message for f in findings)


def test_predict_explanations_come_from_the_text(model):
    text = "本项目在全县建设水库大坝渗压监测网络。同时开展职工食堂改造。"
    preds, _ = classify_submissions([_sub("a", "水库监测", text)], model, META, TAX, ClassifySettings())
    assert preds[0].evidence_terms
    assert all(term.replace(" ", "") for term in preds[0].evidence_terms)
    assert preds[0].evidence_passages and "水库" in preds[0].evidence_passages[0]


def test_predict_field_weights_mix_groups(model):
    sub = _sub("a", "茶园智能灌溉", goals="县医院影像辅助诊断")
    by_name = weighted_proba(model, [sub], {"name": 1.0})
    by_goals = weighted_proba(model, [sub], {"goals": 1.0})
    mixed = weighted_proba(model, [sub], {"name": 1.0, "goals": 1.0})
    assert model.classes_[by_name.argmax()] == "agriculture" and model.classes_[by_goals.argmax()] == "health"
    assert np.allclose(mixed, (by_name + by_goals) / 2)


def test_predict_empty_batch(model):
    assert classify_submissions([], model, META, TAX, ClassifySettings()) == ([], [])
