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
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, url
    forget_broker_connections()
    try:
        yield app
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        forget_broker_connections()
