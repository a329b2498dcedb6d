import pickle

import numpy as np
import pytest

from pipeline.classify.calibration import expected_calibration_error, fit_temperature
from pipeline.classify.model import EnsembleClassifier, LexicalClassifier

TEXTS = {
    "agriculture": ["水稻病虫害无人机识别与精准施药", "茶园智能灌溉和土壤墒情监测", "生猪养殖场AI估重与疫病预警",
                    "柑橘果园采摘机器人与产量预测", "渔业养殖池塘溶氧智能调控", "农产品质量溯源区块链平台"],
    "health": ["肺结节CT影像辅助诊断", "县域医共体远程心电诊断中心", "门诊病历大模型自动生成",
               "医院智能导诊与分诊机器人", "糖尿病视网膜病变AI筛查", "药品不良反应智能监测"],
    "water": ["水库大坝渗压智能监测与预警", "山洪灾害雨水情预报模型", "河湖智能巡查识别违规采砂",
              "灌区用水智能调度", "堤防闸站数字孪生运维", "流域洪水预报调度一体化"],
}
X = [t for ts in TEXTS.values() for t in ts]
Y = [label for label, ts in TEXTS.items() for _ in ts]


@pytest.fixture(scope="module")
def lex():
    return LexicalClassifier(C=10).fit(X, Y)


def test_model_lexical_fits_and_predicts(lex):
    assert list(lex.classes_) == ["agriculture", "health", "water"]
    assert lex.predict(["智慧养殖场猪只体重估算"])[0] == "agriculture"
    assert lex.predict(["水库洪水预警"])[0] == "water"
    p = lex.predict_proba(["医学影像辅助诊断系统"])
    assert p.shape == (1, 3) and np.isclose(p.sum(), 1.0) and p.argmax() == 1


def test_model_lexical_traditional_script_meets_same_vocabulary(lex):
    assert lex.predict(["醫院影像輔助診斷"])[0] == "health"


def test_model_unfitted_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LexicalClassifier().predict_proba(["文本"])


def test_model_calibrate_sets_temperature(lex):
    import copy

    m = copy.deepcopy(lex)
    m.calibrate(X, Y)
    assert m.temperature_ > 0 and m.temperature_ != 1.0
    assert np.allclose(m.predict_proba(X).sum(axis=1), 1.0)


def test_model_top_terms_explain_the_class(lex):
    terms = [t for t, _ in lex.top_terms("水库大坝渗压监测预警系统", "water")]
    assert terms and any("水库" in t or "渗压" in t or "大坝" in t for t in terms)


def test_model_ensemble_of_two_members_is_consistent():
    ens = EnsembleClassifier(members=[LexicalClassifier(C=10), LexicalClassifier(C=1)], weights=[0.7, 0.3]).fit(X, Y)
    p = ens.predict_proba(["茶园土壤监测"])
    assert np.isclose(p.sum(), 1.0) and ens.predict(["茶园土壤监测"])[0] == "agriculture"
    clone = pickle.loads(pickle.dumps(ens))
    assert np.allclose(clone.predict_proba(["茶园土壤监测"]), p)


def test_calibration_temperature_cools_overconfident_logits():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 400)
    logits = rng.normal(size=(400, 3))
    logits[np.arange(400), y] += 1.0
    t = fit_temperature(logits * 8, y)  # wildly overconfident
    assert t > 3


def test_calibration_ece_zero_for_perfect_confident_predictions():
    proba = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert expected_calibration_error(proba, np.array([0, 1])) == 0.0
    assert expected_calibration_error(proba, np.array([1, 0])) == 1.0


def test_model_ensemble_calibrated_from_raw_scores_equals_calibrated_on_texts():
    import copy

    ens = EnsembleClassifier(members=[LexicalClassifier(C=10), LexicalClassifier(C=1)], weights=[0.5, 0.5]).fit(X, Y)
    a, b = copy.deepcopy(ens).calibrate(X, Y), copy.deepcopy(ens).calibrate_scores(ens.raw_scores(X), Y)
    assert len(ens.raw_scores(X)) == 2  # one array of logits per member
    assert [m.temperature_ for m in a.members] == pytest.approx([m.temperature_ for m in b.members])
    assert a.temperature_ == pytest.approx(b.temperature_) and a.temperature_ != 1.0
    assert np.allclose(a.predict_proba(X), b.proba_from_scores(ens.raw_scores(X)))
