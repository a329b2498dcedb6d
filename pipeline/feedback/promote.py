"""When a retrained model replaces the one in use, and the MLflow registry that records it.

The rule ("not worse"): on the same held-out test data, the candidate's sub-area macro-F1 and
its auto-routed precision (the precision of the submissions it routes without a person, at its
own abstain threshold) are each at most ``tolerance`` (0.005) below the current model's. Both
must hold. Without a current model the candidate is promoted.

Every decision is logged as one MLflow run and the candidate registered as a new version of
``scenario-screen-classifier``; only a promoted version gets the alias ``champion``.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..taxonomy import Taxonomy
from .errors import FeedbackError

CHAMPION_ALIAS = "champion"
HEADLINE = ("sub_area_macro_f1", "sub_area_accuracy", "domain_accuracy", "unit_accuracy", "top3_accuracy", "ece",
            "abstain_threshold", "auto_routed_share", "auto_routed_precision", "n")


@dataclass(frozen=True)
class PromotionRule:
    """A candidate is promoted when none of ``metrics`` is more than ``tolerance`` below the champion's."""

    tolerance: float = 0.005
    metrics: tuple[str, ...] = ("sub_area_macro_f1", "auto_routed_precision")

    def __post_init__(self):
        if not 0.0 <= self.tolerance < 1.0:
            raise FeedbackError(f"promotion tolerance must lie in [0, 1), not {self.tolerance}; the default is 0.005")
        unknown = [m for m in self.metrics if m not in HEADLINE or m in ("ece", "n", "abstain_threshold")]
        if unknown or not self.metrics:
            raise FeedbackError(f"promotion metrics {unknown or '[]'} are not higher-is-better test metrics; "
                                f"choose among sub_area_macro_f1, auto_routed_precision, unit_accuracy, top3_accuracy …")

    @classmethod
    def resolve(cls, value: "PromotionRule | dict | None") -> "PromotionRule":
        """None → the default rule; a dict (e.g. the ``retrain`` section of params.yaml) → a rule."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if isinstance(value, dict):
            unknown = set(value) - {"tolerance", "metrics"}
            if unknown:
                raise FeedbackError(f"unknown promotion settings {sorted(unknown)}; known: tolerance, metrics")
            values = dict(value)
            if "metrics" in values:
                values["metrics"] = tuple(values["metrics"])
            return cls(**values)
        raise FeedbackError(f"a promotion rule is None, a dict or a PromotionRule, not {type(value).__name__}")


@dataclass(frozen=True)
class SubAreaF1:
    sub_area: str
    name: str
    support: int | None  # test items of this sub-area (None: not known)
    champion: float | None
    candidate: float
    delta: float | None


@dataclass(frozen=True)
class Comparison:
    """The candidate against the champion on one test set, and the decision."""

    candidate: dict
    champion: dict | None
    delta: dict
    per_sub_area: list[SubAreaF1]
    promote: bool
    reasons: list[str]
    rule: PromotionRule
    candidate_version: str = ""
    champion_version: str = ""
    data_version: str = ""
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"promote": self.promote, "reasons": self.reasons, "rule": asdict(self.rule),
                "data_version": self.data_version, "candidate_version": self.candidate_version,
                "champion_version": self.champion_version, "candidate": self.candidate, "champion": self.champion,
                "delta": self.delta, "per_sub_area_f1": [asdict(r) for r in self.per_sub_area], "notes": self.notes}

    def flat_metrics(self) -> dict[str, float]:
        """For DVC metrics and MLflow: candidate_*, champion_*, delta_*, promoted."""
        out = {"promoted": float(self.promote)}
        for prefix, values in (("candidate", self.candidate), ("champion", self.champion or {}),
                               ("delta", self.delta)):
            out.update({f"{prefix}_{k}": float(v) for k, v in values.items() if _finite(v)})
        return out

    def markdown(self) -> str:
        verdict = "晋升 (promoted)" if self.promote else "不晋升 (kept the current model)"
        lines = [f"# 重新训练对比 (retraining comparison): {verdict}", "",
                 f"- 数据版本 (data version): `{self.data_version}`",
                 f"- 候选模型 (candidate): `{self.candidate_version}`; 现用模型 (champion): "
                 f"`{self.champion_version or '无 (none)'}`",
                 f"- 规则 (rule): {', '.join(self.rule.metrics)} 均不低于现用模型 {self.rule.tolerance} 以上 "
                 f"(each at most {self.rule.tolerance} below the champion)",
                 *(f"- {r}" for r in self.reasons), *(f"- 注 (note): {n}" for n in self.notes), "",
                 "| metric | champion | candidate | Δ |", "|---|---|---|---|"]
        for k in HEADLINE:
            if k in self.candidate:
                lines.append(f"| {k} | {_fmt((self.champion or {}).get(k))} | {_fmt(self.candidate.get(k))} | "
                             f"{_fmt(self.delta.get(k), sign=True)} |")
        lines += ["", "## 各子方向 F1 (per sub-area F1)", "", "| sub-area | test items | champion | candidate | Δ |",
                  "|---|---|---|---|---|"]
        for r in self.per_sub_area:
            lines.append(f"| {r.name} (`{r.sub_area}`) | {_fmt(r.support)} | {_fmt(r.champion)} | "
                         f"{_fmt(r.candidate)} | {_fmt(r.delta, sign=True)} |")
        return "\n".join(lines) + "\n"


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _fmt(v, sign: bool = False) -> str:
    if not _finite(v):
        return "—"
    if isinstance(v, int):
        return f"{v:+d}" if sign else str(v)
    return f"{v:+.4f}" if sign else f"{v:.4f}"


def headline(metrics: dict) -> dict:
    return {k: metrics[k] for k in HEADLINE if k in metrics}


def compare(candidate: dict, champion: dict | None, tax: Taxonomy, rule: PromotionRule | dict | None = None, *,
            support: dict[str, int] | None = None, candidate_version: str = "", champion_version: str = "",
            data_version: str = "") -> Comparison:
    """Compare two metric dicts of ``classify.metrics.evaluate_proba`` on the same test data and decide.
    With ``support`` (test items per sub-area), the per-sub-area table keeps the sub-areas the test holds."""
    rule = PromotionRule.resolve(rule)
    cand, champ = headline(candidate), headline(champion) if champion is not None else None
    delta = {k: cand[k] - champ[k] for k in cand if champ and _finite(cand[k]) and _finite(champ.get(k))}
    cand_f1 = candidate.get("per_sub_area_f1", {})
    champ_f1 = (champion or {}).get("per_sub_area_f1", {})
    per = [SubAreaF1(sid, tax.sub_area(sid).name, support.get(sid, 0) if support is not None else None,
                     champ_f1.get(sid), f, (f - champ_f1[sid]) if sid in champ_f1 else None)
           for sid, f in sorted(cand_f1.items()) if support is None or support.get(sid, 0) > 0]
    reasons: list[str] = []
    if champ is None:
        promote = True
        reasons.append("没有现用模型，候选模型直接晋升 (no current model: the candidate is promoted)")
    else:
        promote = True
        for m in rule.metrics:
            c, o = cand.get(m), champ.get(m)
            if not (_finite(c) and _finite(o)):
                promote = False
                reasons.append(f"{m}: 缺少数值，无法比较 (missing on one side; not promoted)")
                continue
            ok = c >= o - rule.tolerance - 1e-12
            promote &= ok
            reasons.append(f"{m}: {o:.4f} → {c:.4f} ({c - o:+.4f}) {'不差于' if ok else '差于'}现用模型 "
                           f"({'within' if ok else 'beyond'} the tolerance {rule.tolerance})")
    notes = []
    if champion is not None and candidate.get("n") != champion.get("n"):
        notes.append(f"测试条数不同 (test sizes differ: {champion.get('n')} vs {candidate.get('n')})")
    return Comparison(cand, champ, delta, per, promote, reasons, rule, candidate_version, champion_version,
                      data_version, notes)


# -- the MLflow registry -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RegistryEntry:
    run_id: str
    version: str
    champion: bool  # the alias `champion` now points at this version


def _pyfunc_model():
    from mlflow.pyfunc import PythonModel

    class ScenarioClassifier(PythonModel):
        """Predicts the sub-area id of each text with a saved scenario-screen model directory."""

        def load_context(self, context):
            from pipeline.classify.store import load_model

            self.model, self.meta = load_model(Path(context.artifacts["model_dir"]))

        def predict(self, context, model_input: list[str]) -> list[str]:
            return [str(label) for label in self.model.predict(list(model_input))]

    return ScenarioClassifier()


def register_decision(model_dir: Path, comparison: Comparison, meta: dict, *, tracking_uri: str | None = None) -> RegistryEntry:
    """Log the comparison as an MLflow run, register the candidate as a new version, alias it when promoted."""
    import mlflow
    from mlflow import MlflowClient

    from ..classify.tracking import DEFAULT_URI, EXPERIMENT, REGISTERED_NAME

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    uri = tracking_uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_URI
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(EXPERIMENT)
    decision = "promoted" if comparison.promote else "rejected"
    with mlflow.start_run(run_name=f"retrain {comparison.candidate_version} ({decision})") as run:
        mlflow.log_params({"kind": meta.get("kind", ""), "data_version": comparison.data_version,
                           "candidate_version": comparison.candidate_version,
                           "champion_version": comparison.champion_version or "none",
                           "promotion_tolerance": comparison.rule.tolerance,
                           "promotion_metrics": ",".join(comparison.rule.metrics),
                           "feedback_items": json.dumps(meta.get("feedback", {}).get("items", {}))})
        mlflow.log_metrics(comparison.flat_metrics())
        mlflow.log_metrics({f"candidate_f1_{r.sub_area}": r.candidate for r in comparison.per_sub_area})
        mlflow.set_tags({"stage": "retrain", "decision": decision, "model_version": comparison.candidate_version})
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "comparison.json").write_text(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=1),
                                                       encoding="utf-8")
            (Path(tmp) / "COMPARISON.md").write_text(comparison.markdown(), encoding="utf-8")
            mlflow.log_artifacts(tmp, "comparison")
        mlflow.log_artifacts(str(model_dir), "model_dir")
        with warnings.catch_warnings():  # mlflow's note on cloudpickle, not ours to act on
            warnings.simplefilter("ignore", UserWarning)
            info = mlflow.pyfunc.log_model(name="model", python_model=_pyfunc_model(),
                                           artifacts={"model_dir": str(model_dir)},
                                           registered_model_name=REGISTERED_NAME)
    version = str(info.registered_model_version)
    client = MlflowClient(tracking_uri=uri)
    for key, value in {"decision": decision, "data_version": comparison.data_version,
                       "model_version": comparison.candidate_version,
                       "delta_sub_area_macro_f1": f"{comparison.delta.get('sub_area_macro_f1', float('nan')):+.4f}"}.items():
        client.set_model_version_tag(REGISTERED_NAME, version, key, value)
    if comparison.promote:
        client.set_registered_model_alias(REGISTERED_NAME, CHAMPION_ALIAS, version)
    return RegistryEntry(run.info.run_id, version, comparison.promote)


def champion_version(tracking_uri: str | None = None) -> str | None:
    """The registry version the alias ``champion`` points at, or None."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from ..classify.tracking import DEFAULT_URI, REGISTERED_NAME

    client = MlflowClient(tracking_uri=tracking_uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_URI)
    try:
        return str(client.get_model_version_by_alias(REGISTERED_NAME, CHAMPION_ALIAS).version)
    except MlflowException:
        return None
