"""Routing over rounds, for department leads: per unit and round, what the model sent them, what
the reviewers kept, moved elsewhere (and where), and precision and recall over time.

The truth is the reviewers' final sub-area; the route is the model's suggested sub-area (建议子方向)
and its unit. A submission returned (退回分办) without a new sub-area counts as moved out of the
unit it was sent to (destination 未指明) and is left out of every unit's recall. Submissions the model
did not route (no 建议子方向, e.g. the report's 待分办 sheet) are left out and counted per round. Counting reuses
``classify.routing_report`` (``RoutedItem``, ``unit_table``, ``unit_confusion``, ``confusion_png``).
"""
from __future__ import annotations

import base64
import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..classify.routing_report import RoutedItem, confusion_png, unit_confusion, unit_table
from ..records import Review
from ..taxonomy import Taxonomy
from .store import round_sort_key

UNPLACED = "unplaced"  # returned without a destination
UNPLACED_NAME = "未指明"


@dataclass(frozen=True)
class UnitRound:
    """One unit in one round."""

    round: str
    unit: str
    unit_name: str
    routed: int  # reviewed submissions the model sent to this unit
    kept: int  # … the reviewers left with it
    moved_out: int  # … the reviewers sent elsewhere (or returned)
    moved_to: dict[str, int] = field(default_factory=dict)  # unit id (or "unplaced") -> count
    received: int = 0  # submissions the model sent elsewhere that reviewers gave to this unit
    received_from: dict[str, int] = field(default_factory=dict)
    belong: int = 0  # reviewed submissions whose final unit is this one
    precision: float | None = None  # kept / routed
    recall: float | None = None  # kept / belong
    auto_routed: int = 0  # routed without 需人工分办
    auto_kept: int = 0

    @property
    def auto_precision(self) -> float | None:
        return round(self.auto_kept / self.auto_routed, 4) if self.auto_routed else None


@dataclass(frozen=True)
class RoundSummary:
    round: str
    reviewed: int  # reviews of submissions the model routed
    unrouted: int  # reviews of submissions it did not route (left out of every other number)
    moved: int  # to another unit or returned
    corrected: int  # sub-area changed (within a unit too)
    unplaced: int
    accuracy: float | None  # share of reviewed submissions left with the unit they were sent to
    by_hand: int
    auto_precision: float | None


def review_to_item(r: Review) -> RoutedItem | None:
    """A review as ``classify.routing_report.RoutedItem`` (None when either end is not known)."""
    if r.final_sub_area is None or r.suggested_sub_area is None:
        return None
    return RoutedItem(id=r.submission_id, text=r.name, true_sub_area=r.final_sub_area,
                      pred_sub_area=r.suggested_sub_area, probability=r.unit_probability or 0.0,
                      route_by_hand=bool(r.route_by_hand))


def routed_unit(r: Review, tax: Taxonomy) -> str:
    return tax.sub_area(r.suggested_sub_area).unit


def final_unit(r: Review, tax: Taxonomy) -> str:
    return tax.sub_area(r.final_sub_area).unit if r.final_sub_area else UNPLACED


def by_round(reviews: list[Review]) -> dict[str, list[Review]]:
    """The reviews of submissions the model routed, per round, rounds in natural order."""
    out: dict[str, list[Review]] = {}
    for r in reviews:
        out.setdefault(r.round, [])
        if r.suggested_sub_area is not None:
            out[r.round].append(r)
    return {k: out[k] for k in sorted(out, key=round_sort_key)}


def unit_rounds(reviews: list[Review], tax: Taxonomy) -> list[UnitRound]:
    """Per round and unit (units in taxonomy order, only those with a submission in the round)."""
    rows = []
    for label, rs in by_round(reviews).items():
        items = [it for it in map(review_to_item, rs) if it is not None]
        table = {row.unit: row for row in unit_table(items, tax)}
        for uid, unit in tax.units.items():
            sent = [r for r in rs if routed_unit(r, tax) == uid]  # with the ones returned unplaced
            known = table.get(uid)
            if not sent and known is None:
                continue
            kept, belong = (known.correct, known.belong) if known else (0, 0)
            moved_to = Counter(final_unit(r, tax) for r in sent if final_unit(r, tax) != uid)
            received_from = Counter(routed_unit(r, tax) for r in rs
                                    if final_unit(r, tax) == uid and routed_unit(r, tax) != uid)
            auto = [r for r in sent if r.route_by_hand is False]
            rows.append(UnitRound(
                round=label, unit=uid, unit_name=unit.name, routed=len(sent), kept=kept, moved_out=len(sent) - kept,
                moved_to=dict(moved_to.most_common()), received=sum(received_from.values()),
                received_from=dict(received_from.most_common()), belong=belong,
                precision=round(kept / len(sent), 4) if sent else None,
                recall=round(kept / belong, 4) if belong else None,
                auto_routed=len(auto), auto_kept=sum(1 for r in auto if final_unit(r, tax) == uid)))
    return rows


def round_summaries(reviews: list[Review], tax: Taxonomy) -> list[RoundSummary]:
    out = []
    for label, rs in by_round(reviews).items():
        moved = sum(1 for r in rs if final_unit(r, tax) != routed_unit(r, tax))
        auto = [r for r in rs if r.route_by_hand is False]
        auto_ok = sum(1 for r in auto if final_unit(r, tax) == routed_unit(r, tax))
        unrouted = sum(1 for r in reviews if r.round == label and r.suggested_sub_area is None)
        out.append(RoundSummary(label, len(rs), unrouted, moved, sum(r.corrected for r in rs),
                                sum(1 for r in rs if r.final_sub_area is None),
                                round(1 - moved / len(rs), 4) if rs else None,
                                sum(1 for r in rs if r.route_by_hand), round(auto_ok / len(auto), 4) if auto else None))
    return out


def moves(reviews: list[Review], tax: Taxonomy) -> list[tuple[str, str, str, int]]:
    """(round, from unit, to unit, count) of every move between units, most frequent first per round."""
    out = []
    for label, rs in by_round(reviews).items():
        counts = Counter((routed_unit(r, tax), final_unit(r, tax)) for r in rs if final_unit(r, tax) != routed_unit(r, tax))
        out += [(label, a, b, n) for (a, b), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return out


# -- outputs ---------------------------------------------------------------------------------------

def unit_label(uid: str, tax: Taxonomy) -> str:
    return UNPLACED_NAME if uid == UNPLACED else tax.units[uid].name


def _where(counts: dict[str, int], tax: Taxonomy) -> str:
    return "；".join(f"{unit_label(u, tax)} {n}" for u, n in counts.items())


def write_csvs(rows: list[UnitRound], move_rows: list[tuple[str, str, str, int]], tax: Taxonomy, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    main = out / "routing_over_rounds.csv"
    with main.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["round", "unit", "unit_name", "routed", "kept", "moved_out", "moved_to", "received",
                    "received_from", "belong", "precision", "recall", "auto_routed", "auto_precision"])
        for r in rows:
            w.writerow([r.round, r.unit, r.unit_name, r.routed, r.kept, r.moved_out, _where(r.moved_to, tax), r.received,
                        _where(r.received_from, tax), r.belong, _num(r.precision), _num(r.recall), r.auto_routed,
                        _num(r.auto_precision)])
    moves_csv = out / "moves.csv"
    with moves_csv.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["round", "from_unit", "from_unit_name", "to_unit", "to_unit_name", "count"])
        for label, a, b, n in move_rows:
            w.writerow([label, a, unit_label(a, tax), b, unit_label(b, tax), n])
    return {"csv": main, "moves_csv": moves_csv}


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:.4f}"


def pyplot_with_cjk_font(headless: bool = True):
    """matplotlib.pyplot with a Chinese font when one is installed; ``headless=False`` keeps the
    notebook's own backend (charts of this module and the notebooks)."""
    import matplotlib

    if headless:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [f.name for f in font_manager.fontManager.ttflist if "CJK" in f.name or "Noto Sans SC" in f.name
           or "WenQuanYi" in f.name or "SimHei" in f.name]
    if cjk:
        cjk.sort(key=lambda name: ("Sans" not in name, " SC" not in name, name))  # a Simplified sans face first
        plt.rcParams["font.sans-serif"] = [cjk[0], "DejaVu Sans"]
        plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def units_chart(rows: list[UnitRound], rounds: list[str]) -> bytes:
    """Small multiples, one per unit: kept and moved-out submissions per round (bars), precision and recall (lines)."""
    plt = pyplot_with_cjk_font()
    from matplotlib.ticker import MaxNLocator

    units = list(dict.fromkeys(r.unit for r in rows))
    names = {r.unit: r.unit_name for r in rows}
    cols = min(4, max(1, len(units)))
    nrows = (len(units) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(3.6 * cols, 2.7 * nrows), dpi=100, squeeze=False)
    x = list(range(len(rounds)))
    for ax, uid in zip(axes.flat, units):
        mine = {r.round: r for r in rows if r.unit == uid}
        kept = [mine[k].kept if k in mine else 0 for k in rounds]
        moved = [mine[k].moved_out if k in mine else 0 for k in rounds]
        ax.bar(x, kept, color="#7fb3d5", label="保留")
        ax.bar(x, moved, bottom=kept, color="#f0b27a", label="移出")
        ax.set_title(names[uid], fontsize=10)
        ax.set_xticks(x, rounds, fontsize=8)
        ax.set_ylabel("件数", fontsize=8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max(1, max(k + m for k, m in zip(kept, moved))) * 1.15)
        ax2 = ax.twinx()
        for key, color, label in (("precision", "#1f618d", "精确率"), ("recall", "#b03a2e", "召回率")):
            pts = [(i, getattr(mine[k], key)) for i, k in enumerate(rounds) if k in mine and getattr(mine[k], key) is not None]
            if pts:
                ax2.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color=color, label=label)
        ax2.set_ylim(0, 1.05)
        ax2.set_ylabel("比例", fontsize=8)
        ax2.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(units):]:
        ax.axis("off")
    handles = [plt.Rectangle((0, 0), 1, 1, color="#7fb3d5"), plt.Rectangle((0, 0), 1, 1, color="#f0b27a"),
               plt.Line2D([], [], color="#1f618d", marker="o"), plt.Line2D([], [], color="#b03a2e", marker="o")]
    fig.legend(handles, ["保留在本单位", "评审移出", "精确率", "召回率"], loc="lower center", ncol=4, fontsize=9)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    data = _png(fig)
    plt.close(fig)
    return data


def summary_chart(summaries: list[RoundSummary]) -> bytes:
    plt = pyplot_with_cjk_font()
    fig, ax = plt.subplots(figsize=(6, 3.2), dpi=100)
    labels = [s.round for s in summaries]
    for key, label, color in (("accuracy", "分办准确率", "#1f618d"), ("auto_precision", "自动分办精确率", "#117a65")):
        pts = [(i, getattr(s, key)) for i, s in enumerate(summaries) if getattr(s, key) is not None]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color=color, label=label)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("比例")
    ax.legend(loc="lower right", fontsize=9)
    fig.tight_layout()
    data = _png(fig)
    plt.close(fig)
    return data


def write_routing_over_rounds(reviews: list[Review], tax: Taxonomy, out: Path, *, source: str = "") -> dict[str, Path]:
    """The department leads' view: HTML (charts inside, Chinese) and CSV."""
    from jinja2 import Environment, select_autoescape

    from .rounds_html import TEMPLATE

    out = Path(out)
    rows = unit_rounds(reviews, tax)
    move_rows = moves(reviews, tax)
    summaries = round_summaries(reviews, tax)
    files = write_csvs(rows, move_rows, tax, out)
    rounds = [s.round for s in summaries]
    latest = rounds[-1] if rounds else ""
    items = [it for it in map(review_to_item, [r for r in reviews if r.round == latest]) if it is not None]
    matrix_png = b""
    if items:
        units, matrix = unit_confusion(items, tax)
        matrix_png = confusion_png([tax.units[u].name for u in units], matrix, title=f"第 {latest} 轮：实际归属 × 模型分办")
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    html = env.from_string(TEMPLATE).render(
        source=source, rounds=rounds, summaries=summaries, rows=rows, tax=tax, where=lambda d: _where(d, tax),
        units=list(dict.fromkeys(r.unit for r in rows)),
        summary_png=base64.b64encode(summary_chart(summaries)).decode() if summaries else "",
        units_png=base64.b64encode(units_chart(rows, rounds)).decode() if rows else "",
        matrix_png=base64.b64encode(matrix_png).decode(), latest=latest,
        moves=[(label, unit_label(a, tax), unit_label(b, tax), n) for label, a, b, n in move_rows],
    )
    files["html"] = out / "routing_over_rounds.html"
    files["html"].write_text(html, encoding="utf-8")
    return files
