import pytest
import yaml

from pipeline.errors import KnowledgeFileError
from pipeline.ingest.labels import load_form_labels, parse_form_labels


@pytest.fixture(scope="module")
def labels():
    return load_form_labels()


@pytest.mark.parametrize("text,key", [
    ("场景名称", "name"), ("场景名称：", "name"), ("场 景 名 称", "name"), ("一、背景及意义", "background"),
    ("（一）背景与意义", "background"), ("1. 背景和意义", "background"), ("①背景及意义", "background"),
    ("二、建设方案与实施路径（含资金投入情况）", "plan"), ("（二）建设方案及实施路径", "plan"),
    ("3．总体目标及预期成果", "targets"), ("主要成效（500字以内）", "effects"), ("下一步重点工作", "next_steps"),
    ("申报单位(加盖公章)", "applicant"), ("業主單位", "owner"), ("場景領域", "domain"), ("是否已开放应用", "open_status"),
    ("存在的问题", "problems"), ("说明材料", "explanation"),
])
def test_labels_variants_match(labels, text, key):
    assert labels.match(text) == key


@pytest.mark.parametrize("text", ["主要成效显著提升了产能", "本项目依托省级重点实验室", "", "注：上表中场景说明控制在100字以内"])
def test_labels_prose_is_not_a_label(labels, text):
    assert labels.match(text) is None


def test_labels_inline_value_after_colon(labels):
    assert labels.split_inline("申报单位：宁波港智联科技有限公司") == ("applicant", "宁波港智联科技有限公司")
    assert labels.split_inline("所在地点: 湖州市安吉县") == ("location", "湖州市安吉县")
    assert labels.split_inline("一、背景及意义：近年来……") == ("background", "近年来……")


def test_labels_bad_file_names_the_problem(tmp_path):
    with pytest.raises(KnowledgeFileError, match="unknown field key 'colour'"):
        parse_form_labels({"fields": {"colour": ["颜色"]}}, tmp_path / "x.yaml")
    with pytest.raises(KnowledgeFileError, match="given for both"):
        parse_form_labels({"fields": {"name": ["场景名称"], "summary": ["场景名称"]}}, tmp_path / "x.yaml")
    with pytest.raises(KnowledgeFileError, match="needs a mapping"):
        parse_form_labels(["not", "a", "mapping"], tmp_path / "x.yaml")


def test_labels_shipped_file_is_valid_yaml_with_required_forms():
    from pipeline.config import KNOWLEDGE_DIR

    data = yaml.safe_load((KNOWLEDGE_DIR / "form_labels.yaml").read_text(encoding="utf-8"))
    assert set(data["required"]) == {"form3", "form4", "summary"}
