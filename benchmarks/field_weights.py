"""Which fields feed the classifier, and with what weight: measured on the sample batch.

The corpus holds single texts; submissions have fields. Each weighting below is a mixture
of the model's probabilities over field groups (pipeline/classify/predict.py). The sample
batch's 46 submissions carry the sub-area a reviewer would give (`expected`).

    python benchmarks/field_weights.py [--model models/classifier]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _results import write_result  # noqa: E402

from pipeline.classify.predict import weighted_proba  # noqa: E402
from pipeline.classify.store import load_model  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from pipeline.ingest import ingest  # noqa: E402
from pipeline.taxonomy import load_taxonomy  # noqa: E402
from pipeline.text import match_key  # noqa: E402

WEIGHTINGS = {
    "all fields as one text": {"all": 1.0},
    "name only": {"name": 1.0},
    "name + goals": {"name": 1.0, "goals": 1.0},
    "goals + effects": {"goals": 1.0, "effects": 1.0},
    "explanation only": {"explanation": 1.0},
    "equal mixture of groups": {"name": 1.0, "goals": 1.0, "effects": 1.0, "explanation": 1.0, "summary": 1.0},
    "mixture, name x2": {"name": 2.0, "goals": 1.0, "effects": 1.0, "explanation": 1.0, "summary": 1.0},
    "all + name": {"all": 1.0, "name": 1.0},
    "all + mixture": {"all": 2.0, "name": 1.0, "goals": 1.0, "effects": 1.0, "explanation": 1.0},
}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default=str(ROOT / "models/classifier"))
    args = ap.parse_args(argv)
    tax = load_taxonomy()
    items = yaml.safe_load((ROOT / "data/samples/source/submissions.yaml").read_text(encoding="utf-8"))
    truth = {(match_key(i["form3"]["name"]), match_key(i["form3"]["applicant"])): i["expected"] for i in items}
    subs = [s for s in ingest([ROOT / "data/samples/batch"], load_settings().ingest).submissions
            if (match_key(s.name), match_key(s.applicant)) in truth]
    y = [truth[(match_key(s.name), match_key(s.applicant))] for s in subs]
    model, meta = load_model(Path(args.model))
    rows = {}
    for name, w in WEIGHTINGS.items():
        p = weighted_proba(model, subs, w)
        pred = model.classes_[p.argmax(axis=1)]
        top3 = np.argsort(-p, axis=1)[:, :3]
        rows[name] = {
            "sub_area_accuracy": round(float(np.mean(pred == np.array(y))), 3),
            "unit_accuracy": round(float(np.mean([tax.sub_area(a).unit == tax.sub_area(b).unit
                                                  for a, b in zip(pred, y)])), 3),
            "top3_accuracy": round(float(np.mean([list(model.classes_).index(t) in top3[i]
                                                  for i, t in enumerate(y)])), 3),
        }
        print(f"{name:28s} {rows[name]}")
    out = {"model": meta.get("version"), "n": len(subs), "weightings": rows}
    write_result("field_weights", out, echo=False)


if __name__ == "__main__":
    main()
