"""The whole `run` (ingest → classify → dedup → score → report) on N forms: seconds per stage
and peak memory.

    python benchmarks/run_speed.py            # 1,000 forms = 500 scenarios, half DOCX, half PDF
    python benchmarks/run_speed.py -n 200 --set classify.model_dir=/tmp/lexical-model

Uses the forms of benchmarks/ingest_speed.py and the configured model (trained on first use).
Writes benchmarks/results/run_speed.json.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _results import write_result  # noqa: E402
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest_speed import build  # noqa: E402

from pipeline.config import load_settings  # noqa: E402
from pipeline.run import run_batch  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=1000, help="number of forms (two per scenario)")
    ap.add_argument("--set", dest="overrides", action="append", default=[], help="settings override")
    args = ap.parse_args(argv)
    settings = load_settings(overrides=args.overrides)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "batch"
        build(args.n, folder)
        t = time.perf_counter()
        bundle, timings, _ = run_batch([folder], Path(tmp) / "out", settings, log=lambda *a: None)
        total = time.perf_counter() - t
    out = {
        "forms": args.n, "submissions": len(bundle.submissions), "seconds_total": round(total, 1),
        "seconds_per_stage": {k: round(v, 1) for k, v in timings.items()},
        "peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_mb_ingest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "model": bundle.meta.get("model_version"), "embedder": settings.embedder.kind,
    }
    write_result("run_speed", out)


if __name__ == "__main__":
    main()
