from copy import deepcopy

import pytest
import yaml

from pipeline.errors import KnowledgeFileError
from pipeline.score.rubric import CONDITIONS, DEFAULT_RUBRIC, dump_rubric, load_rubric, rubric_from_dict


@pytest.fixture
def raw():
    return yaml.safe_load(DEFAULT_RUBRIC.read_text(encoding="utf-8"))


def test_rubric_shipped_file_is_valid(rubric):
    assert rubric.version == "2026.1"
    assert [c.id for c in rubric.conditions] == list(CONDITIONS)
    assert [c.name for c in rubric.conditions] == list(CONDITIONS.values())
    assert abs(sum(c.weight for c in rubric.conditions) - 1) < 1e-9
    for c in rubric.conditions:
        assert abs(sum(i.weight for i in c.indicators) - 1) < 1e-9
    assert abs(sum(rubric.effective_weights().values()) - 1) < 1e-9


def test_rubric_keeps_the_schema_keys_the_web_app_reads(raw):
    assert {"version", "scale", "conditions"} <= set(raw)
    assert raw["scale"] == 100
    for c in raw["conditions"]:
        assert {"id", "name", "weight", "description", "indicators"} <= set(c)
        for i in c["indicators"]:
            assert {"id", "name", "weight", "rule", "params", "description"} <= set(i)


def test_rubric_unknown_rule_is_named(raw):
    raw["conditions"][1]["indicators"][0]["rule"] = "gut_feeling"
    with pytest.raises(KnowledgeFileError, match=r"conditions\[1\]\.indicators\[0\]\.rule.*gut_feeling"):
        rubric_from_dict(raw)


def test_rubric_indicator_weights_must_sum_to_one(raw):
    raw["conditions"][0]["indicators"][0]["weight"] = 0.9
    with pytest.raises(KnowledgeFileError, match=r"conditions\[0\]\.indicators\[\*\]\.weight.*sum to 1\.4000"):
        rubric_from_dict(raw)


def test_rubric_condition_weights_must_sum_to_one(raw):
    raw["conditions"][4]["weight"] = 0.5
    with pytest.raises(KnowledgeFileError, match=r"conditions\[\*\]\.weight.*must sum to 1"):
        rubric_from_dict(raw)


def test_rubric_duplicate_indicator_id(raw):
    raw["conditions"][2]["indicators"][1]["id"] = "ai_core_tech"
    with pytest.raises(KnowledgeFileError, match="duplicate indicator id 'ai_core_tech'"):
        rubric_from_dict(raw)


def test_rubric_duplicate_condition_id(raw):
    raw["conditions"][1]["id"] = "compliance"
    raw["conditions"][1]["name"] = "合规性"
    with pytest.raises(KnowledgeFileError, match="duplicate condition id 'compliance'"):
        rubric_from_dict(raw)


def test_rubric_missing_condition(raw):
    raw["conditions"] = raw["conditions"][:4]
    raw["conditions"][0]["weight"] = 0.3
    with pytest.raises(KnowledgeFileError, match="missing condition.*openness"):
        rubric_from_dict(raw)


def test_rubric_condition_name_must_be_the_calls(raw):
    raw["conditions"][0]["name"] = "合法性"
    with pytest.raises(KnowledgeFileError, match="named '合规性'"):
        rubric_from_dict(raw)


def test_rubric_unknown_param_and_bad_value(raw):
    bad = deepcopy(raw)
    bad["conditions"][1]["indicators"][0]["params"]["saturat"] = 3
    with pytest.raises(KnowledgeFileError, match=r"params\.saturat.*unknown parameter.*allowed: it_factor"):
        rubric_from_dict(bad)
    bad = deepcopy(raw)
    bad["conditions"][1]["indicators"][0]["params"]["saturate"] = "three"
    with pytest.raises(KnowledgeFileError, match=r"params\.saturate.*'three'"):
        rubric_from_dict(bad)


def test_rubric_negative_weight_and_missing_key(raw):
    bad = deepcopy(raw)
    bad["conditions"][0]["weight"] = -0.15
    with pytest.raises(KnowledgeFileError, match=r"conditions\[0\]\.weight.*≥ 0"):
        rubric_from_dict(bad)
    bad = deepcopy(raw)
    del bad["version"]
    with pytest.raises(KnowledgeFileError, match="version: missing"):
        rubric_from_dict(bad)


def test_rubric_scale_must_be_100(raw):
    raw["scale"] = 10
    with pytest.raises(KnowledgeFileError, match="scale"):
        rubric_from_dict(raw)


def test_rubric_unknown_penalty_key(raw):
    raw["penalties"]["plagiarism"] = 5
    with pytest.raises(KnowledgeFileError, match=r"penalties\.plagiarism"):
        rubric_from_dict(raw)


def test_rubric_params_fill_rule_defaults(raw):
    raw["conditions"][2]["indicators"][0]["params"] = {}
    r = rubric_from_dict(raw)
    q = r.conditions[2].indicators[0]
    assert q.rule == "quantified_outcomes" and q.params["saturate"] == 4


def test_rubric_dump_round_trips_and_refuses_shipped_file(rubric, tmp_path):
    path = dump_rubric(rubric, tmp_path / "copy.yaml", header="a test copy")
    again = load_rubric(path)
    assert again.to_dict() == rubric.to_dict()
    assert path.read_text(encoding="utf-8").startswith("# a test copy")
    with pytest.raises(KnowledgeFileError, match="refusing to overwrite"):
        dump_rubric(rubric, DEFAULT_RUBRIC)


def test_rubric_missing_file_is_a_knowledge_error(tmp_path):
    with pytest.raises(KnowledgeFileError, match="not found"):
        load_rubric(tmp_path / "none.yaml")
