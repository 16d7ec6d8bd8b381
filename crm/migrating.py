"""What the squashed migrations share: each runs the seeds of the migrations it replaces.

A new database runs one squashed migration per app (seconds on SQLite) instead of the whole history, in which
the layout move re-rendered every model many times (47 s of `make run`). A database migrated before the
squash keeps running the replaced migrations, which stay in place; Django picks the path (`replaces`).

Creating the tables is one operation, `CreateModelsAtOnce`: Django re-renders every model related to the one an
operation changes, after each operation; every model points at the user (the history models too), so one
`CreateModel` re-rendered all the models before it, and the squashes alone still took 36 s. Here the
operations change Django's picture of the models first, without rendering it, and each table is then created
once, in its final shape.

Where two histories wait on each other, one squash replaces both: opportunities' replaces funnel's too (the stage
moved from funnel) and creates funnel's models (`app_label=`); funnel's 0011 follows it, for funnel's next
migrations. Each migration is replaced by exactly one squash, and tests/crm/test_migrations.py plans the
database of every commit of the history. sales_planning and team_selling live in tables the teams app created
before they were split out: a database of that layout has the tables and none of their migrations, and there
their squash runs the replaced migrations instead (`existing_table=`, `replay=`), which adopt the tables.

The seeds stay where they were written, in the replaced migrations; `replaced_step()` runs one of them. Seeds
written while the stage lived in funnel read it through the apps given to them, which answer `funnel.Stage`
with `opportunities.Stage`, where the stage lives now (the table is the same). The day the replaced migrations
are deleted (every database migrated past the squash), their seeds move into the squashes first.
"""

from __future__ import annotations

import importlib

from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.operations.base import Operation


class _StageMovedApps:
    """The migration state's apps, with funnel.Stage read as opportunities.Stage."""

    def __init__(self, apps):
        self._apps = apps

    def get_model(self, app_label, model_name=None):
        if model_name is None:
            app_label, model_name = app_label.split(".")
        if (app_label, model_name.lower()) == ("funnel", "stage"):
            app_label = "opportunities"
        return self._apps.get_model(app_label, model_name)

    def __getattr__(self, name):
        return getattr(self._apps, name)


def replaced_step(module: str, forwards: str, backwards: str | None = None, *,
                  stage_moved: bool = False) -> migrations.RunPython:
    """RunPython of `forwards` (and `backwards`, else nothing) from the replaced migration `module`."""
    source = importlib.import_module(module)
    code = getattr(source, forwards)
    reverse = getattr(source, backwards) if backwards else migrations.RunPython.noop
    if stage_moved:
        seed = code

        def code(apps, schema_editor):
            return seed(_StageMovedApps(apps), schema_editor)

        code.__name__ = code.__qualname__ = seed.__name__
    return migrations.RunPython(code, reverse)


class CreateModelsAtOnce(Operation):
    """Create an app's models (CreateModel, then AddField, AddIndex, AddConstraint on them) in one step.

    The state changes are made on an unrendered picture of the models, which is rendered once afterwards;
    the database gets each new table in its final shape (columns, indexes, constraints; PostgreSQL adds the
    foreign keys at the end of the migration, SQLite checks them lazily), as `CreateModel` would.

    `app_label`: the app the models belong to, when not the migration's own. `existing_table` and `replay`: when
    that table exists already (created by an older layout), the models' tables are not created; the migrations
    named in `replay` (of the same app) run instead, in order, from the state before this operation.
    """

    reduces_to_sql = True

    @property
    def reversible(self):
        return not self.replay
    _KINDS = (migrations.CreateModel, migrations.AddField, migrations.AddIndex, migrations.AddConstraint)

    def __init__(self, operations, *, app_label: str | None = None, existing_table: str | None = None,
                 replay: list[str] | tuple[str, ...] = ()):
        unknown = [op for op in operations if not isinstance(op, self._KINDS)]
        if unknown:
            raise ValueError(f"CreateModelsAtOnce only creates models; it cannot run {unknown[0]!r}")
        created = {op.name_lower for op in operations if isinstance(op, migrations.CreateModel)}
        strangers = [op for op in operations if not isinstance(op, migrations.CreateModel)
                     and op.model_name_lower not in created]
        if strangers:
            raise ValueError(f"CreateModelsAtOnce only changes the models it creates, not {strangers[0]!r}")
        if bool(existing_table) != bool(replay):
            raise ValueError("CreateModelsAtOnce needs both existing_table and replay, or neither")
        self.operations = operations
        self.app_label, self.existing_table, self.replay = app_label, existing_table, list(replay)

    def deconstruct(self):
        kwargs = {name: value for name, value in (("app_label", self.app_label),
                  ("existing_table", self.existing_table), ("replay", self.replay)) if value}
        return self.__class__.__qualname__, [self.operations], kwargs

    def _created(self):
        return [op.name for op in self.operations if isinstance(op, migrations.CreateModel)]

    def state_forwards(self, app_label, state):
        app_label = self.app_label or app_label
        rendered = state.__dict__.pop("apps", None) is not None
        for operation in self.operations:
            operation.state_forwards(app_label, state)
        if rendered:
            state.apps  # noqa: B018 -- render once, as the executor did before this operation

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        app_label = self.app_label or app_label
        if self.existing_table and self.existing_table in schema_editor.connection.introspection.table_names():
            state = from_state.clone()
            for name in self.replay:
                migration = importlib.import_module(f"{app_label}.migrations.{name}").Migration(name, app_label)
                state = migration.apply(state, schema_editor)
            return
        for name in self._created():
            model = to_state.apps.get_model(app_label, name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.create_model(model)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self.replay:
            raise IrreversibleError(
                "the squash of an app split out of teams cannot be undone: its tables may be the old layout's")
        app_label = self.app_label or app_label
        for name in reversed(self._created()):
            model = from_state.apps.get_model(app_label, name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.delete_model(model)

    def __repr__(self):
        return f"<{type(self).__name__}: {self.describe()}>"

    def describe(self):
        return f"Create {len(self._created())} models at once"

    @property
    def migration_name_fragment(self):
        return "create_models"

    def references_model(self, name, app_label):
        return any(op.references_model(name, self.app_label or app_label) for op in self.operations)
