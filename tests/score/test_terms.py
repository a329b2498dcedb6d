import pytest
import yaml

from pipeline.errors import KnowledgeFileError
from pipeline.score.terms import DEFAULT_TERMS, LISTS, load_terms


def _write(tmp_path, data):
    p = tmp_path / "terms.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def test_terms_shipped_file_has_every_list(terms):
    assert set(terms.lists) == set(LISTS)
    assert "large_model" in terms.ai_core and "大模型" in terms.ai_core["large_model"]
    assert "降本增效" in terms["boilerplate"]


def test_terms_a_word_in_two_families_is_refused(tmp_path):
    data = yaml.safe_load(DEFAULT_TERMS.read_text(encoding="utf-8"))
    data["ai_core"]["agent"].append("大模型")
    with pytest.raises(KnowledgeFileError, match="'大模型' is in both (agent and large_model|large_model and agent)"):
        load_terms(_write(tmp_path, data))


def test_terms_missing_and_unknown_lists(tmp_path):
    data = yaml.safe_load(DEFAULT_TERMS.read_text(encoding="utf-8"))
    del data["security"]
    with pytest.raises(KnowledgeFileError, match="missing key.*security"):
        load_terms(_write(tmp_path, data))
    data = yaml.safe_load(DEFAULT_TERMS.read_text(encoding="utf-8"))
    data["buzzwords"] = ["赋能"]
    with pytest.raises(KnowledgeFileError, match="unknown key.*buzzwords"):
        load_terms(_write(tmp_path, data))


def test_terms_duplicate_and_empty_words(tmp_path):
    data = yaml.safe_load(DEFAULT_TERMS.read_text(encoding="utf-8"))
    data["sme"] = ["中小企业", "中小企业"]
    with pytest.raises(KnowledgeFileError, match="sme lists '中小企业' twice"):
        load_terms(_write(tmp_path, data))
    data["sme"] = []
    with pytest.raises(KnowledgeFileError, match="sme must be a non-empty list"):
        load_terms(_write(tmp_path, data))
