"""Forms in every layout round-trip into the submission record, field by field."""
import itertools

import pytest

from pipeline.forms_writer import FormStyle, write_form3, write_form4, write_summary_xlsx
from pipeline.ingest import ingest
from pipeline.text import normalize

CONTENT = ("goals", "foundation", "effects", "problems", "next_steps")
SECTIONS = ("background", "plan", "targets")


def _check(sub, f3, f4):
    assert sub.name == normalize(f3["name"])
    assert sub.applicant == normalize(f3["applicant"])
    assert sub.location == normalize(f3["location"])
    assert sub.authority == normalize(f3["authority"])
    assert sub.city == "绍兴市"
    assert sub.declared.sub_areas == tuple(f3["ticks"])
    assert sub.is_open is f3["is_open"]
    assert sub.fields["open_status"] == normalize(f3["open_text"])
    for key in CONTENT:
        assert sub.fields[key] == normalize(f3[key]), key
    for key in SECTIONS:
        assert sub.fields[key] == normalize(f4[key]), key
    assert sub.funding_wan == 860.0
    assert sub.missing_fields == ()


STYLES = [FormStyle(layout=layout, checkbox=cb, numbering=num, labels=labels, spaced_labels=spaced)
          for (layout, cb, num, labels, spaced) in [
              ("table", "glyph", "cn", {}, False),
              ("table", "control", "paren", {"background": "背景与意义"}, True),
              ("colon", "symbol", "arabic", {"plan": "建设方案及实施路径", "effects": "主要成效"}, False),
              ("colon", "ascii", "none", {"targets": "总体目标及预期成果", "next_steps": "下一步重点工作"}, False),
              ("table", "square", "cn", {"problems": "存在的问题"}, False),
          ]]


@pytest.mark.parametrize("style", STYLES, ids=lambda s: f"{s.layout}-{s.checkbox}-{s.numbering}")
def test_stage_docx_roundtrip_every_style(tmp_path, settings, form3_data, form4_data, style):
    write_form3(form3_data, tmp_path / "a3.docx", style)
    write_form4(form4_data, tmp_path / "a4.docx", style)
    r = ingest([tmp_path], settings.ingest)
    assert len(r.submissions) == 1
    _check(r.submissions[0], form3_data, form4_data)
    assert {s.form for s in r.submissions[0].sources} == {"form3", "form4"}


def test_stage_traditional_script_is_normalized_and_original_kept(tmp_path, settings, form3_data, form4_data):
    style = FormStyle(traditional=True)
    write_form3(form3_data, tmp_path / "a3.docx", style)
    write_form4(form4_data, tmp_path / "a4.docx", style)
    sub = ingest([tmp_path], settings.ingest).submissions[0]
    _check(sub, form3_data, form4_data)
    assert "紡織" in sub.original["name"]  # evidence keeps what the applicant wrote


@pytest.mark.slow
def test_stage_pdf_roundtrip(tmp_path, settings, form3_data, form4_data, to_pdf):
    long4 = dict(form4_data, background=form4_data["background"] * 6, plan=form4_data["plan"] * 5)
    write_form3(form3_data, tmp_path / "a3.docx", FormStyle(checkbox="control"))
    write_form4(long4, tmp_path / "a4.docx", FormStyle(numbering="cn"))
    for p in ("a3.docx", "a4.docx"):
        to_pdf(tmp_path / p)
        (tmp_path / p).unlink()
    r = ingest([tmp_path], settings.ingest)
    assert len(r.submissions) == 1, [m for m in r.manifest]
    sub = r.submissions[0]
    assert sub.name == normalize(form3_data["name"])
    assert sub.declared.sub_areas == ("manufacturing",)
    assert sub.is_open is True
    for key in CONTENT:
        assert sub.fields[key] == normalize(form3_data[key]), key
    # Page breaks inside a long cell may add a line break; the text itself must survive.
    for key in ("background", "plan"):
        assert sub.fields[key].replace("\n", "") == normalize(long4[key]).replace("\n", ""), key
    assert not [f for f in r.findings if f.code == "needs_ocr"]


def test_stage_groups_forms_despite_name_and_unit_variants(tmp_path, settings, form3_data, form4_data):
    write_form3(form3_data, tmp_path / "a3.docx")
    variant = dict(form4_data, name=form4_data["name"].replace("在线", " 在线 ") + "。",
                   owner=form4_data["owner"].replace("有限公司", "有限公司（盖章）"))
    write_form4(variant, tmp_path / "a4.docx")
    subs = ingest([tmp_path], settings.ingest).submissions
    assert len(subs) == 1 and len(subs[0].sources) == 2


def test_stage_summary_row_linked_to_its_forms(tmp_path, settings, form3_data, form4_data):
    write_form3(form3_data, tmp_path / "a3.docx")
    write_form4(form4_data, tmp_path / "a4.docx")
    rows = [{"name": form3_data["name"], "owner": form3_data["applicant"], "location": "绍兴市", "authority": "省经信厅",
             "domain": "先进制造业", "summary": "面料瑕疵AI在线检测，漏检率降至1.2%"},
            {"name": "另一个场景", "owner": "别的单位", "location": "衢州市", "authority": "省农业农村厅",
             "domain": "现代农业", "summary": "柑橘病虫害识别"}]
    write_summary_xlsx(rows, tmp_path / "汇总表.xlsx")
    subs = ingest([tmp_path], settings.ingest).submissions
    assert len(subs) == 2
    linked = next(s for s in subs if s.name == normalize(form3_data["name"]))
    assert {s.form for s in linked.sources} == {"form3", "form4", "summary"}
    assert linked.fields["summary"] == "面料瑕疵AI在线检测,漏检率降至1.2%" or "漏检率" in linked.fields["summary"]
    alone = next(s for s in subs if s.name == "另一个场景")
    assert alone.declared.sub_areas == ("agriculture",) and alone.city == "衢州市"


def test_stage_both_forms_in_one_file(tmp_path, settings, form3_data, form4_data):
    from docx import Document

    write_form3(form3_data, tmp_path / "a3.docx")
    write_form4(form4_data, tmp_path / "a4.docx")
    combined = Document(tmp_path / "a3.docx")
    for el in list(Document(tmp_path / "a4.docx").element.body):
        if not el.tag.endswith("sectPr"):
            combined.element.body.append(el)
    (tmp_path / "a3.docx").unlink()
    (tmp_path / "a4.docx").unlink()
    combined.save(tmp_path / "both.docx")
    r = ingest([tmp_path], settings.ingest)
    assert len(r.submissions) == 1
    _check(r.submissions[0], form3_data, form4_data)
    assert [s.form for s in r.submissions[0].sources] == ["form3", "form4"]


def test_stage_each_source_file_listed_once_in_manifest(tmp_path, settings, form3_data):
    for i in range(3):
        write_form3(dict(form3_data, name=f"场景{i}"), tmp_path / f"f{i}.docx")
    r = ingest([tmp_path], settings.ingest)
    assert sorted(m.path.split("/")[-1] for m in r.manifest) == ["f0.docx", "f1.docx", "f2.docx"]
    assert all(len(m.submissions) == 1 for m in r.manifest)


@pytest.mark.parametrize("n_forms", [9])
def test_stage_parallel_workers_give_same_records(tmp_path, settings, form3_data, n_forms):
    for i, cb in zip(range(n_forms), itertools.cycle(["glyph", "control", "symbol"])):
        write_form3(dict(form3_data, name=f"并行场景{i}"), tmp_path / f"f{i}.docx", FormStyle(checkbox=cb))
    from pipeline.config import load_settings

    one = ingest([tmp_path], load_settings(overrides=["ingest.workers=1"]).ingest)
    two = ingest([tmp_path], load_settings(overrides=["ingest.workers=2"]).ingest)
    assert [s.model_dump() for s in one.submissions] == [s.model_dump() for s in two.submissions]


def test_stage_legacy_doc_converted_with_libreoffice(tmp_path, settings, form3_data, to_pdf):
    write_form3(form3_data, tmp_path / "a3.docx")
    to_pdf(tmp_path / "a3.docx", "doc")
    (tmp_path / "a3.docx").unlink()
    sub = ingest([tmp_path], settings.ingest).submissions[0]
    assert sub.name == normalize(form3_data["name"])
    for key in CONTENT:
        assert sub.fields[key].replace("\n", "") == normalize(form3_data[key]).replace("\n", ""), key


def test_stage_legacy_doc_without_libreoffice_is_a_clear_failure(tmp_path, form3_data):
    from pipeline.config import load_settings

    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    s = load_settings(overrides=["ingest.libreoffice=no-such-soffice-binary"]).ingest
    r = ingest([tmp_path], s)
    assert r.manifest[0].status == "failed" and "LibreOffice" in r.manifest[0].reason
