"""The production layouts (docker-compose.yml, and docker-compose.scale.yml on top of it) hold together without a
Docker engine to run `docker compose config`: the services exist, every variable they set is one the settings
read, the worker queues are the Celery queues the tasks are routed to, and every file they mount exists."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_TEXT = (ROOT / "crm" / "settings.py").read_text(encoding="utf-8") + (ROOT / "crm" / "env.py").read_text(
    encoding="utf-8")
# Variables read by the images themselves, not by the project's settings.
IMAGE_VARIABLES = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_HOST_AUTH_METHOD",
                   "POSTGRES_INITDB_ARGS", "PGPASSWORD"}


class ComposeLoader(yaml.SafeLoader):
    """YAML with compose's merge tags (`!override`, `!reset`) read as plain values."""


for tag in ("!override", "!reset"):
    ComposeLoader.add_constructor(tag, lambda loader, node: (
        loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node) if isinstance(node, yaml.MappingNode) else loader.construct_scalar(node)))


def load(name: str) -> dict:
    return yaml.load((ROOT / name).read_text(encoding="utf-8"), Loader=ComposeLoader)  # noqa: S506 (safe loader)


@pytest.fixture(scope="module")
def base():
    return load("docker-compose.yml")


@pytest.fixture(scope="module")
def scaled():
    return load("docker-compose.scale.yml")


def test_production_runs_web_worker_beat_on_postgresql_and_redis(base):
    services = base["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    assert services["db"]["image"].startswith("postgres:") and services["redis"]["image"].startswith("redis:")
    assert services["web"]["command"][:2] == ["gunicorn", "crm.wsgi:application"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "crm", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "crm", "beat"]
    env = services["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and env["CELERY_BROKER_URL"].startswith("redis://")
    assert (ROOT / "Dockerfile").exists()


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.scale.yml"])
def test_every_variable_set_is_one_the_settings_read(name):
    unknown = set()
    for service in load(name)["services"].values():
        environment = service.get("environment") or {}
        keys = environment.keys() if isinstance(environment, dict) else [item.split("=")[0] for item in environment]
        unknown |= {key for key in keys
                    if key != "<<" and key not in IMAGE_VARIABLES and f'"{key}"' not in SETTINGS_TEXT}
    assert not unknown, f"set in {name} but read nowhere: {sorted(unknown)}"


def test_the_scaled_layout_extends_the_base_and_its_workers_take_real_queues(base, scaled):
    queues = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    taken = set()
    for name, service in scaled["services"].items():
        if "extends" in service:
            assert service["extends"]["service"] in base["services"], name
        elif "image" not in service:
            assert name in base["services"], f"{name} adds to a service the base does not have"
        command = service.get("command") or []
        if "-Q" in command:
            asked = set(command[command.index("-Q") + 1].split(","))
            assert asked <= queues, (name, asked - queues)
            taken |= asked
        for volume in service.get("volumes") or []:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which does not exist"
    assert taken == queues  # every queue has a worker
    assert scaled["services"]["web"]["deploy"]["replicas"] >= 2
    assert '"DATABASE_REPLICA_URL"' in SETTINGS_TEXT
