"""Build the boilerplate knowledge files of duplicate detection from the reference documents.

* pipeline/knowledge/dedup_boilerplate.txt: as 64-bit hashes (no text), the 4-character
  windows of the call itself (its prose and its forms' labels: every applicant quotes them)
  and every window found in at least ``--min-docs`` of the reference documents;
* pipeline/knowledge/dedup_policy_bigrams.txt: the character bigrams of policy language,
  i.e. at least ``--ratio`` times more frequent in the reference documents than in the
  scenario descriptions of data/corpus/raw (and seen at least ``--min-count`` times there).
  A sentence made of them is a policy sentence (贯彻落实…、新质生产力…) whatever its wording.

    python data/dedup/build_boilerplate.py [--reference DIR] [--call FILE] [--corpus DIR]

The package works without the reference folder: it reads only the files written here.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.dedup.boilerplate import (  # noqa: E402
    BOILERPLATE_FILE, POLICY_BIGRAMS_FILE, texts_to_reference_hashes,
)
from pipeline.dedup.shingles import compact  # noqa: E402
from pipeline.text import normalize  # noqa: E402

DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference"
DEFAULT_CORPUS = ROOT / "data" / "corpus" / "raw"


def bigram_counts(texts: list[str]) -> Counter:
    counts: Counter = Counter()
    for t in texts:
        c = compact(normalize(t))
        counts.update(c[i:i + 2] for i in range(len(c) - 1))
    return counts


def policy_bigrams(reference: list[str], corpus: list[str], ratio: float, min_count: int) -> list[str]:
    """Bigrams at least ``ratio`` times more frequent (per character) in policy texts than in descriptions."""
    ref, desc = bigram_counts(reference), bigram_counts(corpus)
    n_ref, n_desc = sum(ref.values()) or 1, sum(desc.values()) or 1
    out = []
    for gram, n in ref.items():
        if n >= min_count and not any(ch.isdigit() or ch.isascii() for ch in gram):
            if math.log((n + 0.5) / n_ref) - math.log((desc.get(gram, 0) + 0.5) / n_desc) >= math.log(ratio):
                out.append(gram)
    return sorted(out)


def corpus_texts(corpus_dir: Path) -> list[str]:
    texts = []
    for path in sorted(corpus_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line).get("text", ""))
    return texts


def build(reference_dir: Path, call: Path, min_docs: int) -> tuple[np.ndarray, dict]:
    docs = sorted(p for p in reference_dir.glob("*.txt"))
    if not docs:
        raise SystemExit(f"no reference .txt files in {reference_dir}")
    per_doc = [texts_to_reference_hashes([p.read_text(encoding="utf-8")]) for p in docs]
    values, counts = np.unique(np.concatenate(per_doc), return_counts=True)
    shared = values[counts >= min_docs]
    call_hashes = texts_to_reference_hashes([call.read_text(encoding="utf-8")])
    out = np.union1d(shared, call_hashes)
    info = {"documents": len(docs), "call": call.name, "shared": len(shared), "call_windows": len(call_hashes),
            "total": len(out), "min_docs": min_docs}
    return out, info


def write(hashes: np.ndarray, info: dict, path: Path) -> None:
    header = [
        "# Boilerplate 4-character windows of the reference documents, as fmix64 rolling hashes (hex).",
        "# Built by data/dedup/build_boilerplate.py; see pipeline/dedup/boilerplate.py.",
        "# " + ", ".join(f"{k}={v}" for k, v in info.items()),
    ]
    body = [f"{int(h):016x}" for h in hashes]
    path.write_text("\n".join(header + body) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--call", type=Path, default=None, help="the call's text (default: the 000_* file)")
    parser.add_argument("--min-docs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=BOILERPLATE_FILE)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="scenario descriptions (*.jsonl)")
    parser.add_argument("--ratio", type=float, default=4.0)
    parser.add_argument("--min-count", type=int, default=4)
    parser.add_argument("--bigrams-out", type=Path, default=POLICY_BIGRAMS_FILE)
    args = parser.parse_args(argv)
    call = args.call or next(iter(sorted(args.reference.glob("000_*.txt"))), None)
    if call is None:
        raise SystemExit("give --call: no 000_*.txt in the reference folder")
    hashes, info = build(args.reference, call, args.min_docs)
    write(hashes, info, args.out)
    print(f"wrote {len(hashes)} hashes to {args.out} ({info})")
    corpus = corpus_texts(args.corpus)
    if not corpus:
        raise SystemExit(f"no scenario descriptions in {args.corpus} to contrast the policy texts with")
    reference = [p.read_text(encoding="utf-8") for p in sorted(args.reference.glob("*.txt"))]
    grams = policy_bigrams(reference, corpus, args.ratio, args.min_count)
    header = ["# Character bigrams of policy language (reference documents vs scenario descriptions).",
              "# Built by data/dedup/build_boilerplate.py; see pipeline/dedup/boilerplate.py.",
              f"# ratio>={args.ratio}, min_count={args.min_count}, descriptions={len(corpus)}, bigrams={len(grams)}"]
    args.bigrams_out.write_text("\n".join(header + grams) + "\n", encoding="utf-8")
    print(f"wrote {len(grams)} policy bigrams to {args.bigrams_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
