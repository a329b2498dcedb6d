import pytest

from pipeline.ingest.checkboxes import parse_declared, parse_open_status
from pipeline.taxonomy import load_taxonomy

TAX = load_taxonomy()
LINE = "人工智能+产业升级类应用场景：{a}先进制造业 {b}现代农业 {c}智慧物流 {d}其他（请注明）：{other}"


@pytest.mark.parametrize("on,off", [("☑", "☐"), ("☒", "□"), ("■", "□"), ("√", "□"), ("✓", "☐"), ("[x]", "[ ]"),
                                    ("[√]", "[ ]"), ("✔", "☐")])
def test_checkboxes_every_glyph_kind(on, off):
    d = parse_declared(LINE.format(a=off, b=on, c=off, d=off, other=""), TAX)
    assert d.sub_areas == ("agriculture",)
    assert d.other_domains == ()


def test_checkboxes_none_ticked():
    d = parse_declared(LINE.format(a="☐", b="☐", c="☐", d="☐", other=""), TAX)
    assert d.sub_areas == () and d.other_domains == ()


def test_checkboxes_several_ticked():
    d = parse_declared(LINE.format(a="☑", b="☐", c="☑", d="☐", other=""), TAX)
    assert d.sub_areas == ("manufacturing", "logistics")


def test_checkboxes_other_with_text_and_domain():
    d = parse_declared(LINE.format(a="☐", b="☐", c="☐", d="☑", other="智慧交通"), TAX)
    assert d.sub_areas == ()
    assert d.other_domains == ("industry",)
    assert d.other_text == "智慧交通"


def test_checkboxes_form_aliases_resolve():
    text = "人工智能+社会治理类应用场景：☐政务服务 ☑公共安全\n人工智能+民生服务类应用场景：☑养老托育 ☐医疗卫生"
    assert parse_declared(text, TAX).sub_areas == ("public_security", "elderly_care")


def test_checkboxes_plain_answer_without_boxes():
    assert parse_declared("智慧水利", TAX).sub_areas == ("water",)
    assert parse_declared("醫療衛生", TAX).sub_areas == ("health",)


@pytest.mark.parametrize("text,expected", [
    ("☑ 是 已向12家企业开放\n☐ 否", (True, "已向12家企业开放")),
    ("☐ 是\n☑ 否 拟于明年开放", (False, "拟于明年开放")),
    ("■是：开放给园区企业 □否", (True, "开放给园区企业")),
])
def test_checkboxes_open_status(text, expected):
    assert parse_open_status(text) == expected


def test_checkboxes_open_status_unclear():
    assert parse_open_status("☐ 是 ☐ 否")[0] is None
