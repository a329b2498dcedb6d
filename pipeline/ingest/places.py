"""Which of Zhejiang's cities a 所在地点 names (directly or through a district/county)."""
from __future__ import annotations

from functools import lru_cache

import yaml

from ..config import KNOWLEDGE_DIR
from ..text import normalize


@lru_cache(maxsize=1)
def _places() -> list[tuple[str, str]]:
    data = yaml.safe_load((KNOWLEDGE_DIR / "places.yaml").read_text(encoding="utf-8"))
    pairs = []
    for city, counties in data["cities"].items():
        pairs.append((city.removesuffix("市"), city))
        pairs.extend((c, city) for c in counties)
    return sorted(pairs, key=lambda p: -len(p[0]))


def city_of(*texts: str) -> str:
    for text in texts:
        t = normalize(text or "")
        best = None
        for name, city in _places():
            i = t.find(name)
            if i >= 0 and (best is None or i < best[0]):
                best = (i, city)
        if best:
            return best[1]
    return ""
