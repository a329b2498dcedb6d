"""Stage 4: explainable pre-scores for the joint review (部门联审).

    rubric.py     the commission's rubric (knowledge/rubric.yaml), validated on load
    terms.py      the words the rules look for (knowledge/score_terms.yaml)
    passages.py   a submission's concrete sentences, boilerplate dropped; snippets
    indicators.py one function per rule: submission → value in [0, 1] with evidence
    penalties.py  duplicate and homogenization penalties from the dedup result
    flags.py      what a human must look at, in Chinese
    scorecard.py  the stage: score_submissions(...) → list[ScoreCard]
    ranks.py      overall, per sub-area and per unit ranks
    weights.py    fitting indicator weights to past reviewers' scores; Spearman
    reviewers.py  reading a reviewers' score file
    output.py     scores.jsonl / scores.csv
    commands.py   `scenario-screen score` and `scenario-screen fit-weights`
"""
from .rubric import Rubric, load_rubric
from .scorecard import score_submissions

__all__ = ["Rubric", "load_rubric", "score_submissions"]
