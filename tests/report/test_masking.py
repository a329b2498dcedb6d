"""Masking of phone and ID numbers (report.show_pii = false)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.report.masking import mask_pii, mask_tree


@pytest.mark.parametrize("text, expected", [
    ("手机13905733321，", "手机139****3321，"),
    ("手机 139-0573-3321", "手机 139-****-3321"),
    ("+86 139 0573 3321", "+86 139 **** 3321"),
    ("身份证号330481198806150028。", "身份证号330481********0028。"),
    ("身份证33048119880615002X号", "身份证330481********002X号"),
    ("电话：0571-87054876；", "电话：0571-****4876；"),
    ("（0571）87054876", "（0571）****4876"),
    ("电话057187054876", "电话0571****4876"),
    ("联系电话：01087054876", "联系电话：010****4876"),
])
def test_masking_hides_phone_and_id_numbers(text, expected):
    assert mask_pii(text) == expected


@pytest.mark.parametrize("text", [
    "项目总投资2350万元，年节约人工成本约260万元。",
    "2024年完成34座水库和80座重点山塘的视频监控。",
    "累计阅片316000例，准确率0.9876543。",
    "编号0000000001",  # a serial number with no phone word before it
    "申报编号S1391234567",
    "20231390573332",  # 14 digits: not a mobile inside a longer number
])
def test_masking_leaves_other_numbers_alone(text):
    assert mask_pii(text) == text


def test_masking_tree_keeps_keys_and_identifiers():
    tree = {"id": "S0571870548", "fields": {"13905733321": "电话0571-87054876"}, "items": ("13905733321", 3)}
    assert mask_tree(tree) == {"id": "S0571870548", "fields": {"13905733321": "电话0571-****4876"},
                               "items": ("139****3321", 3)}


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
ids = st.from_regex(r"[1-9][0-9]{16}[0-9X]", fullmatch=True)
prose = st.text(alphabet="项目联系人电话手机号，。：的在 ", max_size=20)


@given(prose, st.one_of(mobiles, ids), prose)
def test_masking_never_leaves_a_number_whole(before, number, after):
    masked = mask_pii(before + number + after)
    assert number not in masked
    assert len(masked) == len(before + number + after)  # the shape is kept
    assert mask_pii(masked) == masked  # idempotent
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", masked)
