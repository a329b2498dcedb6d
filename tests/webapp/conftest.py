"""Fixtures of the web app's tests: a hand-built round, databases (SQLite always, PostgreSQL from
$SCREEN_TEST_PG_URL or a throwaway cluster), accounts and signed-in clients.

Each test gets its own database copied from a migrated, imported template (a file copy for
SQLite, ``CREATE DATABASE … TEMPLATE`` for PostgreSQL), so tests may write freely.
"""
from __future__ import annotations

import itertools
import os
import re
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.bundle import RunBundle
from pipeline.records import (AlignedPassage, ConditionScore, DeclaredArea, DedupResult, DuplicateCluster,
                              DuplicatePair, Finding, Prediction, ScoreCard, SubAreaScore, Submission)
from pipeline.taxonomy import load_taxonomy
from pipeline.webapp.db import dispose, engine_for, session_factory
from pipeline.webapp.settings import Argon2Params

ROUND = "2026-1"
FAST = Argon2Params(time_cost=1, memory_cost=64, parallelism=1)  # tests only: hashing in microseconds
PG_ENV = "SCREEN_TEST_PG_URL"

# name -> (role, unit)
ACCOUNTS = {
    "fgw": ("commission", None),
    "obs": ("observer", None),
    "slt_a": ("reviewer", "slt"),
    "slt_b": ("reviewer", "slt"),
    "jxt_a": ("reviewer", "jxt"),
    "yjt_a": ("reviewer", "yjt"),
}


def password_of(name: str) -> str:
    return f"Joint-Review-2026!{sorted(ACCOUNTS).index(name)}"


# --- the round --------------------------------------------------------------------------------

# id -> (name, applicant, city, declared sub-area, predicted sub-area, probability, pre-score or None)
SUBMISSIONS = {
    "Sw1": ("水库AI巡查预警", "台州市水利局", "台州市", "water", "water", 0.97, 72.0),
    "Sw2": ("山塘AI巡查预警", "衢州市水利局", "衢州市", "water", "water", 0.95, 70.0),
    "Sw3": ("河道智能监测", "湖州市水利局", "湖州市", "water", "water", 0.91, None),
    "Sm1": ("纺织面料AI质检", "越纺智能科技有限公司", "绍兴市", "manufacturing", "manufacturing", 0.96, 81.0),
    "Sm2": ("注塑工艺参数优化", "宁波模塑有限公司", "宁波市", "manufacturing", "manufacturing", 0.93, 64.0),
    "Se1": ("地质灾害AI预警", "丽水市应急管理局", "丽水市", "emergency", "emergency", 0.98, 77.0),
    "Sh1": ("科研数据智能分析平台", "之江实验室", "杭州市", "research_enablement", "tech_research", 0.41, 55.0),
}
HOSTILE = "<script>alert('x')</script>=HYPERLINK(\"http://evil\")"


def _prediction(sid: str, sub_area: str, prob: float, tax) -> Prediction:
    sa = tax.sub_areas[sub_area]
    dom = tax.domains[sa.domain]
    unit = tax.units[sa.unit]
    return Prediction(submission_id=sid, sub_area=sub_area, sub_area_name=sa.name, domain=dom.id,
                      domain_name=dom.name, unit=unit.id, unit_name=unit.name, probability=prob,
                      unit_probability=prob, top=(SubAreaScore(sub_area=sub_area, name=sa.name, probability=prob),),
                      route_by_hand=prob < 0.6, evidence_terms=("人工智能",), evidence_passages=("一段证据。",),
                      declared=sub_area, model_version="test")


def _card(sid: str, total: float) -> ScoreCard:
    conds = tuple(ConditionScore(id=c, name=n, score=total, weight=w) for c, n, w in (
        ("compliance", "合规性", 0.15), ("innovation", "创新性", 0.25), ("effectiveness", "实效性", 0.3),
        ("demonstration", "示范性", 0.15), ("openness", "开放性", 0.15)))
    return ScoreCard(submission_id=sid, rubric_version="2026.1", total=total, conditions=conds,
                     flags=("成效缺少数字",) if total < 70 else ())


def make_bundle(tax=None, *, with_scores: bool = True, rename: dict[str, str] | None = None) -> RunBundle:
    tax = tax or load_taxonomy()
    subs, preds, cards = [], [], []
    for sid, (name, applicant, city, declared, predicted, prob, score) in SUBMISSIONS.items():
        name = (rename or {}).get(sid, name)
        fields = {"goals": f"{name}的建设目标。", "effects": f"{name}的主要成效：效率提升30%。",
                  "background": "背景及意义。"}
        if sid == "Sm2":
            fields["problems"] = HOSTILE  # hostile markup in an applicant's text
        subs.append(Submission(id=sid, name=name, applicant=applicant, city=city, location=city,
                               authority=tax.unit_of(declared).name, fields=fields, original=fields,
                               declared=DeclaredArea(sub_areas=(declared,)), is_open=True, funding_wan=100.0,
                               round=ROUND))
        preds.append(_prediction(sid, predicted, prob, tax))
        if score is not None:
            cards.append(_card(sid, score))
    pair = DuplicatePair(a_id="Sw1", b_id="Sw2", similarity=0.93, kind="light_edit", lexical=0.8,
                         evidence=(AlignedPassage(section_a="goals", section_b="goals", a="水库巡查由人工改为AI。",
                                                  b="山塘巡查由人工改为AI。", similarity=0.9),))
    cross = DuplicatePair(a_id="Se1", b_id="Sw3", similarity=0.71, kind="template", lexical=0.5,
                          evidence=(AlignedPassage(section_a="goals", section_b="goals", a="预警模型。",
                                                   b="监测模型。", similarity=0.7),))
    cluster = DuplicateCluster(id="dc-1", label=("巡查", "预警"), size=2, members=("Sw1", "Sw2"),
                               original_id="Sw1", similarity=0.93)
    findings = [Finding(code="effects_too_long", severity="error", message="主要成效超过500字", submission_id="Sm1",
                        field="effects", evidence="……")]
    return RunBundle(submissions=subs, predictions=preds, findings=findings, scores=cards if with_scores else [],
                     dedup=DedupResult(pairs=(pair, cross), clusters=(cluster,)),
                     meta={"round": ROUND, "created": "2026-11-23T00:00:00+00:00", "model_version": "test",
                           "taxonomy_version": tax.version})


# --- databases ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tax():
    return load_taxonomy()


@pytest.fixture(scope="session")
def scoring_form():
    from pipeline.webapp.rubric import load_scoring_form

    return load_scoring_form()


@pytest.fixture(scope="session")
def pg_admin_url():
    """A PostgreSQL server: $SCREEN_TEST_PG_URL (CI), else a throwaway cluster started here."""
    url = os.environ.get(PG_ENV)
    if url:
        yield url
        return
    from pipeline.webapp.pgtemp import PostgresUnavailable, throwaway_postgres

    try:
        cm = throwaway_postgres()
        url = cm.__enter__()
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL server binaries are required for these tests (apt-get install postgresql; "
                    f".ci/run installs them): {exc}")
    try:
        yield url
    finally:
        dispose()
        cm.__exit__(None, None, None)


def build_round(url: str, tax, scoring_form) -> None:
    from pipeline.webapp.auth import add_user
    from pipeline.webapp.importer import import_bundle
    from pipeline.webapp.migrate import upgrade

    upgrade(url)
    with session_factory(engine_for(url))() as db:
        import_bundle(db, make_bundle(tax), ROUND, scoring_form, tax, source="tests")
        for name, (role, unit) in ACCOUNTS.items():
            add_user(db, name, role, unit, password_of(name), tax, FAST)
    dispose(url)


_counter = itertools.count()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, tax, scoring_form) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    build_round(f"sqlite:///{path}", tax, scoring_form)
    return path


@pytest.fixture(scope="session")
def pg_template(pg_admin_url, tax, scoring_form) -> str:
    from pipeline.webapp.pgtemp import create_database

    name = f"screen_tpl_{os.getpid()}"
    url = create_database(pg_admin_url, name)
    build_round(url, tax, scoring_form)
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend, request, tmp_path):
    """A fresh copy of the imported round with its accounts, on the test's backend."""
    if backend == "sqlite":
        path = tmp_path / "review.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        yield url
        dispose(url)
    else:
        from pipeline.webapp.pgtemp import create_database, drop_database

        admin = request.getfixturevalue("pg_admin_url")
        name = f"screen_t{os.getpid()}_{next(_counter)}"
        url = create_database(admin, name, template=request.getfixturevalue("pg_template"))
        yield url
        dispose(url)
        drop_database(admin, name)


@pytest.fixture
def empty_db_url(backend, request, tmp_path):
    """An empty database (no schema) on the test's backend."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        yield url
        dispose(url)
    else:
        from pipeline.webapp.pgtemp import create_database, drop_database

        admin = request.getfixturevalue("pg_admin_url")
        name = f"screen_e{os.getpid()}_{next(_counter)}"
        url = create_database(admin, name)
        yield url
        dispose(url)
        drop_database(admin, name)


# --- the app and signed-in clients -------------------------------------------------------------


def web_settings(db_url: str, **over) -> dict:
    return {"db_url": db_url, "round": ROUND, "argon2": FAST.model_dump(), **over}


@pytest.fixture
def app(db_url):
    from pipeline.webapp.app import create_app

    return create_app(web_settings(db_url))


def csrf_in(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def sign_in(app, name: str | None):
    """A TestClient signed in as ``name`` through the login form (None: anonymous); ``.csrf`` set."""
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="http://testserver")
    client.csrf = ""
    if name is None:
        return client
    page = client.get("/login")
    r = client.post("/login", data={"name": name, "password": password_of(name), "csrf_token": csrf_in(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    client.csrf = client.get("/api/me").json()["csrf_token"]
    return client


@pytest.fixture
def clients(app):
    """Signed-in clients by account name (made on first use)."""
    made: dict = {}

    class Clients(dict):
        def __missing__(self, name):
            made[name] = sign_in(app, name)
            return made[name]

    return Clients()


SCORES = {"compliance": 80, "innovation": 70, "effectiveness": 75, "demonstration": 60, "openness": 50}


def review_form(csrf: str, scores: dict | None = None, action: str = "submit", decision: str = "推荐",
                version: int = 0, **extra) -> dict:
    data = {"csrf_token": csrf, "version": str(version), "action": action, "decision": decision, "comment": "意见"}
    data |= {f"score_{k}": str(v) for k, v in (scores or SCORES).items()}
    return data | extra


# --- a live server (browser test, concurrency) -------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(app):
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
