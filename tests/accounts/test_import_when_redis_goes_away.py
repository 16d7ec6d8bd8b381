"""Fault test: Redis stops while a user uploads a customer import. The upload succeeds and says the import
will start shortly; once Redis is back, the sweep queues the job on Redis and it runs from there."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
import redis
from celery import Task
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Customer, ImportBatch, ImportStatus
from crm import jobs
from crm.celery import app
from crm.models import Job, JobState
from tests.accounts.test_import import csv_bytes
from tests.celery_broker import broker

REDIS_SERVER = shutil.which("redis-server")
pytestmark = [
    pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed"),
    pytest.mark.django_db(transaction=True),
]


class PrivateRedis:
    """A redis-server of this test only, on a free port, without persistence."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command)
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    with broker(server.url):
        yield server
    server.stop()


def test_an_upload_while_redis_is_down_succeeds_and_the_import_runs_once_redis_is_back(client, owner,
                                                                                       private_redis, monkeypatch):
    client.force_login(owner)
    private_redis.stop()  # Redis goes away as the user uploads
    sends = []
    publish = Task.apply_async

    def spy(self, *args, **kwargs):
        sends.append(kwargs.get("retry"))
        return publish(self, *args, **kwargs)

    monkeypatch.setattr(Task, "apply_async", spy)
    upload = SimpleUploadedFile("名录.csv", csv_bytes([["名称"], ["华远科技有限公司"], ["星河物流有限公司"]]))
    response = client.post(reverse("accounts:import-new"), {"source": "channel", "file": upload}, follow=True)
    assert sends == [False]  # one attempt, no publish retries: the request does not wait for the broker
    monkeypatch.undo()
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入即将开始" in html  # "the import will start shortly"
    batch = ImportBatch.objects.get()
    job = Job.objects.get()
    assert (batch.status, job.state, job.args) == (ImportStatus.PENDING, JobState.PENDING, [batch.pk])

    private_redis.start()  # Redis is back
    assert jobs.jobs_sweep(older_than=timedelta(0)) == 1
    run_one_message(app)  # what a worker does with the message the sweep queued
    batch.refresh_from_db()
    job.refresh_from_db()
    assert (batch.status, batch.created_count, job.state, job.attempts) == (ImportStatus.DONE, 2, JobState.DONE, 1)
    assert Customer.objects.count() == 2


def run_one_message(app) -> None:
    """Take the next message off Redis's imports queue (where imports are routed) and run its task as a worker
    would."""
    with app.connection_for_read() as broker:
        queue = broker.SimpleQueue(app.amqp.router.route({}, "accounts.import_batch_run")["queue"].name)
        message = queue.get(timeout=10)
        args, kwargs, _embed = message.decode()
        app.tasks[message.headers["task"]].apply(args=args, kwargs=kwargs, task_id=message.headers["id"])
        message.ack()
        queue.close()
