import pytest

from pipeline.errors import ScreenError
from pipeline.records import SourceRef
from pipeline.score.reviewers import read_reviewer_scores

from .conftest import make_sub


@pytest.fixture
def subs():
    return [make_sub("Sa1", sources=(SourceRef(path="batch/杭州市/s01_附件3_申报表.docx", form="form3"),)),
            make_sub("Sb2", sources=(SourceRef(path="batch/x.zip!丽水市/s02_附件4_说明表.pdf", form="form4"),))]


def write(tmp_path, text, encoding="utf-8"):
    p = tmp_path / "scores.csv"
    p.write_bytes(text.encode(encoding))
    return p


def test_reviewers_ids_by_submission_id_or_file_key_and_chinese_columns(tmp_path, subs):
    p = write(tmp_path, "编号,总分,合规性,创新性,实效性,示范性,开放性\ns01,88,85,85,92,85,92\nSb2,60,,,,,\ns99,50,,,,,\n",
              "gb18030")
    scores, unmatched = read_reviewer_scores(p, subs)
    assert [(s.submission_id, s.total) for s in scores] == [("Sa1", 88.0), ("Sb2", 60.0)]
    assert scores[0].conditions["innovation"] == 85.0 and scores[1].conditions == {}
    assert unmatched == ["s99"]


def test_reviewers_bad_values_and_columns_are_named(tmp_path, subs):
    with pytest.raises(ScreenError, match=r"scores.csv:3:total: '120' is outside 0–100"):
        read_reviewer_scores(write(tmp_path, "id,total\ns01,80\ns02,120\n"), subs)
    with pytest.raises(ScreenError, match="needs an id column"):
        read_reviewer_scores(write(tmp_path, "name,total\na,80\n"), subs)
    with pytest.raises(ScreenError, match="scored twice"):
        read_reviewer_scores(write(tmp_path, "id,total\ns01,80\nSa1,70\n"), subs)
