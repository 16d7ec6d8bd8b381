"""The large lists over HTTP: gunicorn (2 workers) on a built, committed dataset, and a loopback client with
4 threads, as issue 17's table. Nothing here asserts a time; figures go to BENCHMARKS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench17 .venv/bin/python -m benchmarks.http --build
    DATABASE_URL=… .venv/bin/python -m benchmarks.http            # reuse the dataset built before

`--build` (or an empty database) builds `build_opportunities(300_000)` then `build_customers(100_000)` and
takes the day's funnel snapshot, committed (about 6 minutes on 2 cores). `--nodes 2` starts two gunicorn
instances (two "web nodes") and spreads the client over both; with DATABASE_REPLICA_URL and CACHE_URL set
they read from the replica and share Redis. `--code DIR` serves another checkout (a "before" measurement).
`--requests N` per row (default 200).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "1")  # the client side only; the served processes run with DEBUG off
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))  # the same on both sides: sessions made here
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PORT = 8017
HEAD, MANAGER, AM = "wangjianguo", "liqiang", "zhangwei"


def build(scale: int = 1) -> None:
    """300,000 opportunities and 100,000 more customers, times `scale` (10: the ten-times-larger run)."""
    from benchmarks.sections import build_customers, build_opportunities
    from funnel.services import funnel_snapshot_take

    started = time.perf_counter()
    with transaction.atomic():
        build_opportunities(300_000 * scale)
    with transaction.atomic():
        build_customers(100_000 * scale)
    funnel_snapshot_take()
    print(f"dataset built and committed in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        # What autovacuum does to tables that have been there a while (it is off on some machines, this one
        # too): the visibility map that lets index-only scans skip the heap, and fresh statistics.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"VACUUM ANALYZE in {time.perf_counter() - started:.0f} s")


def session_cookie(username: str) -> str:
    from teams.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def api_token(username: str) -> str:
    from rest_framework.authtoken.models import Token

    from teams.models import User

    return Token.objects.get_or_create(user=User.objects.get(username=username))[0].key


def start_nodes(count: int, code: Path) -> list[subprocess.Popen]:
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING"}
    if not (code / "staticfiles").exists():
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=code, env=env,
                       check=True)
    nodes = []
    for number in range(count):
        nodes.append(subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(Path(sys.executable).parent / "gunicorn"), "crm.wsgi:application", "--bind",
             f"127.0.0.1:{PORT + 10000 * number}", "--workers", "2", "--log-level", "warning"],
            cwd=code, env=env, start_new_session=True,
        ))
    for number in range(count):
        for _ in range(60):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PORT + 10000 * number, timeout=5)
                connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            raise SystemExit("gunicorn did not answer /healthz")
    return nodes


def run_row(label: str, path: str, headers: dict, *, nodes: int, total: int, threads: int = 4) -> None:
    headers = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans", **headers}
    latencies: list[float] = []
    statuses: set[int] = set()
    lock = threading.Lock()

    def worker(index: int, count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT + 10000 * (index % nodes), timeout=60)
        mine = []
        for _ in range(count):
            start = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            with lock:
                statuses.add(response.status)
        with lock:
            latencies.extend(mine)

    for index in range(threads):  # warm-up: each worker process and connection once
        worker(index, 3)
    latencies.clear()
    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(index, total // threads)) for index in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(f"| {label} | {statistics.median(latencies):.0f} ms | {p95:.0f} ms | {len(latencies) / elapsed:.1f} "
          f"| {','.join(map(str, sorted(statuses)))} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--scale", type=int, default=1, help="with --build: N times the dataset (10 for 3,000,000)")
    parser.add_argument("--nodes", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--only", default="", help="run only rows whose label contains this text")
    args = parser.parse_args()

    from opportunities.models import Opportunity

    if args.build or not Opportunity.objects.exists():
        build(args.scale)
    cookies = {name: {"Cookie": session_cookie(name)} for name in (HEAD, MANAGER, AM)}
    tokens = {name: {"Authorization": f"Token {api_token(name)}"} for name in (HEAD, MANAGER, AM)}
    sample = Opportunity.objects.filter(primary_owner__username=AM).order_by("id").first().pk
    customer = Opportunity.objects.get(pk=sample).customer_id
    # A keyset page deep in the list (DRF's cursor: the last id of the page before, base64 of "p=<id>").
    deep = Opportunity.objects.order_by("-pk").values_list("pk", flat=True)[
        min(250_000, Opportunity.objects.count() - 1)]
    cursor = quote(base64.b64encode(f"p={deep}".encode()).decode())
    rows = [
        ("GET /api/v1/opportunities/?page_size=25, head", "/api/v1/opportunities/?page_size=25", tokens[HEAD]),
        ("same, team manager", "/api/v1/opportunities/?page_size=25", tokens[MANAGER]),
        ("same, account manager", "/api/v1/opportunities/?page_size=25", tokens[AM]),
        ("…/opportunities/?stage=03&ordering=-amount, head", "/api/v1/opportunities/?stage=03&ordering=-amount",
         tokens[HEAD]),
        ("…/opportunities/?cursor= (keyset page at row 250,000), head",
         f"/api/v1/opportunities/?page_size=25&cursor={cursor}", tokens[HEAD]),
        ("GET /api/v1/customers/?page_size=25, head", "/api/v1/customers/?page_size=25", tokens[HEAD]),
        ("/customers/ page, head", "/customers/", cookies[HEAD]),
        ("/opportunities/ page, head", "/opportunities/", cookies[HEAD]),
        ("/opportunities/ page, account manager", "/opportunities/", cookies[AM]),
        ("/ workbench, head", "/", cookies[HEAD]),
        ("/ workbench, account manager", "/", cookies[AM]),
        ("/opportunities/<id>/ page, account manager", f"/opportunities/{sample}/", cookies[AM]),
        ("/customers/<id>/?tab=opportunities, account manager", f"/customers/{customer}/?tab=opportunities",
         cookies[AM]),
        ("/funnel/, head", "/funnel/", cookies[HEAD]),
        ("/funnel/, account manager", "/funnel/", cookies[AM]),
        ("GET /api/v1/opportunities/<id>/", f"/api/v1/opportunities/{sample}/", tokens[AM]),
    ]
    nodes = start_nodes(args.nodes, args.code.resolve())
    try:
        print(f"\ndatabase {settings.DATABASES['default']['NAME']}, {args.nodes} node(s) × 2 gunicorn workers, "
              f"4 client threads, {args.requests} requests a row, code {args.code}")
        print("| request | p50 | p95 | req/s | status |\n|---|---|---|---|---|")
        for label, path, headers in rows:
            if args.only in label:
                run_row(label, path, headers, nodes=args.nodes, total=args.requests)
    finally:
        for node in nodes:
            os.killpg(node.pid, 15)
            node.wait()


if __name__ == "__main__":
    main()
