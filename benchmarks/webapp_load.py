"""Load benchmark of the joint-review web app: 30 reviewers scoring a round of 2,000 submissions at once.

For each backend (SQLite file, PostgreSQL) it builds a synthetic round (2,000 submissions over the
22 sub-areas, with pre-scores), creates 30 reviewer accounts spread over the 17 departments, starts
the server (`uvicorn`, one process, on 127.0.0.1 only) and lets 30 client threads work at once:
sign in, read the queue, then for each of their first N submissions read it, save a draft and
submit. One commission client reads progress and the ranking meanwhile. Every loop is bounded in
requests and time. Afterwards every write a client saw acknowledged is compared with the database:
a missing or different review is a lost write.

    python benchmarks/webapp_load.py                      # both backends, writes benchmarks/results/webapp_load.json
    python benchmarks/webapp_load.py --backends sqlite --per-reviewer 10
    SCREEN_TEST_PG_URL=postgresql://… python benchmarks/webapp_load.py   # an existing server instead of a throwaway one
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.bundle import RunBundle  # noqa: E402
from pipeline.records import ConditionScore, DeclaredArea, Prediction, ScoreCard, SubAreaScore, Submission  # noqa: E402
from pipeline.taxonomy import load_taxonomy  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "webapp_load.json"
CONDITIONS = (("compliance", "合规性", 0.15), ("innovation", "创新性", 0.25), ("effectiveness", "实效性", 0.3),
              ("demonstration", "示范性", 0.15), ("openness", "开放性", 0.15))
PASSWORD = "Load-test-password-2026"
ROUND = "load"


def synthetic_round(n: int, tax) -> RunBundle:
    subs, preds, cards = [], [], []
    areas = list(tax.sub_areas.values())
    for i in range(n):
        sa = areas[i % len(areas)]
        sid = f"L{i:05d}"
        text = f"第{i}号场景：{sa.description}"
        subs.append(Submission(id=sid, name=f"{sa.name}场景{i}", applicant=f"申报单位{i % 97}", city="杭州市",
                               fields={"goals": text, "effects": f"效率提升{i % 50}%。", "background": text},
                               declared=DeclaredArea(sub_areas=(sa.id,)), round=ROUND))
        unit = tax.units[sa.unit]
        dom = tax.domains[sa.domain]
        preds.append(Prediction(submission_id=sid, sub_area=sa.id, sub_area_name=sa.name, domain=dom.id,
                                domain_name=dom.name, unit=unit.id, unit_name=unit.name, probability=0.9,
                                unit_probability=0.9, top=(SubAreaScore(sub_area=sa.id, name=sa.name, probability=0.9),),
                                route_by_hand=False, declared=sa.id))
        total = 40 + (i * 37) % 60
        cards.append(ScoreCard(submission_id=sid, rubric_version="load", total=total,
                               conditions=tuple(ConditionScore(id=c, name=name, score=total, weight=w)
                                                for c, name, w in CONDITIONS)))
    return RunBundle(submissions=subs, predictions=preds, scores=cards, meta={"round": ROUND})


def reviewers_for(n: int, tax, bundle: RunBundle) -> list[tuple[str, str]]:
    """n reviewer accounts: one per department, then a second for the departments with the longest queues."""
    load = Counter(p.unit for p in bundle.predictions)
    units = sorted(tax.units, key=lambda u: -load[u])
    names = [(f"rev_{u}_1", u) for u in units]
    names += [(f"rev_{u}_2", u) for u in units[: max(0, n - len(units))]]
    return names[:n]


def prepare(url: str, n: int, reviewers: int) -> list[tuple[str, str]]:
    from pipeline.webapp.auth import add_user
    from pipeline.webapp.db import dispose, engine_for, session_factory
    from pipeline.webapp.importer import import_bundle
    from pipeline.webapp.migrate import upgrade
    from pipeline.webapp.rubric import load_scoring_form
    from pipeline.webapp.settings import Argon2Params

    tax = load_taxonomy()
    bundle = synthetic_round(n, tax)
    upgrade(url)
    accounts = reviewers_for(reviewers, tax, bundle)
    with session_factory(engine_for(url))() as db:
        t = time.perf_counter()
        summary = import_bundle(db, bundle, ROUND, load_scoring_form(), tax, source="benchmark")
        print(f"  import: {summary.added} submissions in {time.perf_counter() - t:.1f}s")
        for name, unit in accounts:
            add_user(db, name, "reviewer", unit, PASSWORD, tax, Argon2Params())
        add_user(db, "commission_1", "commission", None, PASSWORD, tax, Argon2Params())
    dispose(url)
    return accounts


SERVER = """
import json, os, uvicorn
from pipeline.webapp.app import create_app
settings = json.loads(os.environ["SCREEN_BENCH_SETTINGS"])
uvicorn.run(create_app(settings), host="127.0.0.1", port=int(os.environ["SCREEN_BENCH_PORT"]), log_level="warning")
"""


def start_server(url: str) -> tuple[subprocess.Popen, str]:
    from pipeline.webapp.pgtemp import free_port

    port = free_port()
    env = dict(os.environ, SCREEN_BENCH_SETTINGS=json.dumps({"db_url": url, "round": ROUND}),
               SCREEN_BENCH_PORT=str(port), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", SERVER], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: Counter = Counter()
        self.errors: list[str] = []

    def call(self, client: httpx.Client, kind: str, method: str, path: str, **kw) -> httpx.Response | None:
        t = time.perf_counter()
        try:
            r = client.request(method, path, **kw)
        except httpx.HTTPError as exc:
            with self.lock:
                self.errors.append(f"{kind} {path}: {exc!r}")
            return None
        dt = time.perf_counter() - t
        with self.lock:
            self.latency[kind].append(dt)
            self.status[r.status_code] += 1
            if r.status_code >= 400:
                self.errors.append(f"{kind} {path}: {r.status_code} {r.text[:120]}")
        return r


def reviewer_loop(base: str, name: str, per_reviewer: int, deadline: float, rec: Recorder, acked: dict,
                  barrier: threading.Barrier) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        barrier.wait()
        r = rec.call(client, "login", "POST", "/api/login", json={"name": name, "password": PASSWORD})
        if r is None or r.status_code != 200:
            return
        headers = {"X-CSRF-Token": r.json()["csrf_token"]}
        r = rec.call(client, "queue", "GET", "/api/queue")
        if r is None or r.status_code != 200:
            return
        items = r.json()["items"][:per_reviewer]
        for k, item in enumerate(items):
            if time.monotonic() > deadline:
                break
            sid = item["id"]
            r = rec.call(client, "submission", "GET", f"/api/submissions/{sid}")
            if r is None or r.status_code != 200:
                continue
            version = (r.json()["my_review"] or {}).get("version", 0)
            seed = sum(map(ord, name + sid))
            scores = {c: float((seed + 11 * j) % 101) for j, (c, _, _) in enumerate(CONDITIONS)}
            for action in ("draft", "submit"):
                body = {"scores": scores, "decision": "推荐" if seed % 3 else "待定", "action": action,
                        "comment": f"{name} 对 {sid} 的意见", "version": version}
                r = rec.call(client, action, "PUT", f"/api/submissions/{sid}/review", json=body, headers=headers)
                if r is None or r.status_code != 200:
                    break
                version = r.json()["version"]
                with rec.lock:
                    acked[(name, sid)] = (scores, r.json()["status"], body["comment"])


def commission_loop(base: str, deadline: float, stop: threading.Event, rec: Recorder, max_polls: int) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        r = rec.call(client, "login", "POST", "/api/login", json={"name": "commission_1", "password": PASSWORD})
        if r is None or r.status_code != 200:
            return
        for _ in range(max_polls):
            if stop.is_set() or time.monotonic() > deadline:
                break
            rec.call(client, "progress", "GET", "/api/progress")
            rec.call(client, "ranking", "GET", "/api/ranking")
            stop.wait(1.0)


def verify(url: str, acked: dict) -> dict:
    from sqlalchemy import select

    from pipeline.webapp.db import dispose, engine_for, session_factory
    from pipeline.webapp.models import Review, SubmissionRow, User

    with session_factory(engine_for(url))() as db:
        users = {u.id: u.name for u in db.scalars(select(User))}
        subs = {s.pk: s.submission_id for s in db.scalars(select(SubmissionRow).where(SubmissionRow.round_id == ROUND))}
        stored = {(users[r.user_id], subs[r.submission_pk]): (r.scores, r.status, r.comment)
                  for r in db.scalars(select(Review))}
    dispose(url)
    lost = [k for k, v in acked.items() if stored.get(k) != v]
    return {"acknowledged_writes": len(acked), "stored_reviews": len(stored), "lost_writes": len(lost),
            "lost_examples": [list(k) for k in lost[:5]]}


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    i = min(len(values) - 1, max(0, int(round(q / 100 * (len(values) - 1)))))
    return round(values[i] * 1000, 1)


def run_backend(name: str, url: str, args) -> dict:
    print(f"[{name}] preparing {args.submissions} submissions and {args.reviewers} reviewers …")
    accounts = prepare(url, args.submissions, args.reviewers)
    proc, base = start_server(url)
    rec, acked = Recorder(), {}
    stop = threading.Event()
    try:
        deadline = time.monotonic() + args.max_seconds
        barrier = threading.Barrier(len(accounts))
        threads = [threading.Thread(target=reviewer_loop, args=(base, n, args.per_reviewer, deadline, rec, acked,
                                                                barrier)) for n, _ in accounts]
        staff = threading.Thread(target=commission_loop, args=(base, deadline, stop, rec, int(args.max_seconds)))
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        staff.start()
        for t in threads:
            t.join(timeout=args.max_seconds + 60)
        wall = time.perf_counter() - t0
        stop.set()
        staff.join(timeout=60)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    result = verify(url, acked)
    all_lat = [x for v in rec.latency.values() for x in v]
    work_lat = [x for k, v in rec.latency.items() if k != "login" for x in v]  # sign-in is argon2, slow on purpose
    n_requests = len(all_lat)
    out = {
        "backend": name, "submissions": args.submissions, "reviewers": len(accounts),
        "per_reviewer": args.per_reviewer, "wall_seconds": round(wall, 2), "requests": n_requests,
        "throughput_rps": round(n_requests / wall, 1) if wall else 0.0,
        "latency_ms": {"p50": pct(all_lat, 50), "p90": pct(all_lat, 90), "p99": pct(all_lat, 99),
                       "max": pct(all_lat, 100)},
        "latency_ms_without_login": {"p50": pct(work_lat, 50), "p90": pct(work_lat, 90), "p99": pct(work_lat, 99),
                                     "max": pct(work_lat, 100)},
        "latency_ms_by_kind": {k: {"n": len(v), "p50": pct(v, 50), "p90": pct(v, 90), "p99": pct(v, 99),
                                   "max": pct(v, 100)} for k, v in sorted(rec.latency.items())},
        "status": {str(k): v for k, v in sorted(rec.status.items())},
        "errors": len(rec.errors), "error_examples": rec.errors[:5], **result,
    }
    print(f"[{name}] {n_requests} requests in {wall:.1f}s = {out['throughput_rps']} req/s; p50 {out['latency_ms']['p50']} ms,"
          f" p90 {out['latency_ms']['p90']} ms, p99 {out['latency_ms']['p99']} ms; errors {out['errors']}; "
          f"lost writes {out['lost_writes']} of {out['acknowledged_writes']}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--submissions", type=int, default=2000)
    ap.add_argument("--reviewers", type=int, default=30)
    ap.add_argument("--per-reviewer", type=int, default=20, help="submissions each reviewer scores (3 requests each)")
    ap.add_argument("--max-seconds", type=float, default=240.0, help="stop sending new work after this long")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    results = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                results.append(run_backend("sqlite", f"sqlite:///{tmp}/load.db", args))
        elif backend == "postgresql":
            from pipeline.webapp.pgtemp import create_database, drop_database, throwaway_postgres

            given = os.environ.get("SCREEN_TEST_PG_URL")
            if given:
                url = create_database(given, "screen_bench")
                try:
                    results.append(run_backend("postgresql", url, args))
                finally:
                    drop_database(given, "screen_bench")
            else:
                with throwaway_postgres() as admin:
                    results.append(run_backend("postgresql", create_database(admin, "screen_bench"), args))
        else:
            ap.error(f"unknown backend {backend!r}: sqlite, postgresql")
    report = {"benchmark": "webapp_load", "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
              "server": "uvicorn, 1 process, 127.0.0.1; argon2 default parameters", "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    return 0 if all(r["lost_writes"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
