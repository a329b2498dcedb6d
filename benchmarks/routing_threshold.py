"""How often does the abstain-threshold rule meet the routing goal on data it was not chosen on?

    python benchmarks/routing_threshold.py [--reps 40] [--targets 0.97 0.975 0.98]

The goal for department leads: precision of automatically routed submissions ≥ 0.97 while
routing ≥ 75 % automatically. train.py picks the lowest threshold whose out-of-fold precision
reaches ``target_precision``. This script takes the out-of-fold predictions of train+validation
(the same 5 folds and parameters as params.yaml), splits them at random into two halves, picks
the temperature and threshold on one half and measures coverage and precision on the other,
both ways, ``reps`` times, for each target. A target equal to the goal meets it about half the
time (the estimate is unbiased, so the held-out precision falls on either side); the margin
needed to meet it more often is what this measures. The test split is not used.
Writes benchmarks/results/routing_threshold.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _results import write_result  # noqa: E402

from pipeline.classify.corpus import load_split  # noqa: E402
from pipeline.classify.embed_cache import active_cache  # noqa: E402
from pipeline.classify.metrics import routing_curve  # noqa: E402
from pipeline.classify.train import (build_model, calibrate_and_pick_threshold, out_of_fold_scores,  # noqa: E402
                                     train_params)
from pipeline.taxonomy import load_taxonomy  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--prepared", default=str(ROOT / "data/corpus/prepared"))
    ap.add_argument("--params", default=str(ROOT / "params.yaml"))
    ap.add_argument("--C", type=float, default=None,
                    help="C of the lexical member (default: the one train.py chose for models/classifier, else 30)")
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--targets", type=float, nargs="+", default=[0.97, 0.975, 0.98])
    ap.add_argument("--goal-precision", type=float, default=0.97)
    ap.add_argument("--goal-coverage", type=float, default=0.75)
    args = ap.parse_args(argv)

    if args.C is None:
        meta = ROOT / "models/classifier/metadata.json"
        args.C = json.loads(meta.read_text())["params"]["C"] if meta.exists() else 30.0
    tax = load_taxonomy()
    params = train_params(Path(args.params))
    items = [it for s in ("train", "val") for it in load_split(Path(args.prepared), s)]
    X, y = [it.text for it in items], [it.label for it in items]
    t0 = time.perf_counter()
    cache = Path(ROOT / params.embedding_cache) if params.embedding_cache and params.kind != "lexical" else None
    with active_cache(cache):
        scores = out_of_fold_scores(lambda: build_model(params, args.C), X, y, params.calibration_folds or 5)
    print(f"out-of-fold predictions of {len(X)} texts in {time.perf_counter() - t0:.0f} s")

    # Calibrating and predicting from raw scores needs only the classes, not a fitted model.
    model = build_model(params, args.C)
    model.classes_ = np.unique(y)
    for m in getattr(model, "members", []) or []:
        m.classes_ = model.classes_
    y_arr = np.asarray(y)
    rng = np.random.default_rng(0)
    rows = []
    for target in args.targets:
        outcomes = []
        for _ in range(args.reps):
            half = rng.random(len(X)) < 0.5
            for pick, held in ((half, ~half), (~half, half)):
                _, threshold = calibrate_and_pick_threshold(model, [s[pick] for s in scores], y_arr[pick], tax, target)
                curve = routing_curve(model.proba_from_scores([s[held] for s in scores]), model.classes_, y_arr[held], tax)
                row = min(curve, key=lambda r: abs(r["threshold"] - threshold))
                outcomes.append((threshold, row["coverage"], row["precision"]))
        o = np.array(outcomes)
        rows.append({
            "target_precision": target, "splits": len(o), "held_out_size": int(len(X) / 2),
            "threshold_mean": round(float(o[:, 0].mean()), 3),
            "coverage_mean": round(float(o[:, 1].mean()), 4), "precision_mean": round(float(o[:, 2].mean()), 4),
            "share_meeting_precision_goal": round(float((o[:, 2] >= args.goal_precision).mean()), 3),
            "share_meeting_coverage_goal": round(float((o[:, 1] >= args.goal_coverage).mean()), 3),
            "share_meeting_both": round(float(((o[:, 2] >= args.goal_precision) &
                                               (o[:, 1] >= args.goal_coverage)).mean()), 3),
        })
        print(rows[-1])
    out = write_result("routing_threshold", {"n_texts": len(X), "goal_precision": args.goal_precision,
                                             "goal_coverage": args.goal_coverage, "rows": rows}, echo=False)
    print(f"written {out}")


if __name__ == "__main__":
    main()
