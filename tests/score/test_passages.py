from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.score.passages import (find_pii, mask_pii, passages, snippet, split_sentences, unwrap)

from .conftest import make_sub


def test_passages_boilerplate_without_numbers_is_dropped(terms):
    sub = make_sub(fields={"effects": "深入贯彻落实省委决策部署，降本增效成效显著。检出率由91%提升至99%。"})
    items = passages(sub, terms)
    assert [p.text for p in items] == ["检出率由91%提升至99%。"]
    every = passages(sub, terms, keep_boilerplate=True)
    assert [p.boilerplate for p in every] == [True, False]


def test_passages_policy_phrase_is_blanked_in_a_kept_sentence(terms):
    sub = make_sub(fields={"effects": "推动降本增效，年节约成本820万元。"})
    (p,) = passages(sub, terms)
    assert "降本增效" not in p.masked and len(p.masked) == len(p.text)
    assert "820万元" in p.masked


def test_passages_results_plans_and_context(terms):
    sub = make_sub(fields={"effects": "检出率提升到99%。下步拟开放给10家企业。", "targets": "废品率降至3%。",
                           "background": "行业平均废品率为5%。"})
    kinds = {p.text: p.kind for p in passages(sub, terms)}
    assert kinds == {"检出率提升到99%。": "result", "下步拟开放给10家企业。": "plan", "废品率降至3%。": "plan",
                     "行业平均废品率为5%。": "context"}


def test_passages_virtual_is_not_a_plan(terms):
    sub = make_sub(fields={"foundation": "已建成虚拟仿真实训室2间。"})
    assert passages(sub, terms)[0].kind == "result"


def test_passages_pdf_line_wraps_are_rejoined():
    assert unwrap("形成\n科技成果智能评估规范1项。\n二、下一段") == "形成科技成果智能评估规范1项。\n二、下一段"
    assert split_sentences("形成\n规范1项；打造平台。") == ["形成规范1项；", "打造平台。"]


def test_passages_snippet_is_short_and_from_the_text():
    text = "甲" * 60 + "缺陷检出率由91%提升至99.6%" + "乙" * 60
    start = text.index("缺陷")
    s = snippet(text, start, start + 16, 80)
    assert len(s) <= 80 and "缺陷检出率由91%提升至99.6%" in s
    assert s.startswith("…") and s.endswith("…")
    assert s.strip("…") in text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="甲乙丙，。1", min_size=0, max_size=200), st.integers(0, 199), st.integers(1, 30),
       st.integers(20, 80))
def test_passages_snippet_never_exceeds_limit(text, start, span, limit):
    text = text.strip()
    start = min(start, len(text))
    end = min(len(text), start + span)
    s = snippet(text, start, end, limit)
    assert len(s) <= limit
    assert s.strip("…") in text


def test_passages_pii_is_found_and_masked():
    sub = make_sub(fields={"foundation": "联系人手机13905733321，身份证号330481198806150028。"})
    found = {v for _, v in find_pii(sub)}
    assert found == {"13905733321", "330481198806150028"}
    masked = mask_pii("手机13905733321，身份证号330481198806150028")
    assert "13905733321" not in masked and "139****3321" in masked
    assert "330481198806150028" not in masked and "3304**********0028" in masked
