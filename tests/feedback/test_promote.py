"""The promotion rule, on metric dicts built by hand."""
import pytest

from pipeline.feedback.errors import FeedbackError
from pipeline.feedback.promote import PromotionRule, compare


def metrics(f1: float, precision: float, per=None) -> dict:
    return {"sub_area_macro_f1": f1, "auto_routed_precision": precision, "auto_routed_share": 0.8, "n": 40,
            "per_sub_area_f1": per or {"water": f1, "health": f1}}


def test_promote_better_model(tax):
    c = compare(metrics(0.90, 0.98), metrics(0.85, 0.97), tax)
    assert c.promote and c.delta["sub_area_macro_f1"] == pytest.approx(0.05)
    assert [r.sub_area for r in c.per_sub_area] == ["health", "water"]
    assert c.per_sub_area[0].delta == pytest.approx(0.05) and c.per_sub_area[0].name == "医疗卫生"


def test_promote_within_tolerance_is_not_worse(tax):
    assert compare(metrics(0.846, 0.966), metrics(0.85, 0.97), tax).promote  # both 0.004 below


@pytest.mark.parametrize("cand", [metrics(0.80, 0.99), metrics(0.95, 0.96), metrics(0.844, 0.97)])
def test_promote_worse_on_either_metric_is_refused(tax, cand):
    c = compare(cand, metrics(0.85, 0.97), tax)
    assert not c.promote and any("beyond" in r for r in c.reasons)


def test_promote_without_champion(tax):
    c = compare(metrics(0.5, 0.9), None, tax)
    assert c.promote and c.champion is None and c.per_sub_area[0].delta is None
    assert "| sub_area_macro_f1 | — | 0.5000 | — |" in c.markdown()


def test_promote_missing_metric_is_not_promoted(tax):
    cand = metrics(0.9, 0.98)
    del cand["auto_routed_precision"]
    assert not compare(cand, metrics(0.85, 0.97), tax).promote


def test_promote_rule_resolve():
    assert PromotionRule.resolve(None) == PromotionRule()
    assert PromotionRule.resolve({"tolerance": 0.01}).tolerance == 0.01
    assert PromotionRule.resolve({"metrics": ["unit_accuracy"]}).metrics == ("unit_accuracy",)
    with pytest.raises(FeedbackError, match="unknown promotion settings"):
        PromotionRule.resolve({"tol": 0.01})
    with pytest.raises(FeedbackError, match="tolerance"):
        PromotionRule(tolerance=-0.1)
    with pytest.raises(FeedbackError, match="higher-is-better"):
        PromotionRule(metrics=("ece",))
    with pytest.raises(FeedbackError, match="not str"):
        PromotionRule.resolve("0.005")
