"""Settings of the joint-review web app: values only, validated once.

The web app does not share ``knowledge/settings.yaml`` (its values are about a server, not a
stage); ``WebSettings.resolve`` accepts None, a dict or an instance, and the CLI lays its options
over the defaults.
"""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import SettingsError

DB_ENV = "SCREEN_DB_URL"
DEFAULT_DB_FILE = "joint_review.db"


def default_db_url() -> str:
    """``$SCREEN_DB_URL``, else an SQLite file ``joint_review.db`` in the current folder."""
    return os.environ.get(DB_ENV) or f"sqlite:///{Path(DEFAULT_DB_FILE).resolve()}"


def db_url_of(value: str | Path | None) -> str:
    """A database URL from a URL, a plain file path (an SQLite file) or None (the default)."""
    if value is None or str(value) == "":
        return default_db_url()
    text = str(value)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).resolve()}"


class Argon2Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    time_cost: int = Field(3, ge=1)
    memory_cost: int = Field(65536, ge=8)  # KiB
    parallelism: int = Field(4, ge=1)


class WebSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    db_url: str = Field(default_factory=default_db_url)
    round: str = ""  # the round this server shows; "" = the only or the latest round in the database
    session_hours: float = Field(10.0, gt=0)  # a session idle this long is ended
    secure_cookies: bool = False  # set when served over HTTPS (behind a reverse proxy)
    login_max_failures: int = Field(5, ge=1)  # failed logins for one name or one address ...
    login_window_minutes: float = Field(15.0, gt=0)  # ... within this window ...
    login_lock_minutes: float = Field(15.0, gt=0)  # ... lock further tries this long
    argon2: Argon2Params = Argon2Params()
    disagreement_points: float = Field(20.0, gt=0)  # reviewers' totals this far apart are shown to the commission
    disagreement_condition_points: float = Field(30.0, gt=0)  # or one condition this far apart
    default_cutoff: float = Field(60.0, ge=0, le=100)  # mean total needed for the shortlist (changeable per round)
    page_size: int = Field(200, ge=10)

    @classmethod
    def resolve(cls, value: WebSettings | dict | None = None, **overrides) -> WebSettings:
        if value is None:
            data: dict = {}
        elif isinstance(value, WebSettings):
            data = value.model_dump()
        elif isinstance(value, dict):
            data = dict(value)
        else:
            raise SettingsError(f"web settings must be None, a dict or WebSettings, got {type(value).__name__}: {value!r}")
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SettingsError(f"invalid web settings: {exc}") from None
