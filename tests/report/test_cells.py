"""Formula-safe spreadsheet cells."""
from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from pipeline.report.cells import safe_cell, safe_text


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example","点击")', "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1", " =1+1"])
def test_cells_formula_text_is_prefixed_with_a_quote(text):
    assert safe_text(text) == "'" + text


def test_cells_plain_text_and_numbers_pass_through():
    assert safe_text("零工岗位匹配") == "零工岗位匹配"
    assert safe_cell(-3.5) == -3.5 and safe_cell(7) == 7 and safe_cell(None) is None


def test_cells_illegal_characters_are_dropped_and_long_text_cut():
    assert safe_text("a\x00b\x07c") == "abc"
    assert len(safe_text("字" * 40000)) == 32767
    assert safe_text("字" * 10, limit=5) == "字字字字…"


@given(st.text(max_size=60))
def test_cells_no_submission_text_becomes_a_formula(text):
    wb = Workbook()
    wb.active["A1"] = safe_cell(text)
    buf = io.BytesIO()
    wb.save(buf)
    cell = load_workbook(io.BytesIO(buf.getvalue()))["Sheet"]["A1"]
    assert cell.data_type != "f"
    assert not str(cell.value or "").lstrip(" ").startswith(("=", "+", "-", "@"))
