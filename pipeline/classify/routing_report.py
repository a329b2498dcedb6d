"""Routing accuracy for department leads: per responsible unit, precision and recall of
routing, the confusion matrix (picture and table) and the misrouted examples; HTML and CSV."""
from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..taxonomy import Taxonomy


@dataclass(frozen=True)
class RoutedItem:
    id: str
    text: str
    true_sub_area: str
    pred_sub_area: str
    probability: float
    route_by_hand: bool = False


@dataclass(frozen=True)
class UnitRow:
    unit: str
    unit_name: str
    routed: int  # submissions the model sent to this unit
    belong: int  # submissions that truly belong to it
    correct: int
    precision: float
    recall: float
    f1: float


def unit_table(items: list[RoutedItem], tax: Taxonomy) -> list[UnitRow]:
    rows = []
    for uid, unit in tax.units.items():
        routed = [it for it in items if tax.sub_area(it.pred_sub_area).unit == uid]
        belong = [it for it in items if tax.sub_area(it.true_sub_area).unit == uid]
        correct = sum(1 for it in routed if tax.sub_area(it.true_sub_area).unit == uid)
        p = correct / len(routed) if routed else 0.0
        r = correct / len(belong) if belong else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        if routed or belong:
            rows.append(UnitRow(uid, unit.name, len(routed), len(belong), correct, round(p, 4), round(r, 4), round(f, 4)))
    return rows


def unit_confusion(items: list[RoutedItem], tax: Taxonomy) -> tuple[list[str], np.ndarray]:
    units = [u for u in tax.units if any(tax.sub_area(it.true_sub_area).unit == u or
                                         tax.sub_area(it.pred_sub_area).unit == u for it in items)]
    index = {u: i for i, u in enumerate(units)}
    m = np.zeros((len(units), len(units)), dtype=int)
    for it in items:
        m[index[tax.sub_area(it.true_sub_area).unit], index[tax.sub_area(it.pred_sub_area).unit]] += 1
    return units, m


def confusion_png(labels: list[str], matrix: np.ndarray, path: Path | None = None, title: str = "") -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [f.name for f in font_manager.fontManager.ttflist if "CJK" in f.name or "Noto Sans SC" in f.name
           or "WenQuanYi" in f.name or "SimHei" in f.name]
    if cjk:
        plt.rcParams["font.sans-serif"] = [cjk[0], "DejaVu Sans"]
    n = len(labels)
    fig, ax = plt.subplots(figsize=(max(6, 0.55 * n + 2), max(5, 0.5 * n + 1.5)), dpi=110)
    norm = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(n), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(n), labels, fontsize=8)
    for i in range(n):
        for j in range(n):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if norm[i, j] > 0.5 else "black")
    ax.set_xlabel("predicted" if not cjk else "模型分办")
    ax.set_ylabel("true" if not cjk else "实际归属")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    data = buf.getvalue()
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return data


def write_routing_report(items: list[RoutedItem], tax: Taxonomy, out: Path, *, title: str, source: str) -> dict:
    from jinja2 import Environment, PackageLoader, select_autoescape

    out.mkdir(parents=True, exist_ok=True)
    rows = unit_table(items, tax)
    units, matrix = unit_confusion(items, tax)
    names = [tax.units[u].name for u in units]
    png = confusion_png(names, matrix, out / "routing_confusion.png")
    with (out / "routing_by_unit.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["unit", "unit_name", "routed", "belong", "correct", "precision", "recall", "f1"])
        for r in rows:
            w.writerow([r.unit, r.unit_name, r.routed, r.belong, r.correct, r.precision, r.recall, r.f1])
    with (out / "routing_confusion.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["实际\\分办", *names])
        for name, row in zip(names, matrix):
            w.writerow([name, *row.tolist()])
    misrouted = [it for it in items if tax.sub_area(it.true_sub_area).unit != tax.sub_area(it.pred_sub_area).unit]
    with (out / "misrouted.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "true_sub_area", "true_unit", "pred_sub_area", "pred_unit", "probability", "route_by_hand",
                    "text"])
        for it in misrouted:
            w.writerow([it.id, it.true_sub_area, tax.unit_of(it.true_sub_area).name, it.pred_sub_area,
                        tax.unit_of(it.pred_sub_area).name, it.probability, it.route_by_hand, it.text])
    env = Environment(loader=PackageLoader("pipeline", "templates"), autoescape=select_autoescape(["html", "j2"]))
    total = len(items)
    correct = total - len(misrouted)
    html = env.get_template("routing_report.html.j2").render(
        title=title, source=source, rows=rows, names=names, matrix=matrix.tolist(),
        png=base64.b64encode(png).decode(), misrouted=misrouted[:200], n_misrouted=len(misrouted), tax=tax,
        total=total, accuracy=correct / total if total else 0.0,
        by_hand=sum(1 for it in items if it.route_by_hand),
    )
    (out / "routing_report.html").write_text(html, encoding="utf-8")
    return {"html": out / "routing_report.html", "by_unit_csv": out / "routing_by_unit.csv",
            "confusion_csv": out / "routing_confusion.csv", "confusion_png": out / "routing_confusion.png",
            "misrouted_csv": out / "misrouted.csv"}
