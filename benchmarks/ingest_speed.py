"""Ingestion throughput: build N forms (half DOCX, half PDF) and time `ingest` on them.

    python benchmarks/ingest_speed.py            # N=1000, 2 workers
    python benchmarks/ingest_speed.py -n 200 --workers 1

Reports files per second and peak memory, and (from a profiled single-process run on a
subset) the share of time spent inside pdfplumber/pdfminer, python-docx/lxml and the
project's own code. Writes benchmarks/results/ingest_speed.json.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _results import write_result  # noqa: E402

from pipeline.config import load_settings  # noqa: E402
from pipeline.forms_writer import FormStyle, write_form3, write_form4  # noqa: E402
from pipeline.ingest import ingest  # noqa: E402


def _vary(text: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(0, 9)), text or "")


def build(n: int, folder: Path, seed: int = 7) -> None:
    items = yaml.safe_load((ROOT / "data/samples/source/submissions.yaml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    docx_dir, pdf_dir = folder / "docx", folder / "pdf_src"
    docx_dir.mkdir(parents=True)
    pdf_dir.mkdir()
    for i in range(n // 2):  # n/2 scenarios, each an application and an explanation form
        item = items[i % len(items)]
        f3 = {k: _vary(v, rng) if isinstance(v, str) else v for k, v in item["form3"].items()}
        f3["name"] = f"{f3['name']}（第{i}号）"
        f4 = {k: _vary(v, rng) for k, v in (item.get("form4") or {}).items()} or None
        style = FormStyle(checkbox=["glyph", "control", "symbol"][i % 3], numbering=["cn", "paren"][i % 2])
        target = pdf_dir if i % 2 else docx_dir
        write_form3(f3, target / f"{i:05d}_3.docx", style)
        if f4:
            f4["name"] = f3["name"]
            write_form4(f4, target / f"{i:05d}_4.docx", style)
        else:
            write_form4({"name": f3["name"], "owner": f3["applicant"], "background": "背景", "plan": "方案",
                         "targets": "目标"}, target / f"{i:05d}_4.docx", style)
    soffice = shutil.which("soffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is needed to make the PDF half of the benchmark")
    out = folder / "pdf"
    out.mkdir()
    sources = sorted(pdf_dir.glob("*.docx"))
    with tempfile.TemporaryDirectory() as profile:
        for start in range(0, len(sources), 50):  # one long LibreOffice call may stop part-way
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
                            "--outdir", str(out), *map(str, sources[start:start + 50])],
                           check=True, capture_output=True)
    made = len(list(out.glob("*.pdf")))
    if made != len(sources):
        raise SystemExit(f"LibreOffice made {made} PDFs of {len(sources)}")
    shutil.rmtree(pdf_dir)


def library_shares(paths: list[Path], settings) -> dict[str, float]:
    """Share of self time per origin, from cProfile of a single-process run."""
    prof = cProfile.Profile()
    prof.enable()
    ingest(paths, settings)
    prof.disable()
    stats = pstats.Stats(prof)
    buckets = {"pdfplumber+pdfminer": 0.0, "pypdfium2": 0.0, "python-docx+lxml": 0.0, "pipeline (own code)": 0.0,
               "opencc/jieba/other libs": 0.0, "python stdlib": 0.0}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        f = filename.replace("\\", "/")
        if "/pdfplumber/" in f or "/pdfminer/" in f:
            buckets["pdfplumber+pdfminer"] += tottime
        elif "pypdfium2" in f:
            buckets["pypdfium2"] += tottime
        elif "/docx/" in f or "lxml" in f:
            buckets["python-docx+lxml"] += tottime
        elif "/pipeline/" in f:
            buckets["pipeline (own code)"] += tottime
        elif "site-packages" in f:
            buckets["opencc/jieba/other libs"] += tottime
        else:
            buckets["python stdlib"] += tottime
    total = sum(buckets.values()) or 1.0
    return {k: round(v / total, 3) for k, v in buckets.items()}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=1000, help="number of forms (half DOCX, half PDF)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--profile-subset", type=int, default=100, help="files profiled single-process")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        build(args.n, folder)
        build_s = time.perf_counter() - t
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        n_pdf = sum(p.suffix == ".pdf" for p in files)
        settings = load_settings(overrides=[f"ingest.workers={args.workers}"]).ingest
        t = time.perf_counter()
        result = ingest([folder], settings)
        elapsed = time.perf_counter() - t
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        subset = files[: args.profile_subset // 2] + [p for p in files if p.suffix == ".pdf"][: args.profile_subset // 2]
        shares = library_shares(subset, load_settings(overrides=["ingest.workers=1"]).ingest)
    out = {
        "files": len(files), "pdf": n_pdf, "docx": len(files) - n_pdf, "workers": args.workers,
        "seconds": round(elapsed, 2), "files_per_second": round(len(files) / elapsed, 1),
        "submissions": len(result.submissions), "failed": sum(m.status == "failed" for m in result.manifest),
        "peak_rss_mb_main": round(peak_self), "peak_rss_mb_worker": round(peak_children),
        "time_share": shares, "build_seconds": round(build_s, 1),
    }
    write_result("ingest_speed", out)


if __name__ == "__main__":
    main()
