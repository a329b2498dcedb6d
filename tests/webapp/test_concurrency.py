"""Two reviewers saving at once lose nothing; one reviewer saving twice at once gets a conflict,
never a silent overwrite. Against a live server (threads, real HTTP on loopback)."""
from __future__ import annotations

import threading

import httpx
from sqlalchemy import select

from pipeline.webapp.db import engine_for, session_factory
from pipeline.webapp.models import Review, SubmissionRow, User

from .conftest import SCORES, live_server, password_of

ROUNDS = 8


def _client(base: str, name: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=30)
    r = client.post("/api/login", json={"name": name, "password": password_of(name)})
    assert r.status_code == 200, r.text
    return client, r.json()["csrf_token"]


def test_concurrency_two_reviewers_saving_at_once_lose_nothing(app, db_url):
    with live_server(app) as base:
        sessions = {name: _client(base, name) for name in ("slt_a", "slt_b")}
        barrier = threading.Barrier(2)
        errors: list[str] = []
        last: dict[tuple[str, str], dict] = {}

        def work(name: str, offset: int) -> None:
            client, csrf = sessions[name]
            versions = {sid: 0 for sid in ("Sw1", "Sw2", "Sw3")}
            barrier.wait()
            for i in range(ROUNDS):
                for sid in versions:
                    scores = {k: float((i * 7 + offset + n) % 101) for n, k in enumerate(SCORES)}
                    action = "submit" if i % 2 else "draft"
                    body = {"scores": scores, "decision": "推荐", "action": action, "comment": f"{name} {i}",
                            "version": versions[sid]}
                    r = client.put(f"/api/submissions/{sid}/review", json=body, headers={"X-CSRF-Token": csrf})
                    if r.status_code != 200:
                        errors.append(f"{name} {sid} {i}: {r.status_code} {r.text[:200]}")
                        return
                    versions[sid] = r.json()["version"]
                    last[(name, sid)] = {"scores": scores, "status": r.json()["status"], "comment": body["comment"]}

        threads = [threading.Thread(target=work, args=(n, k * 13)) for k, n in enumerate(sessions)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        for client, _ in sessions.values():
            client.close()
    assert not errors, errors
    with session_factory(engine_for(db_url))() as db:
        users = {u.id: u.name for u in db.scalars(select(User))}
        stored = {(users[r.user_id], db.get(SubmissionRow, r.submission_pk).submission_id): r
                  for r in db.scalars(select(Review))}
    assert set(stored) == set(last)
    for key, want in last.items():
        got = stored[key]
        assert (got.scores, got.status, got.comment) == (want["scores"], want["status"], want["comment"]), key
        assert got.version == ROUNDS


def test_concurrency_same_review_saved_twice_at_once_is_a_conflict(app, db_url):
    with live_server(app) as base:
        tabs = [_client(base, "slt_a"), _client(base, "slt_a")]
        barrier = threading.Barrier(2)
        results: list[tuple[int, float]] = []

        def save(tab: int) -> None:
            client, csrf = tabs[tab]
            barrier.wait()
            r = client.put("/api/submissions/Sw1/review", json={"scores": {"openness": 10.0 + tab}, "version": 0},
                           headers={"X-CSRF-Token": csrf})
            results.append((r.status_code, 10.0 + tab))

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        for client, _ in tabs:
            client.close()
    codes = sorted(code for code, _ in results)
    assert codes == [200, 409], results
    winner = next(value for code, value in results if code == 200)
    with session_factory(engine_for(db_url))() as db:
        (review,) = db.scalars(select(Review)).all()
        assert review.scores == {"openness": winner}
