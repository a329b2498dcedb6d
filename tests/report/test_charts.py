"""Inline SVG charts."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipeline.report.charts import hbar_chart, histogram


def test_charts_bars_escape_labels_and_parse_as_svg():
    svg = hbar_chart([("<script>alert(1)</script>", 3), ("省水利厅", 1)], title="t")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = ET.fromstring(svg)
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 2


def test_charts_histogram_counts_values_in_bins():
    svg = histogram([0, 5, 55, 99.9, 100], title="h")
    counts = [int(x) for x in re.findall(r'text-anchor="middle">(\d+)</text>', svg)]
    assert counts == [2, 1, 2]  # 0–10, 50–60, and 90–100 (closed at 100)


def test_charts_empty_bar_chart_says_so():
    assert "无数据" in hbar_chart([], title="空")
