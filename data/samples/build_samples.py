"""Build the bundled sample batch (data/samples/batch/) from data/samples/source/submissions.yaml.

The prose is hand-written in the YAML; this script only lays it out the way applicants do:
DOCX forms in several styles (tables or "label：value" paragraphs, typed glyphs, Word
content-control or symbol-font check boxes, numbered or plain section headings, label
variants, Traditional script), PDFs converted from them with LibreOffice, two city summary
tables (XLSX with a title row, GBK CSV), one city's files zipped, and a handful of broken
files. Run it again after editing the YAML:

    python data/samples/build_samples.py          # needs LibreOffice (soffice) and pypdf

The batch is committed, so screening the samples needs neither.
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import yaml

from pipeline.forms_writer import FormStyle, write_form3, write_form4, write_summary_csv, write_summary_xlsx

HERE = Path(__file__).parent
SOURCE = HERE / "source" / "submissions.yaml"
BATCH = HERE / "batch"
EXPECTED = HERE / "expected.jsonl"

CHECKBOXES = ["glyph", "control", "symbol", "ascii", "square"]
NUMBERING = ["cn", "paren", "arabic", "none"]
LABEL_VARIANTS = [
    {},
    {"background": "背景与意义", "plan": "建设方案及实施路径（含资金投入情况）"},
    {"effects": "主要成效", "goals": "建设目标", "next_steps": "下一步重点工作"},
    {"background": "项目背景及意义", "targets": "总体目标及预期成果", "problems": "存在的问题"},
]
ZIPPED_CITY = "丽水市"
XLSX_CITY = "杭州市"
CSV_CITY = "宁波市"


def style_for(i: int, item: dict) -> FormStyle:
    return FormStyle(
        layout="colon" if i % 7 == 3 else "table",
        checkbox=CHECKBOXES[i % len(CHECKBOXES)],
        numbering=NUMBERING[i % len(NUMBERING)],
        labels=LABEL_VARIANTS[i % len(LABEL_VARIANTS)],
        spaced_labels=(i % 9 == 4),
        traditional=item.get("script") == "traditional",
    )


def as_pdf(i: int) -> bool:
    return i % 5 in (1, 3)  # two in five scenarios arrive as PDF


def convert_to_pdf(docs: list[Path]) -> None:
    convert_with_soffice(docs, "pdf")
    for d in docs:
        d.unlink()


def convert_with_soffice(docs: list[Path], target: str) -> None:
    soffice = shutil.which("soffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is needed to build the PDF samples: "
                         "apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    by_dir: dict[Path, list[Path]] = {}
    for d in docs:
        by_dir.setdefault(d.parent, []).append(d)
    with tempfile.TemporaryDirectory() as profile:
        for folder, files in by_dir.items():
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", target,
                            "--outdir", str(folder), *map(str, files)], check=True, capture_output=True, timeout=600)


def build_broken(folder: Path, good_docx: Path, good_pdf: Path) -> list[dict]:
    """Files a real batch contains by mistake; each must fail with a clear reason."""
    folder.mkdir(parents=True, exist_ok=True)
    broken = []

    def add(name: str, data: bytes, why: str) -> None:
        (folder / name).write_bytes(data)
        broken.append({"file": name, "expect": why})

    add("空白申报表.docx", b"", "empty")
    add("损坏的申报表.docx", b"PK\x03\x04" + bytes(range(256)) * 8, "corrupt")
    pdf = good_pdf.read_bytes()
    add("传输中断的说明表.pdf", pdf[: len(pdf) // 3], "truncated")
    add("扩展名错误的申报表.pdf", good_docx.read_bytes(), "wrong extension (a DOCX named .pdf) - read as DOCX")
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        w.add_page(page)
    w.encrypt(user_password="zj2026", owner_password="zj2026-owner")
    buf = io.BytesIO()
    w.write(buf)
    add("加密的说明表.pdf", buf.getvalue(), "encrypted")
    add("扫描件.pdf", _scanned_pdf(), "no text layer - needs OCR")
    add("说明.txt", "本文件夹为温州市报送材料，共计若干份，请查收。\n联系人：办公室".encode("gb18030"),
        "GBK text with no form fields")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("申报材料/巨大文件.docx", b"\0" * (60 * 1024 * 1024))
        zf.writestr("../../逃逸路径.docx", good_docx.read_bytes())
        zf.writestr("申报材料/正常的申报表.docx", good_docx.read_bytes())
    add("可疑压缩包.zip", bomb.getvalue(), "zip bomb member + path escaping the archive + one good member")
    return broken


def _scanned_pdf() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.27, 11.69))
    ax.axis("off")
    for k in range(30):  # ruled lines of a scanned form, no text layer
        ax.plot([0.05, 0.95], [0.05 + k * 0.03] * 2, color="black", lw=0.5)
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    plt.close(fig)
    return buf.getvalue()


def main() -> None:
    items = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    if BATCH.exists():
        shutil.rmtree(BATCH)
    BATCH.mkdir(parents=True)
    expected = []
    to_pdf: list[Path] = []
    summaries: dict[str, list[dict]] = {XLSX_CITY: [], CSV_CITY: []}
    first_docx = None
    for i, item in enumerate(items):
        city = item["city"]
        folder = BATCH / city
        folder.mkdir(exist_ok=True)
        st = style_for(i, item)
        f3 = item.get("form3")
        f4 = item.get("form4")
        files = []
        if f3:
            p3 = folder / f"{item['key']}_附件3_申报表.docx"
            write_form3(f3, p3, st)
            files.append(p3)
        if f4:
            p4 = folder / f"{item['key']}_附件4_说明表.docx"
            write_form4(f4, p4, st)
            files.append(p4)
        if first_docx is None and files:
            first_docx = files[0]
        if as_pdf(i):
            to_pdf.extend(files)
        if city in summaries and f3:
            summaries[city].append({"name": f3["name"], "owner": f3.get("applicant", ""), "location": f3["location"],
                                    "authority": f3.get("authority", ""), "domain": _domain_text(f3),
                                    "summary": item.get("summary", "")})
        expected.append({"key": item["key"], "expected": item["expected"], "special": item.get("special", []),
                         "pdf": as_pdf(i), "style": {"layout": st.layout, "checkbox": st.checkbox,
                                                     "numbering": st.numbering, "traditional": st.traditional},
                         "city": city, "summary_table": city in summaries and bool(f3),
                         "legacy_doc": item["key"] == "s16"})
    keep = BATCH / "_keep.docx"
    shutil.copy(first_docx, keep)
    convert_to_pdf(to_pdf)
    legacy = BATCH / "嘉兴市" / "s16_附件3_申报表.docx"  # one applicant still saves as Word 97-2003
    if legacy.exists():
        convert_with_soffice([legacy], "doc")
        legacy.unlink()
    pdf_example = next(BATCH.rglob("*.pdf"))
    write_summary_xlsx(summaries[XLSX_CITY], BATCH / XLSX_CITY / "杭州市人工智能+典型应用场景汇总表.xlsx")
    write_summary_csv(summaries[CSV_CITY], BATCH / CSV_CITY / "宁波市场景汇总表.csv", encoding="gbk")
    broken = build_broken(BATCH / "问题文件", keep, pdf_example)
    keep.unlink()
    zipped = BATCH / ZIPPED_CITY
    if zipped.exists():
        with zipfile.ZipFile(BATCH / f"{ZIPPED_CITY}报送材料.zip", "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(zipped.rglob("*")):
                info = zipfile.ZipInfo(f"{ZIPPED_CITY}/{p.name}", date_time=(2026, 6, 30, 9, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.flag_bits |= 0x800  # UTF-8 names
                zf.writestr(info, p.read_bytes())
        shutil.rmtree(zipped)
    with EXPECTED.open("w", encoding="utf-8") as fh:
        for row in expected:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    (HERE / "broken_files.json").write_text(json.dumps(broken, ensure_ascii=False, indent=1), encoding="utf-8")
    n = sum(1 for _ in BATCH.rglob("*") if _.is_file())
    print(f"{len(items)} scenarios, {n} files in {BATCH}")


def _domain_text(f3: dict) -> str:
    from pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    names = [tax.sub_area(t).name for t in f3.get("ticks") or []]
    if f3.get("other"):
        names.append(f"其他：{f3['other'].get('text', '')}")
    return "、".join(names)


if __name__ == "__main__":
    main()
