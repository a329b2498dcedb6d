"""Each check from the notice produces its named finding, and a clean submission none."""
import pytest

from pipeline.forms_writer import write_form3, write_form4, write_summary_csv
from pipeline.ingest import ingest


def _codes(tmp_path, settings, f3=None, f4=None):
    if f3 is not None:
        write_form3(f3, tmp_path / "a3.docx")
    if f4 is not None:
        write_form4(f4, tmp_path / "a4.docx")
    r = ingest([tmp_path], settings.ingest)
    return {f.code: f for f in r.findings}


def test_checks_clean_submission_has_no_findings(tmp_path, settings, form3_data, form4_data):
    assert _codes(tmp_path, settings, form3_data, form4_data) == {}


def test_checks_required_field_empty(tmp_path, settings, form3_data, form4_data):
    f = _codes(tmp_path, settings, dict(form3_data, goals=""), form4_data)["field_missing"]
    assert f.field == "goals" and f.severity == "error" and "场景建设目标" in f.message


def test_checks_effects_over_500(tmp_path, settings, form3_data, form4_data):
    f = _codes(tmp_path, settings, dict(form3_data, effects="成效显著，" * 120), form4_data)["effects_too_long"]
    assert "600 字" in f.message and f.evidence.startswith("成效显著")


def test_checks_explanation_over_1500(tmp_path, settings, form3_data, form4_data):
    long4 = dict(form4_data, background="背景说明文字。" * 150, plan=form4_data["plan"] + "实施路径。" * 100)
    assert "explanation_too_long" in _codes(tmp_path, settings, form3_data, long4)


def test_checks_explanation_section_missing(tmp_path, settings, form3_data, form4_data):
    f4 = {k: v for k, v in form4_data.items() if k != "targets"}
    f = _codes(tmp_path, settings, form3_data, f4)
    assert f["field_missing"].field == "targets"


def test_checks_summary_over_100(tmp_path, settings):
    write_summary_csv([{"name": "某场景", "owner": "某单位", "location": "金华市", "authority": "省经信厅",
                        "domain": "先进制造业", "summary": "很长的说明" * 25}], tmp_path / "t.csv")
    r = ingest([tmp_path], settings.ingest)
    assert "summary_too_long" in {f.code for f in r.findings}


@pytest.mark.parametrize("ticks,code", [([], "no_sub_area"), (["manufacturing", "logistics"], "several_sub_areas")])
def test_checks_ticks(tmp_path, settings, form3_data, form4_data, ticks, code):
    assert code in _codes(tmp_path, settings, dict(form3_data, ticks=ticks), form4_data)


def test_checks_funding_not_stated(tmp_path, settings, form3_data, form4_data):
    f4 = dict(form4_data, plan="分三期建设，逐步推广。")
    assert "funding_not_stated" in _codes(tmp_path, settings, form3_data, f4)


def test_checks_authority_mismatch(tmp_path, settings, form3_data, form4_data):
    f = _codes(tmp_path, settings, dict(form3_data, authority="省卫生健康委"), form4_data)["authority_mismatch"]
    assert "省经信厅" in f.message and f.evidence == "省卫生健康委"


def test_checks_local_bureau_of_the_right_line_is_not_a_mismatch(tmp_path, settings, form3_data, form4_data):
    assert "authority_mismatch" not in _codes(tmp_path, settings, dict(form3_data, authority="绍兴市经信局"), form4_data)


@pytest.mark.parametrize("authority,flagged", [("省公安厅", False), ("省民政厅", True)])
def test_checks_form_alias_public_security(tmp_path, settings, form3_data, form4_data, authority, flagged):
    f3 = dict(form3_data, ticks=["public_security"], authority=authority)
    assert ("authority_mismatch" in _codes(tmp_path, settings, f3, form4_data)) is flagged


def test_checks_other_box_naming_smart_transport_routes_to_transport_unit(tmp_path, settings, form3_data, form4_data):
    f3 = dict(form3_data, ticks=[], other={"domain": "industry", "text": "智慧交通"}, authority="省交通运输厅")
    codes = _codes(tmp_path, settings, f3, form4_data)
    assert "authority_mismatch" not in codes and "no_sub_area" not in codes
    assert codes["other_sub_area"].evidence == "智慧交通"
    f3 = dict(f3, authority="省经信厅")
    assert "authority_mismatch" in _codes(tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path,
                                          settings, f3, form4_data)


def test_checks_missing_explanation_form(tmp_path, settings, form3_data):
    assert "form4_missing" in _codes(tmp_path, settings, form3_data, None)


def test_checks_open_status_unticked(tmp_path, settings, form3_data, form4_data):
    assert "open_status_unclear" in _codes(tmp_path, settings, dict(form3_data, is_open=None), form4_data)
