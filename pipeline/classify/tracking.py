"""MLflow tracking: parameters, metrics, the confusion matrix and the model of each run.

A local SQLite store by default (``sqlite:///mlflow.db``); a team server through
``classify.tracking_uri`` or the MLFLOW_TRACKING_URI environment variable.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

DEFAULT_URI = "sqlite:///mlflow.db"
EXPERIMENT = "scenario-screen-classifier"
REGISTERED_NAME = "scenario-screen-classifier"


def _flat_metrics(metrics: dict, prefix: str = "") -> dict[str, float]:
    out = {}
    for k, v in metrics.items():
        if isinstance(v, bool):
            continue
        if isinstance(v, (int, float)) and v == v:  # skip NaN
            out[f"{prefix}{k}"] = float(v)
        elif isinstance(v, dict) and k == "per_sub_area_f1":
            out.update({f"{prefix}f1_{c}": float(f) for c, f in v.items()})
    return out


def log_training_run(result, model_dir: Path, confusion_png: Path | None, *, tracking_uri: str | None = None,
                     register: bool = False) -> str:
    """Log one training run; returns the MLflow run id."""
    import mlflow

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    mlflow.set_tracking_uri(tracking_uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_URI)
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(run_name=result.meta["version"]) as run:
        mlflow.log_params({k: json.dumps(v) if isinstance(v, (list, tuple, dict)) else v
                           for k, v in result.meta["params"].items()})
        mlflow.log_params({"data_version": result.meta["data_version"],
                           "taxonomy_version": result.meta["taxonomy_version"],
                           "fitted_on": result.meta.get("fitted_on", "train"),
                           "calibrated_on": result.meta.get("calibration", "validation split")})
        mlflow.log_metrics(_flat_metrics(result.test_metrics, "test_"))
        # val_*: the predictions the temperature and threshold were chosen on (out-of-fold by default).
        mlflow.log_metrics(_flat_metrics(result.val_metrics, "val_"))
        for name, m in result.baselines.items():
            mlflow.log_metrics(_flat_metrics({k: v for k, v in m.items() if k != "per_sub_area_f1"}, f"{name}_"))
        if confusion_png and confusion_png.exists():
            mlflow.log_artifact(str(confusion_png), "evaluation")
        with tempfile.TemporaryDirectory() as tmp:
            curve = Path(tmp) / "routing_curve.json"
            curve.write_text(json.dumps(result.test_metrics["routing_curve"], indent=1))
            mlflow.log_artifact(str(curve), "evaluation")
        mlflow.log_artifacts(str(model_dir), "model_dir")
        mlflow.set_tags({"kind": result.meta["kind"], "model_version": result.meta["version"]})
        if register:
            from mlflow.pyfunc import PythonModel

            class _Wrapper(PythonModel):
                def load_context(self, context):
                    from .store import load_model

                    self.model, self.meta = load_model(Path(context.artifacts["model_dir"]))

                def predict(self, context, model_input):
                    return self.model.predict(list(model_input["text"]))

            mlflow.pyfunc.log_model(name="model", python_model=_Wrapper(), artifacts={"model_dir": str(model_dir)},
                                    registered_model_name=REGISTERED_NAME)
        return run.info.run_id
