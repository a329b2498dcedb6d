"""Reading the YAML data files (taxonomy, form labels, rubric, score terms, settings) with one error style."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import KnowledgeFileError, ScreenError


def read_yaml(path: Path, what: str, error: type[ScreenError] = KnowledgeFileError) -> Any:
    """The parsed content of the YAML file ``path`` (None when it is empty).

    ``what`` names the file in messages ("taxonomy", "rubric" …); a missing file or invalid YAML
    raises ``error`` saying so and naming the path.
    """
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{what} file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise error(f"{what} file {path} is not valid YAML: {exc}") from None
