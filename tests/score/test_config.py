import pytest

from pipeline.config import ScoreSettings, load_settings
from pipeline.errors import SettingsError


def test_config_score_section_is_typed_and_matches_the_yaml():
    s = load_settings().score
    assert s == ScoreSettings()
    assert s.rubric == "rubric.yaml" and s.snippet_chars == 80


def test_config_resolve_accepts_none_dict_section_and_settings():
    full = load_settings()
    assert ScoreSettings.resolve(None) == ScoreSettings()
    assert ScoreSettings.resolve({"max_evidence": 2}).max_evidence == 2
    assert ScoreSettings.resolve(full) is full.score
    with pytest.raises(SettingsError, match="got 42"):
        ScoreSettings.resolve(42)
    with pytest.raises(SettingsError, match="snippet_chars"):
        ScoreSettings.resolve({"snippet_chars": 120})


def test_config_override_and_unknown_key():
    assert load_settings(overrides=["score.fit_folds=3"]).score.fit_folds == 3
    with pytest.raises(SettingsError, match="snipet_chars"):
        load_settings(overrides=["score.snipet_chars=60"])
