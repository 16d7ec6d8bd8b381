"""Shared helpers of the benchmark: the section registry, timing, clients."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

SECTIONS: list[tuple[str, Callable[[], None]]] = []


def section(name: str):
    def register(func):
        SECTIONS.append((name, func))
        return func

    return register


def measure(label: str, func: Callable[[], object], *, repeat: int = 50, warmup: int = 3) -> dict:
    for _ in range(warmup):
        func()
    samples = []
    with CaptureQueriesContext(connection) as queries:
        for _ in range(repeat):
            start = time.perf_counter()
            func()
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    result = {"label": label, "p50": statistics.median(samples), "p95": p95,
              "queries": len(queries.captured_queries) / repeat}
    print(f"  {label:<58} p50 {result['p50']:8.2f} ms   p95 {p95:8.2f} ms   {result['queries']:.0f} queries")
    return result


def client_for(username: str) -> Client:
    from teams.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username=username))
    return client
