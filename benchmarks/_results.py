"""Where benchmark scripts write what they measured: benchmarks/results/<name>.json."""
from __future__ import annotations

import json
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def write_result(name: str, data: dict, *, echo: bool = True) -> Path:
    """Write ``data`` as benchmarks/results/<name>.json (and print it when ``echo``)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    text = json.dumps(data, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    if echo:
        print(text)
    return path
