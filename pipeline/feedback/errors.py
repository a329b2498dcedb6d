"""Errors of the review loop. Messages name the bad value and say how to fix it."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ScreenError


class FeedbackError(ScreenError):
    """The review loop cannot go on (missing store, bad round label, no model …)."""


@dataclass(frozen=True)
class RowProblem:
    """One problem of a filled workbook, where a reviewer can find it."""

    sheet: str
    row: int | None  # 1-based row; None: the sheet as a whole
    message: str

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”" + (f" 第 {self.row} 行" if self.row else "")
        return f"{where}: {self.message}"


class WorkbookError(FeedbackError):
    """A filled workbook that cannot be imported; ``problems`` lists every bad row. Nothing was written."""

    MAX_LISTED = 50

    def __init__(self, path: str, problems: list[RowProblem]):
        self.path = path
        self.problems = list(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems[: self.MAX_LISTED])
        more = len(self.problems) - self.MAX_LISTED
        tail = f"\n  … 以及另外 {more} 处" if more > 0 else ""
        super().__init__(f"{path}: 联审表有 {len(self.problems)} 处问题，未导入任何内容 "
                         f"(nothing was imported; fix these rows and import again):\n{listed}{tail}")
