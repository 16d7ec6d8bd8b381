"""The squashed migrations: a new database runs one per app; a database migrated before the squash runs what
it still lacks of the replaced ones (crm/migrating.py).

What the squashes build is compared with what the whole history builds, table by table and row by row, by
scripts/check_squashed_migrations.sh in CI; the old layout's upgrade is scripts/check_old_layout_migration.sh.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection, migrations, models
from django.db.migrations.exceptions import InconsistentMigrationHistory
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from crm.migrating import CreateModelsAtOnce

OUR_APPS = {"crm", "teams", "accounts", "opportunities", "funnel", "forecasting", "bids", "sales_planning",
            "team_selling", "integrations", "insights"}

# What a database of the old app layout (commit 21d5177, before the restructure) has applied.
OLD_LAYOUT = {
    ("accounts", name) for name in ("0001_initial", "0002_trigram_index", "0003_classification_defaults",
                                    "0004_customer_name_trigram_table", "0005_import_progress_and_stuck_reset")
} | {("bids", "0001_initial")} | {
    ("forecasting", name) for name in ("0001_initial", "0002_default_rules", "0003_rollup_schedule")
} | {
    ("funnel", name) for name in ("0001_initial", "0002_default_stages", "0003_funnel_machinery",
                                  "0004_default_funnel_config", "0005_stage_entry_index_and_tasks_done",
                                  "0006_backfill_stage_entries")
} | {("opportunities", "0001_initial"), ("opportunities", "0002_default_assessment")} | {
    ("teams", name) for name in ("0001_initial", "0002_historicalterritory_territory_and_more",
                                 "0003_sales_planning", "0004_incentive_payouts_schedule", "0005_team_selling")
}


# The two empty migrations that follow opportunities' squash in funnel and forecasting (written with it).
FOLLOWERS = {("funnel", "0011_squashed_into_opportunities"), ("forecasting", "0006_squashed_into_opportunities")}
# What the databases of the history had applied besides the squashed migrations' originals.
UNSQUASHED = {("integrations", "0001_initial")}


def _written_after_squashes(loader: MigrationLoader) -> set[tuple[str, str]]:
    """Our migrations written after the squashes (neither a squash, nor replaced by one, nor of the history):
    they follow a squash, so a database of any age runs them."""
    return {key for key in loader.disk_migrations if key[0] in OUR_APPS and key not in loader.replacements
            and key not in _replaced(loader) and key not in FOLLOWERS | UNSQUASHED}

HISTORY = json.loads((Path(__file__).parent / "migration_history.json").read_text())["commits"]


def _replaced(loader: MigrationLoader) -> set[tuple[str, str]]:
    return {key for squash in loader.replacements.values() for key in squash.replaces}


def _plan_with_applied(monkeypatch, applied: set[tuple[str, str]]):
    """The plan `migrate` would run on a database that has applied `applied` of our apps (and, unless it is
    a new database, every migration of the libraries')."""
    every = MigrationLoader(None, ignore_no_migrations=True)
    others = {key for key in every.disk_migrations if key[0] not in OUR_APPS} if applied else set()
    recorded = dict.fromkeys(others | applied)
    monkeypatch.setattr(MigrationRecorder, "applied_migrations", lambda self: recorded)
    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    targets = executor.loader.graph.leaf_nodes()
    return executor.loader, [migration for migration, _ in executor.migration_plan(targets)]


def test_a_new_database_runs_the_squashed_migrations_and_none_it_replaces(monkeypatch):
    loader, plan = _plan_with_applied(monkeypatch, set())
    ours = [(m.app_label, m.name) for m in plan if m.app_label in OUR_APPS]
    assert not set(ours) & _replaced(loader)
    squashed = {app for app, name in ours if "squashed_0" in name}
    # funnel's and forecasting's histories are squashed into opportunities' (they waited on each other);
    # integrations has one migration of its own.
    assert squashed == OUR_APPS - {"integrations", "funnel", "forecasting"}
    assert all(isinstance(m.operations[0], CreateModelsAtOnce) for m in plan if "squashed_0" in m.name)
    assert ("funnel", "0011_squashed_into_opportunities") in ours
    # Each migration is replaced by one squash only: two claims on one row of django_migrations would make
    # undoing one squash forget the other's.
    claims = [key for squash in loader.replacements.values() for key in squash.replaces]
    assert len(claims) == len(set(claims))


@pytest.mark.parametrize("commit", sorted(HISTORY))
def test_a_database_migrated_at_any_commit_of_the_history_can_migrate(monkeypatch, commit):
    applied = {tuple(name.split(".", 1)) for name in HISTORY[commit]}
    loader, plan = _plan_with_applied(monkeypatch, applied)
    names = {(m.app_label, m.name) for m in plan}
    assert not names & applied  # nothing applied runs again
    for squash in loader.replacements.values():
        done = [key in applied for key in squash.replaces]
        if any(done) and not all(done):  # partly applied: the rest of the history runs, not the squash
            assert (squash.app_label, squash.name) not in names
            assert {key for key in squash.replaces if key not in applied} <= names


def test_a_database_of_the_old_layout_runs_the_rest_of_the_history_not_the_squashes(monkeypatch):
    _loader, plan = _plan_with_applied(monkeypatch, OLD_LAYOUT)
    names = [(m.app_label, m.name) for m in plan if m.app_label in OUR_APPS]
    # Apps that did not exist yet start from their squash; so do sales planning and team selling, whose tables
    # the teams app had created: their squash finds the tables and runs their replaced migrations on them.
    assert {app for app, name in names if "squashed_0" in name} == {"crm", "insights", "sales_planning",
                                                                    "team_selling"}
    squash = next(m for m in plan if m.app_label == "sales_planning")
    assert squash.operations[0].existing_table == "teams_quotaperiod"
    assert squash.operations[0].replay == ["0001_initial", "0002_real_foreign_keys", "0003_texts_as_codes"]
    moved = names.index(("teams", "0006_move_sales_planning_and_team_selling_out"))
    assert moved < names.index(("sales_planning", squash.name))
    stage_moved = names.index(("opportunities", "0003_stage_from_funnel"))
    assert stage_moved < names.index(("funnel", "0007_stage_to_opportunities"))
    assert not set(names) & OLD_LAYOUT


def test_a_database_migrated_before_the_squash_has_nothing_to_run(monkeypatch):
    every = MigrationLoader(None, ignore_no_migrations=True)
    history = _replaced(every) | UNSQUASHED
    loader, plan = _plan_with_applied(monkeypatch, history)
    # Only the two empty migrations that follow opportunities' squash in funnel and forecasting, and the
    # migrations written since the squashes (every database runs those): no squash, nothing it replaces.
    after = _written_after_squashes(every)
    assert {(m.app_label, m.name) for m in plan} == FOLLOWERS | after
    assert all(not m.operations for m in plan if (m.app_label, m.name) not in after)
    assert all(key in loader.applied_migrations for key in loader.replacements)


def test_a_half_applied_history_is_refused_as_django_refuses_it(monkeypatch):
    # funnel 0007 applied without the opportunities migration it depends on: not a state any code wrote.
    broken = OLD_LAYOUT | {("funnel", "0007_stage_to_opportunities")}
    with pytest.raises(InconsistentMigrationHistory):
        _plan_with_applied(monkeypatch, broken)


def test_creating_models_at_once_refuses_operations_that_change_other_models():
    with pytest.raises(ValueError, match="only creates models"):
        CreateModelsAtOnce([migrations.RemoveField(model_name="customer", name="name")])
    with pytest.raises(ValueError, match="only changes the models it creates"):
        CreateModelsAtOnce([
            migrations.CreateModel(name="Thing", fields=[("id", models.BigAutoField(primary_key=True))]),
            migrations.AddField(model_name="customer", name="thing", field=models.IntegerField(null=True)),
        ])
