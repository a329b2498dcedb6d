import pytest

from pipeline.ingest.blocks import Block
from pipeline.ingest.clean import drop_page_furniture, is_page_number
from pipeline.ingest.funding import total_funding


@pytest.mark.parametrize("line", ["- 3 -", "— 12 —", "第 2 页", "第2页 共5页", "3/5", "Page 4 of 9", "7"])
def test_clean_page_numbers(line):
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["2026年底前推广至30家企业", "一、背景及意义", "3.5万元"])
def test_clean_content_is_not_a_page_number(line):
    assert not is_page_number(line)


def test_clean_running_header_on_three_pages_is_dropped():
    blocks = []
    for page in (1, 2, 3):
        blocks += [Block(("浙江省人工智能+典型应用场景申报材料",), page=page), Block((f"正文第{page}段",), page=page),
                   Block((f"- {page} -",), page=page)]
    kept = [b.text for b in drop_page_furniture(blocks)]
    assert kept == ["正文第1段", "正文第2段", "正文第3段"]


def test_clean_rows_are_never_dropped():
    row = Block(("场景名称", "x"), is_row=True, page=1)
    assert drop_page_furniture([row, row, row]) == [row, row, row]


@pytest.mark.parametrize("text,total", [
    ("项目总投资1280万元，其中硬件600万元。", 1280.0),
    ("累计投入资金2.5亿元。", 25000.0),
    ("计划投资 3,600万元，已到位1200万元", 3600.0),
    ("申请省级补助资金50万元，企业自筹150万元", 150.0),
    ("设备采购费用800000元", 80.0),
])
def test_funding_total(text, total):
    assert total_funding(text)[0] == total


def test_funding_numbers_without_money_words_are_ignored():
    assert total_funding("年节约成本260万元，产值提升12%") == (None, [])
