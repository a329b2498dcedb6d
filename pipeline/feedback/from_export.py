"""The joint review's outcome straight from the web app's database into the review loop, no workbook.

The web app (pipeline/webapp/) exports one row per submitted review or "not ours" return, plus one
row per submission a person rerouted without a review yet (``export_reviews`` and
``scenario-screen web export-reviews``; columns in README.md ("The joint review online"), "Into the review loop"). Here
those rows — plain dicts, from the function or read back from the JSONL — become ``Review``
records, and are stored with their labeled corrections exactly as a workbook import stores them
(``loop.save_reviews``). This module does not import the web app: the rows are the contract.

    reviews_from_export   rows → one Review per submission; every bad row listed in one ExportRowsError
    read_export_jsonl     the exported JSONL file → rows (line numbers kept for the messages)
    import_export_rows    rows → validated reviews → feedback store + corrections, all or nothing
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from ..bundle import RunBundle
from ..records import Review, ReviewImport, ReviewScores
from ..taxonomy import Taxonomy
from ..text import match_key
from .errors import FeedbackError
from .loop import save_reviews
from .workbook_import import ROUND_LABEL

EXPORT_LAYOUT = "webapp-reviews/1"  # the ``layout`` of the import log entry: rows of export_reviews
# the columns read here (a subset of the web app's REVIEW_COLUMNS)
EXPORT_COLUMNS = ("id", "round", "name", "final_sub_area", "final_unit", "predicted_sub_area", "route_status",
                  "scores", "total", "decision", "comment", "reviewer_unit", "reviewer_id", "submitted_at",
                  "counts", "round_status")
SCORE_KEYS = tuple(ReviewScores.model_fields)
UNROUTED = "待分办"  # the "sheet" of a submission no unit holds (as on the workbook)


@dataclass(frozen=True)
class RowProblem:
    """One bad row of the export; ``row`` is its 1-based position (the line of the JSONL file)."""

    row: int | None
    message: str
    submission_id: str = ""

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "导出"
        return f"{where}" + (f"（{self.submission_id}）" if self.submission_id else "") + f": {self.message}"


class ExportRowsError(FeedbackError):
    """Export rows that cannot be imported; ``problems`` lists every bad row. Nothing was written."""

    MAX_LISTED = 50

    def __init__(self, source: str, problems: list[RowProblem]):
        self.source = source
        self.problems = list(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems[: self.MAX_LISTED])
        more = len(self.problems) - self.MAX_LISTED
        tail = f"\n  … 以及另外 {more} 处" if more > 0 else ""
        super().__init__(f"{source}: 评审导出有 {len(self.problems)} 处问题，未导入任何内容 "
                         f"(nothing was imported; fix these rows or export again):\n{listed}{tail}")


@dataclass(frozen=True)
class ExportResult:
    """The export's rows, validated: one review per submission."""

    source: str
    sha256: str
    round: str
    reviews: list[Review]
    rows: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExportOutcome:
    result: ExportResult
    record: ReviewImport
    written: list[Path]
    notes: list[str] = field(default_factory=list)


def rows_sha256(rows: list[dict]) -> str:
    """A fingerprint of the rows (the same rows give the same hash, from the database or the file)."""
    text = "\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_export_jsonl(path: Path) -> list[tuple[int, dict]]:
    """(line number, row) of every non-blank line; a line that is not a JSON object is a problem."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ExportRowsError(str(path), [RowProblem(None, "文件不存在 (file not found)")]) from None
    except UnicodeDecodeError:
        raise ExportRowsError(str(path), [RowProblem(None, "不是 UTF-8 文本 (not UTF-8 JSONL: write it with "
                                                           "`scenario-screen web export-reviews`)")]) from None
    out, problems = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(RowProblem(n, f"不是 JSON (not JSON: {exc.msg})"))
            continue
        if not isinstance(row, dict):
            problems.append(RowProblem(n, "不是 JSON 对象 (each line is one object)"))
            continue
        out.append((n, row))
    if problems:
        raise ExportRowsError(str(path), problems)
    return out


def _sub_area(value: object, tax: Taxonomy) -> str | None:
    """The sub-area id of an id or name (None for None/""); raises ValueError when unknown."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    if value in tax.sub_areas:
        return value
    found = tax.find_sub_area(value)
    if found is None:
        raise ValueError(value)
    return found


def _unit_name(unit: str, tax: Taxonomy) -> str:
    return tax.units[unit].name if unit in tax.units else (unit or UNROUTED)


def _row_to_review(n: int, row: dict, tax: Taxonomy, round_id: str, model_version: str, source: str,
                   imported_at: str) -> tuple[Review | None, list[RowProblem]]:
    sid = str(row.get("id") or "").strip()
    problems: list[RowProblem] = []

    def bad(msg: str) -> None:
        problems.append(RowProblem(n, msg, sid))

    values = {}
    for key in ("predicted_sub_area", "final_sub_area"):
        try:
            values[key] = _sub_area(row.get(key), tax)
        except ValueError:
            bad(f"{key} {row.get(key)!r} 不是分类表 {tax.version} 中的子方向 (unknown sub-area id or name; "
                f"the database and this program must use the same taxonomy)")
    scores = row.get("scores") or {}
    if not isinstance(scores, dict):
        bad(f"scores 应为对象 (scores must be an object of condition id → 0–100), got {scores!r}")
        scores = {}
    unknown = sorted(set(scores) - set(SCORE_KEYS))
    if unknown:
        bad(f"未知的评分项 {', '.join(map(str, unknown))} (known: {', '.join(SCORE_KEYS)})")
    if problems:
        return None, problems
    suggested, final = values["predicted_sub_area"], values["final_sub_area"]
    if row.get("route_status") != "routed":
        final = None  # returned or waiting for the commission: where it belongs is not settled (as 退回分办 unplaced)
    reviewer_unit = str(row.get("reviewer_unit") or "")
    unit = reviewer_unit or str(row.get("final_unit") or "")
    try:
        review = Review(
            submission_id=sid, round=round_id, name=str(row.get("name") or ""), sheet=_unit_name(unit, tax), row=n,
            routed_unit=unit, suggested_sub_area=suggested, final_sub_area=final,
            corrected=suggested is not None and final != suggested,
            scores=ReviewScores(**{k: scores.get(k) for k in SCORE_KEYS}), total=row.get("total"),
            decision=row.get("decision") or None, comment=str(row.get("comment") or ""), model_version=model_version,
            workbook=source, imported_at=imported_at)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(x) for x in err["loc"])
            bad(f"{where}: {err['msg']} (got {err.get('input')!r}; scores and total are 0–100, decision one of "
                f"推荐/不推荐/待定/退回分办)")
        return None, problems
    return review, []


def _pick(candidates: list[tuple[int, dict, Review]]) -> tuple[int, dict, Review]:
    """The review a submission keeps when the export has several rows of it.

    A review that counts in the sums (by the department the submission is routed to now) before one
    that does not, a submitted review before a return, a review before a reviewless row, then the
    latest submitted, then the last row. The label (``final_sub_area``) is the same on all of them.
    """
    def key(c: tuple[int, dict, Review]):
        n, row, _ = c
        return (bool(row.get("counts")), row.get("reviewer_id") is not None, row.get("decision") != "退回分办",
                str(row.get("submitted_at") or ""), n)

    return max(candidates, key=key)


def reviews_from_export(rows: list[dict] | list[tuple[int, dict]], tax: Taxonomy, *, run: RunBundle | None = None,
                        round_id: str | None = None, source: str = "export", imported_at: str | None = None,
                        ) -> ExportResult:
    """The export's rows as ``Review`` records, one per submission; raise ``ExportRowsError`` listing every bad row.

    ``rows`` are the dicts of ``export_reviews`` (or ``(line, dict)`` pairs as ``read_export_jsonl`` returns).
    Checked as a whole: the columns; one round in every row, agreeing with ``round_id`` and the run;
    sub-area ids (or names) of the taxonomy; scores, total and decision; no review twice (same
    submission and reviewer); with the run, every id one of its submissions under the same name.
    """
    numbered = [r if isinstance(r, tuple) else (i, r) for i, r in enumerate(rows, 1)]
    problems: list[RowProblem] = []
    for n, row in numbered:
        missing = [c for c in EXPORT_COLUMNS if c not in row]
        if missing:
            problems.append(RowProblem(n, f"缺少列 {', '.join(missing)} (not a row of `web export-reviews`; export again)",
                                       str(row.get("id") or "")))
        elif not str(row.get("id") or "").strip():
            problems.append(RowProblem(n, "id 为空 (the submission id is missing)"))
    if problems:
        raise ExportRowsError(source, problems)
    label = _resolve_round(numbered, round_id, run, source)
    stamp = imported_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    model_version = str((run.meta.get("model_version", "") if run else "") or "")

    seen: dict[tuple[str, object], int] = {}
    for n, row in numbered:
        if row["reviewer_id"] is None:
            continue
        k = (str(row["id"]), row["reviewer_id"])
        if k in seen:
            problems.append(RowProblem(n, f"与第 {seen[k]} 行是同一评审人对同一申报的评审 (the same review twice: "
                                          f"reviewer {row['reviewer_id']}; export again instead of joining files)",
                                       k[0]))
        else:
            seen[k] = n
    if run is not None:
        subs = {s.id: s for s in run.submissions}
        for n, row in numbered:
            sid = str(row["id"])
            sub = subs.get(sid)
            if sub is None:
                problems.append(RowProblem(n, "不在本轮运行结果中 (unknown id: check --run points at the run "
                                              "the database's round was imported from)", sid))
            elif (name := str(row.get("name") or "")) and match_key(name) != match_key(sub.name):
                problems.append(RowProblem(n, f"运行结果中为“{sub.name}”，导出中为“{name}” (the id and the name "
                                              "disagree: another run?)", sid))

    by_id: dict[str, list[tuple[int, dict, Review]]] = {}
    for n, row in numbered:
        review, row_problems = _row_to_review(n, row, tax, label, model_version, source, stamp)
        problems += row_problems
        if review is not None:
            by_id.setdefault(review.submission_id, []).append((n, row, review))
    if problems:
        raise ExportRowsError(source, sorted(problems, key=lambda p: p.row or 0))

    reviews = [_pick(cands)[2] for cands in by_id.values()]
    reviews.sort(key=lambda r: (r.sheet, r.row, r.submission_id))
    notes = []
    several = sum(1 for cands in by_id.values() if len(cands) > 1)
    if several:
        notes.append(f"{several} 条申报有多条评审，每条申报保留一条（计入总分的、最新提交的）"
                     f"(several reviews of one submission: the one that counts, latest submitted, is kept)")
    statuses = {str(r.get("round_status") or "") for _, r in numbered}
    if "finalized" not in statuses:
        notes.append(f"第 {label} 轮尚未定稿，子方向和分数仍可能改变；定稿后请再导入一次 (the round is still open; "
                     f"import again once it is finalized)")
    return ExportResult(source=source, sha256=rows_sha256([r for _, r in numbered]), round=label, reviews=reviews,
                        rows=len(numbered), notes=notes)


def _resolve_round(numbered: list[tuple[int, dict]], round_id: str | None, run: RunBundle | None, source: str) -> str:
    in_rows = {str(r.get("round") or "") for _, r in numbered}
    if len(in_rows) > 1:
        raise ExportRowsError(source, [RowProblem(None, f"导出含多个轮次 {', '.join(sorted(in_rows))} (one round "
                                                        "per import: export each round on its own)")])
    given = {"--round": round_id or "", "export": next(iter(in_rows), ""),
             "run.json": (str(run.meta.get("round", "")) if run else "")}
    values = {v for v in given.values() if v}
    if not values:
        raise ExportRowsError(source, [RowProblem(None, "没有轮次 (no round in the rows or the run): pass --round, "
                                                        "e.g. --round 2026-1")])
    if len(values) > 1:
        said = "，".join(f"{k} = {v}" for k, v in given.items() if v)
        raise ExportRowsError(source, [RowProblem(None, f"轮次不一致 (the round labels disagree: {said}); import "
                                                        "the export of the same round as the run")])
    label = values.pop()
    if not ROUND_LABEL.match(label):
        raise ExportRowsError(source, [RowProblem(None, f"轮次“{label}”只能包含文字、数字、'.'、'-'、'_' "
                                                        f"(round {label!r} names files; use e.g. 2026-1)")])
    return label


def import_export_rows(rows: list[dict] | list[tuple[int, dict]], tax: Taxonomy, *, store_dir: Path,
                       corrections_dir: Path, run: RunBundle | None = None, round_id: str | None = None,
                       source: str = "export", dry_run: bool = False) -> ExportOutcome:
    """Validate the export's rows, then store the reviews and (with the run) the labeled corrections.

    Written as a workbook import writes (``loop.save_reviews``): importing a round again replaces the
    reviews and corrections of the submissions it holds and keeps the others; logged in imports.jsonl.
    """
    result = reviews_from_export(rows, tax, run=run, round_id=round_id, source=source)
    meta = run.meta if run is not None else {}
    record, written, notes = save_reviews(
        result.round, result.reviews, store_dir=store_dir, corrections_dir=corrections_dir, run=run, dry_run=dry_run,
        source=source, sha256=result.sha256, layout=EXPORT_LAYOUT, model_version=str(meta.get("model_version", "")),
        taxonomy_version=str(meta.get("taxonomy_version", "") or tax.version), rows=result.rows)
    return ExportOutcome(result, record, written, list(result.notes) + notes)
