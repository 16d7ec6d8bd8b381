"""Point the project's Celery app at another broker for one test, and back."""

from __future__ import annotations

from contextlib import contextmanager

from crm.celery import app


def forget_broker_connections() -> None:
    """Let go of the app's broker connection and producer pools, as Celery does after a fork, so the next
    publish connects to the broker now configured. Nothing is closed: kombu keeps producer pools by broker
    address, and a closed one would be handed out again ("Acquire on closed pool"). (`app.close()` would also
    take the app out of Celery's registry, and later tests would find its tasks missing.)"""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """Jobs go to the broker at `url` (not run eagerly) inside the block."""
    from crm.settings import broker_transport_options

    saved = app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options
    app.conf.task_always_eager, app.conf.broker_url = False, url
    app.conf.broker_transport_options = broker_transport_options(url)
    forget_broker_connections()
    try:
        yield app
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options = saved
        forget_broker_connections()


@contextmanager
def embedded_worker(folder):
    """A real Celery worker (the solo pool, in a thread of this process) consuming from an embedded broker, a
    SQLite file in `folder`, as `make run` has: jobs queued inside the block run on it, not in the request."""
    from celery.contrib.testing.worker import start_worker

    with broker(f"sqla+sqlite:///{folder / 'broker.sqlite3'}"), \
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
