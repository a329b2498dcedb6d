"""Every field of every bundled sample submission, checked against what was written into it."""
import json
import shutil

import pytest
import yaml

from pipeline.ingest import ingest
from pipeline.text import match_key, normalize
from tests.conftest import SAMPLES

ITEMS = yaml.safe_load((SAMPLES / "source" / "submissions.yaml").read_text(encoding="utf-8"))
EXPECTED = {row["key"]: row for row in map(json.loads, (SAMPLES / "expected.jsonl").read_text().splitlines())}
FORM3_TEXT = ("goals", "foundation", "effects", "problems", "next_steps")
FORM4_TEXT = ("background", "plan", "targets")


@pytest.fixture(scope="module")
def batch():
    from pipeline.config import load_settings

    return ingest([SAMPLES / "batch"], load_settings().ingest)


def _flat(text: str) -> str:
    # PDF page breaks and soft wraps move line breaks; compare the text itself.
    return normalize(text).replace("\n", "").replace(" ", "")


def _find(batch, item):
    f3 = item["form3"]
    key = (match_key(f3["name"]), match_key(f3["applicant"]))
    hits = [s for s in batch.submissions if (match_key(s.name), match_key(s.applicant)) == key
            and not any("问题文件" in src.path for src in s.sources)]
    return hits


def _legacy_unavailable(item) -> bool:
    return EXPECTED[item["key"]].get("legacy_doc") and shutil.which("soffice") is None


@pytest.mark.parametrize("item", ITEMS, ids=[i["key"] for i in ITEMS])
def test_samples_every_field_matches_what_was_written(batch, item):
    if _legacy_unavailable(item):
        entry = next(m for m in batch.manifest if m.path.endswith(f"{item['key']}_附件3_申报表.doc"))
        assert entry.status == "failed" and "LibreOffice" in entry.reason
        return
    hits = _find(batch, item)
    assert len(hits) == 1, f"{item['key']}: {len(hits)} submissions"
    sub = hits[0]
    f3, f4 = item["form3"], item.get("form4")
    assert sub.name == normalize(f3["name"])
    assert sub.location == normalize(f3["location"])
    assert sub.authority == normalize(f3["authority"])
    assert sub.city == item["city"]
    assert set(sub.declared.sub_areas) == set(f3.get("ticks") or [])
    if f3.get("other"):
        assert sub.declared.other_text == normalize(f3["other"]["text"]) or \
            sub.declared.other_text == f3["other"]["text"]
    assert sub.is_open is f3["is_open"]
    assert _flat(sub.fields.get("open_status", "")) == _flat(f3["open_text"])
    for key in FORM3_TEXT:
        assert _flat(sub.fields.get(key, "")) == _flat(f3.get(key) or ""), key
    if f4:
        assert sub.has_form("form4")
        for key in FORM4_TEXT:
            assert _flat(sub.fields.get(key, "")) == _flat(f4[key]), key
    else:
        assert not sub.has_form("form4")
    if EXPECTED[item["key"]]["summary_table"]:
        assert sub.has_form("summary")
        assert _flat(sub.fields["summary"]) == _flat(item["summary"])


SPECIAL_FINDINGS = {
    "effects_too_long": "effects_too_long", "explanation_too_long": "explanation_too_long",
    "summary_too_long": "summary_too_long", "missing_field": "field_missing", "no_form4": "form4_missing",
    "no_funding": "funding_not_stated", "several_ticked": "several_sub_areas", "none_ticked": "no_sub_area",
    "other_transport": "other_sub_area", "other_suggest": "other_sub_area", "wrong_authority": "authority_mismatch",
}


def test_samples_special_cases_raise_their_findings(batch):
    by_sub: dict[str, set[str]] = {}
    for f in batch.findings:
        by_sub.setdefault(f.submission_id, set()).add(f.code)
    for item in ITEMS:
        hits = _find(batch, item)
        if not hits:
            continue
        codes = by_sub.get(hits[0].id, set())
        for tag in item.get("special", []):
            code = SPECIAL_FINDINGS.get(tag)
            if code and not (tag == "summary_too_long" and not EXPECTED[item["key"]]["summary_table"]):
                assert code in codes, (item["key"], tag, codes)
        if "wrong_authority" not in item.get("special", []):
            assert "authority_mismatch" not in codes, item["key"]


def test_samples_broken_files_fail_with_reasons_and_batch_completes(batch):
    failed = {m.path.split("/")[-1]: m.reason for m in batch.manifest if m.status == "failed"}
    assert "空文件" in failed["空白申报表.docx"]
    assert "损坏" in failed["损坏的申报表.docx"]
    assert "损坏" in failed["传输中断的说明表.pdf"]
    assert "加密" in failed["加密的说明表.pdf"]
    assert "OCR" in failed["扫描件.pdf"]
    assert any("压缩炸弹" in r for p, r in failed.items() if "巨大文件" in p)
    assert any("越出" in r for p, r in failed.items() if "逃逸路径" in p)
    processed = {m.path.split("/")[-1] for m in batch.manifest if m.status == "processed"}
    assert "扩展名错误的申报表.pdf" in processed
    assert len(batch.submissions) >= len(ITEMS)


def test_samples_manifest_lists_every_file(batch):
    on_disk = {str(p) for p in (SAMPLES / "batch").rglob("*") if p.is_file()}
    listed = {m.path.split("!")[0] for m in batch.manifest}
    assert on_disk <= listed
