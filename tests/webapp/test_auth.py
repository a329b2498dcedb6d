"""Accounts (no defaults, argon2 hashes), sign-in throttling, sessions."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from pipeline.webapp.auth import AccountError, add_user, set_active
from pipeline.webapp.db import engine_for, session_factory
from pipeline.webapp.models import User, WebSession, utcnow

from .conftest import FAST, password_of, sign_in, web_settings


def _login(client, name: str, password: str):
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token},
                       follow_redirects=False)


def test_auth_a_new_database_has_no_account(empty_db_url):
    from pipeline.webapp.migrate import upgrade

    upgrade(empty_db_url)
    with session_factory(engine_for(empty_db_url))() as db:
        assert db.scalar(select(func.count(User.id))) == 0


def test_auth_passwords_are_argon2_hashes(db_url):
    with session_factory(engine_for(db_url))() as db:
        for user in db.scalars(select(User)):
            assert user.password_hash.startswith("$argon2id$")
            assert password_of(user.name) not in user.password_hash


def test_auth_account_rules(db_url, tax):
    with session_factory(engine_for(db_url))() as db:
        with pytest.raises(AccountError, match="--unit"):
            add_user(db, "rev", "reviewer", None, "Long-enough-pass-1", tax, FAST)
        with pytest.raises(AccountError, match="unknown unit"):
            add_user(db, "rev", "reviewer", "省不存在厅", "Long-enough-pass-1", tax, FAST)
        with pytest.raises(AccountError, match="only reviewers"):
            add_user(db, "boss", "commission", "slt", "Long-enough-pass-1", tax, FAST)
        with pytest.raises(AccountError, match="at least"):
            add_user(db, "rev", "reviewer", "slt", "short", tax, FAST)
        with pytest.raises(AccountError, match="role"):
            add_user(db, "rev", "admin", None, "Long-enough-pass-1", tax, FAST)
        with pytest.raises(AccountError, match="exists"):
            add_user(db, "fgw", "commission", None, "Long-enough-pass-1", tax, FAST)
        user = add_user(db, "水利评审2", "reviewer", "浙江省水利厅", "Long-enough-pass-1", tax, FAST)
        assert user.unit == "slt"


def test_auth_sign_in_and_out(app):
    client = sign_in(app, None)
    assert client.get("/queue", follow_redirects=False).headers["location"] == "/login"
    assert _login(client, "fgw", "wrong-password-123").status_code == 401
    r = _login(client, "fgw", password_of("fgw"))
    assert r.status_code == 303 and r.headers["location"] == "/"
    me = client.get("/api/me").json()
    assert me["role"] == "commission"
    old_cookie = client.cookies.get("screen_session")
    assert client.post("/logout", data={"csrf_token": me["csrf_token"]}, follow_redirects=False).status_code == 303
    assert client.get("/api/me").status_code == 401
    client.cookies.set("screen_session", old_cookie)
    assert client.get("/api/me").status_code == 401  # the old session is gone on the server


def test_auth_repeated_failures_are_throttled_per_name_and_per_address(app):
    client = sign_in(app, None)
    for _ in range(5):
        assert _login(client, "slt_a", "not-the-password").status_code == 401
    assert _login(client, "slt_a", password_of("slt_a")).status_code == 429  # even with the right password now
    api = client.post("/api/login", json={"name": "slt_a", "password": password_of("slt_a")})
    assert api.status_code == 429 and int(api.headers["retry-after"]) > 0
    # the same address is locked for other names too (guessing many names from one place)
    assert _login(client, "jxt_a", password_of("jxt_a")).status_code == 429


def test_auth_throttle_window_expires_and_success_resets(db_url):
    from pipeline.webapp.app import create_app
    from pipeline.webapp.models import LoginThrottle

    app = create_app(web_settings(db_url, login_max_failures=3))
    client = sign_in(app, None)
    for _ in range(2):
        _login(client, "jxt_a", "nope-nope-nope")
    assert _login(client, "jxt_a", password_of("jxt_a")).status_code == 303  # below the limit: success resets
    with session_factory(engine_for(db_url))() as db:
        assert db.get(LoginThrottle, "name:jxt_a") is None
    client = sign_in(app, None)
    for _ in range(3):
        _login(client, "obs", "nope-nope-nope")
    assert _login(client, "obs", password_of("obs")).status_code == 429
    with session_factory(engine_for(db_url))() as db:
        db.execute(update(LoginThrottle).values(locked_until=utcnow() - timedelta(seconds=1)))
        db.commit()
    assert _login(client, "obs", password_of("obs")).status_code == 303


def test_auth_idle_session_expires_and_disabled_account_is_signed_out(app, db_url):
    client = sign_in(app, "slt_a")
    with session_factory(engine_for(db_url))() as db:
        db.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(hours=11)))
        db.commit()
    assert client.get("/api/me").status_code == 401
    client = sign_in(app, "slt_b")
    with session_factory(engine_for(db_url))() as db:
        set_active(db, "slt_b", False)
    assert client.get("/api/me").status_code == 401
    assert _login(sign_in(app, None), "slt_b", password_of("slt_b")).status_code == 401


def test_auth_change_own_password(app):
    client = sign_in(app, "obs")
    r = client.post("/account/password", data={"csrf_token": client.csrf, "current": "wrong-one-123",
                                                "new": "Brand-new-pass-9", "repeat": "Brand-new-pass-9"})
    assert r.status_code == 400
    r = client.post("/account/password", data={"csrf_token": client.csrf, "current": password_of("obs"),
                                                "new": "Brand-new-pass-9", "repeat": "Brand-new-pass-9"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/me").status_code == 401
    assert _login(sign_in(app, None), "obs", "Brand-new-pass-9").status_code == 303
