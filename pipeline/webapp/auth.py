"""Accounts, passwords, sign-in throttling and sessions.

Accounts are made from the command line only (there is no default account and no default
password). Passwords are hashed with Argon2id; a session is a random token in an HttpOnly cookie
whose SHA-256 is stored, with its own CSRF token. Failed sign-ins are counted per account name
and per client address; past the limit both are locked for a while.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import ScreenError
from ..taxonomy import Taxonomy
from .audit import CLI_ACTOR, Actor, record
from .db import begin_write
from .models import ROLES, LoginThrottle, User, WebSession, utcnow
from .settings import Argon2Params, WebSettings

MIN_PASSWORD = 10
NAME_RE = re.compile(r"^[\w.@\-\u4e00-\u9fff]{2,64}$")


class AccountError(ScreenError):
    """An account cannot be created or changed as asked."""


class LoginFailed(ScreenError):
    """Wrong name or password (the message never says which)."""


class LoginThrottled(ScreenError):
    def __init__(self, seconds: int):
        super().__init__(f"too many failed sign-ins; try again in {seconds} s")
        self.seconds = seconds


def aware(dt: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every time here is UTC."""
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt


@lru_cache(maxsize=4)
def hasher(params: Argon2Params) -> PasswordHasher:
    return PasswordHasher(time_cost=params.time_cost, memory_cost=params.memory_cost, parallelism=params.parallelism)


@lru_cache(maxsize=4)
def _dummy_hash(params: Argon2Params) -> str:
    return hasher(params).hash(secrets.token_urlsafe(16))


def check_password_rules(name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if name.lower() in password.lower() or len(set(password)) < 4:
        raise AccountError("the password must not contain the account name or repeat a few characters")


def resolve_unit(unit: str | None, tax: Taxonomy) -> str | None:
    if unit is None or not unit.strip():
        return None
    unit = unit.strip()
    if unit in tax.units:
        return unit
    found = tax.find_unit(unit)
    if found is None:
        raise AccountError(f"unknown unit {unit!r}; use an id or a name from the taxonomy: "
                           + ", ".join(f"{u.id} ({u.name})" for u in tax.units.values()))
    return found


def add_user(db: Session, name: str, role: str, unit: str | None, password: str, tax: Taxonomy,
             params: Argon2Params, actor: Actor = CLI_ACTOR) -> User:
    name = name.strip()
    if not NAME_RE.match(name):
        raise AccountError(f"account name {name!r} must be 2–64 letters, digits, Chinese characters or . _ - @")
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    unit_id = resolve_unit(unit, tax)
    if role == "reviewer" and unit_id is None:
        raise AccountError("a reviewer belongs to a department: pass --unit (e.g. --unit slt or --unit 省水利厅)")
    if role != "reviewer" and unit_id is not None:
        raise AccountError(f"only reviewers have a unit; a {role} account sees every department")
    check_password_rules(name, password)
    begin_write(db)
    if db.scalar(select(User).where(User.name == name)) is not None:
        raise AccountError(f"account {name!r} exists already; use `web user passwd` to change its password")
    user = User(name=name, role=role, unit=unit_id, password_hash=hasher(params).hash(password), active=True)
    db.add(user)
    db.flush()
    record(db, actor, "user_add", None, "user", name, None, {"role": role, "unit": unit_id})
    db.commit()
    return user


def set_password(db: Session, name: str, password: str, params: Argon2Params, actor: Actor = CLI_ACTOR) -> None:
    check_password_rules(name, password)
    begin_write(db)
    user = db.scalar(select(User).where(User.name == name))
    if user is None:
        raise AccountError(f"no account named {name!r}")
    user.password_hash = hasher(params).hash(password)
    user.password_changed_at = utcnow()
    db.execute(delete(WebSession).where(WebSession.user_id == user.id))  # sign out everywhere
    record(db, actor, "user_password", None, "user", name, None, None)
    db.commit()


def change_own_password(db: Session, user_id: int, current: str, new: str, params: Argon2Params,
                        actor: Actor) -> None:
    """A signed-in user changes their password (the current one is checked); ends their other sessions."""
    user = db.get(User, user_id)
    if user is None:
        raise AccountError("no such account")
    try:
        hasher(params).verify(user.password_hash, current)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise AccountError("当前密码不正确") from None
    set_password(db, user.name, new, params, actor)


def set_active(db: Session, name: str, active: bool, actor: Actor = CLI_ACTOR) -> None:
    begin_write(db)
    user = db.scalar(select(User).where(User.name == name))
    if user is None:
        raise AccountError(f"no account named {name!r}")
    before = {"active": user.active}
    user.active = active
    if not active:
        db.execute(delete(WebSession).where(WebSession.user_id == user.id))
    record(db, actor, "user_active", None, "user", name, before, {"active": active})
    db.commit()


# --- signing in ---------------------------------------------------------------------------


def _keys(name: str, remote: str) -> list[str]:
    return [f"name:{name.strip().lower()[:150]}", f"addr:{remote[:150]}"]


def _locked_for(db: Session, keys: list[str], now: datetime) -> int:
    worst = 0
    for row in db.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))):
        until = aware(row.locked_until)
        if until and until > now:
            worst = max(worst, int((until - now).total_seconds()) + 1)
    return worst


def _count_failure(db: Session, keys: list[str], now: datetime, settings: WebSettings) -> None:
    window = timedelta(minutes=settings.login_window_minutes)
    for key in keys:
        row = db.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, first_failed_at=now)
            db.add(row)
        if now - aware(row.first_failed_at) > window:
            row.failures, row.first_failed_at = 0, now
        row.failures += 1
        if row.failures >= settings.login_max_failures:
            row.locked_until = now + timedelta(minutes=settings.login_lock_minutes)


def authenticate(db: Session, name: str, password: str, remote: str, settings: WebSettings) -> User:
    """The active account with this name and password, or LoginFailed / LoginThrottled; commits."""
    now = utcnow()
    keys = _keys(name, remote)
    begin_write(db)
    locked = _locked_for(db, keys, now)
    if locked:
        db.rollback()
        raise LoginThrottled(locked)
    user = db.scalar(select(User).where(User.name == name.strip()))
    ph = hasher(settings.argon2)
    ok = False
    try:
        ph.verify(user.password_hash if user is not None else _dummy_hash(settings.argon2), password)
        ok = user is not None and user.active
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        for attempt in range(2):  # two first failures at once may both insert the counter row
            try:
                _count_failure(db, keys, now, settings)
                db.commit()
                break
            except IntegrityError:
                db.rollback()
                begin_write(db)
        raise LoginFailed("wrong account name or password")
    if ph.check_needs_rehash(user.password_hash):
        user.password_hash = ph.hash(password)
    db.execute(delete(LoginThrottle).where(LoginThrottle.key == keys[0]))
    db.commit()
    return user


# --- sessions -----------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(db: Session, user: User) -> tuple[str, str]:
    """A new session for the user: (cookie token, CSRF token); commits."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    begin_write(db)
    db.add(WebSession(token_hash=token_hash(token), user_id=user.id, csrf_token=csrf))
    db.commit()
    return token, csrf


def session_user(db: Session, token: str | None, settings: WebSettings) -> tuple[User, WebSession] | None:
    """The signed-in account of a cookie token, or None when absent, unknown, idle too long or disabled."""
    if not token or len(token) > 100:
        return None
    ws = db.get(WebSession, token_hash(token))
    if ws is None:
        return None
    now = utcnow()
    if now - aware(ws.last_seen_at) > timedelta(hours=settings.session_hours):
        return None
    user = db.get(User, ws.user_id)
    if user is None or not user.active:
        return None
    if now - aware(ws.last_seen_at) > timedelta(minutes=1):  # keep the idle clock, without a write per request
        begin_write(db)
        fresh = db.get(WebSession, ws.token_hash)
        if fresh is not None:
            fresh.last_seen_at = now
        db.commit()
        user = db.get(User, ws.user_id)
    return user, ws


def close_session(db: Session, token: str | None) -> None:
    if not token:
        return
    begin_write(db)
    db.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
    db.commit()


def purge_sessions(db: Session, settings: WebSettings) -> int:
    begin_write(db)
    cutoff = utcnow() - timedelta(hours=settings.session_hours)
    n = db.execute(delete(WebSession).where(WebSession.last_seen_at < cutoff)).rowcount
    db.commit()
    return n or 0
