"""Build data/dedup/pairs.jsonl, the labeled pair set, from the hand-written pairs_raw.jsonl.

    python data/dedup/build_pairs.py

* keeps every raw pair ({"id","kind","sub_area","a","b","note"});
* adds ``exact`` pairs: a text copied with only whitespace, line breaks and punctuation width
  changed (one per raw pair whose id hash picks it, about 40);
* adds ``corpus_negative`` pairs when data/corpus/raw/*.jsonl is present: two different
  descriptions with the same sub-area label (hard negatives written by other hands);
* gives every pair a deterministic ``split`` (dev or test): within each kind, pairs sorted by
  the hash of their id alternate between the halves.

Kinds: exact, light_edit, short_light_edit, paraphrase, template (positives) and
hard_negative, boilerplate_negative, short_negative, corpus_negative (negatives).
"""
from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
RAW = HERE / "pairs_raw.jsonl"
OUT = HERE / "pairs.jsonl"
CORPUS = HERE.parent / "corpus" / "raw"
POSITIVE = ("exact", "light_edit", "short_light_edit", "paraphrase", "template")
NEGATIVE = ("hard_negative", "boilerplate_negative", "short_negative", "corpus_negative")
CORPUS_PAIRS_PER_LABEL = 6
_WIDTH = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"}


def digest(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)


def assign_splits(rows: list[dict]) -> None:
    """Within each kind, pairs ordered by the hash of their id alternate dev, test, dev, ...
    (deterministic, and both halves get every kind)."""
    by_kind: dict[str, list[dict]] = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(r)
    for kind_rows in by_kind.values():
        for rank, r in enumerate(sorted(kind_rows, key=lambda r: digest("split:" + r["id"]))):
            r["split"] = "dev" if rank % 2 == 0 else "test"


def vary_form(text: str, seed: int) -> str:
    """Same words; punctuation width, spaces and line breaks changed."""
    rng = random.Random(seed)
    out = []
    for ch in text:
        if ch in _WIDTH and rng.random() < 0.7:
            ch = _WIDTH[ch] + (" " if rng.random() < 0.5 else "")
        elif ch == "。" and rng.random() < 0.3:
            ch = "。\n"
        elif rng.random() < 0.02:
            ch = ch + " "
        out.append(ch)
    return "".join(out)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def exact_pairs(raw: list[dict]) -> list[dict]:
    out = []
    for row in raw:
        if digest("exact:" + row["id"]) % 6 == 0:
            out.append({"id": f"x-{row['id']}", "kind": "exact", "sub_area": row["sub_area"], "a": row["a"],
                        "b": vary_form(row["a"], digest(row["id"])), "note": "copy; spacing/punctuation width only",
                        "source": "build_pairs"})
    return out


def corpus_pairs(corpus_dir: Path) -> list[dict]:
    """Pairs of different long descriptions sharing a sub-area label, picked by id hash."""
    by_label: dict[str, list[dict]] = {}
    for path in sorted(corpus_dir.glob("*.jsonl")):
        for row in read_jsonl(path):
            if row.get("text") and row.get("label") and len(row["text"]) >= 80:
                by_label.setdefault(row["label"], []).append(row)
    out = []
    for label, rows in sorted(by_label.items()):
        rows = sorted(rows, key=lambda r: digest(str(r["id"])))
        for a, b in list(zip(rows[0::2], rows[1::2]))[:CORPUS_PAIRS_PER_LABEL]:
            out.append({"id": f"c-{a['id']}~{b['id']}", "kind": "corpus_negative", "sub_area": label,
                        "a": a["text"], "b": b["text"], "note": "different corpus descriptions, same label",
                        "source": "data/corpus/raw"})
    return out


def build(raw_path: Path = RAW, corpus_dir: Path = CORPUS) -> list[dict]:
    raw = [{**r, "source": "pairs_raw"} for r in read_jsonl(raw_path)]
    rows = raw + exact_pairs(raw) + (corpus_pairs(corpus_dir) if corpus_dir.is_dir() else [])
    known = set(POSITIVE + NEGATIVE)
    bad = sorted({r["kind"] for r in rows} - known)
    if bad:
        raise SystemExit(f"unknown pair kinds {bad}; known: {sorted(known)}")
    assign_splits(rows)
    for r in rows:
        r["duplicate"] = r["kind"] in POSITIVE
    return sorted(rows, key=lambda r: r["id"])


def main() -> int:
    rows = build()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        counts[(r["kind"], r["split"])] = counts.get((r["kind"], r["split"]), 0) + 1
    print(f"wrote {len(rows)} pairs to {OUT}")
    for (kind, split), n in sorted(counts.items()):
        print(f"  {kind:22s} {split:5s} {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
