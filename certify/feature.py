"""How a feature plugs into the app: a blueprint that knows its route modules and its access rules.

Each feature's `__init__.py` creates its blueprints with `FeatureBlueprint`, naming

- `routes`: the modules (relative to the feature) whose views attach to the blueprint;
- `access`: who may reach each of its views (see `certify.security.rules`);
- `writing_reads`: the GET views whose transaction writes (they may finalise an overdue attempt,
  take a lock or create a draft), so the database is opened for writing on those reads;
- `late_writes`: the views whose every write is one self-guarding conditional statement (an exam
  save, a flag), so their reads run before the write transaction begins (`certify.database`).

`create_app` only registers the blueprints. Registering imports the route modules, so a feature's
package stays cheap to import from another feature's services, and it files the rules under the
endpoints' full names for `certify.security.access` to enforce.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask

from certify.security.rules import Rule

EXTENSION = "certify.access"


@dataclass
class AccessTable:
    """Every endpoint's rule, and the endpoints whose reads write, for one app."""

    rules: dict[str, Rule] = field(default_factory=dict)
    writing_reads: set[str] = field(default_factory=set)
    late_writes: set[str] = field(default_factory=set)


def access_table(app: Flask) -> AccessTable:
    table = app.extensions.get(EXTENSION)
    if table is None:
        table = app.extensions[EXTENSION] = AccessTable()
    return table  # type: ignore[no-any-return]


class FeatureBlueprint(Blueprint):
    def __init__(
        self,
        name: str,
        import_name: str,
        *,
        routes: Iterable[str],
        access: Mapping[str, Rule],
        writing_reads: Iterable[str] = (),
        late_writes: Iterable[str] = (),
        **options: Any,
    ) -> None:
        super().__init__(name, import_name, **options)
        self.route_modules = tuple(routes)
        self.access = dict(access)
        self.writing_reads = frozenset(writing_reads)
        self.late_writes = frozenset(late_writes)
        undeclared = (self.writing_reads | self.late_writes) - self.access.keys()
        if undeclared:
            raise ValueError(f"{name}: writing reads or late writes without an access rule: {sorted(undeclared)}")

    def register(self, app: Flask, options: dict[str, Any]) -> None:
        for module in self.route_modules:
            importlib.import_module(f"{self.import_name}.{module}")
        name = f"{options.get('name_prefix', '')}.{options.get('name', self.name)}".lstrip(".")
        table = access_table(app)
        table.rules.update({f"{name}.{view}": rule for view, rule in self.access.items()})
        table.writing_reads.update(f"{name}.{view}" for view in self.writing_reads)
        table.late_writes.update(f"{name}.{view}" for view in self.late_writes)
        super().register(app, options)
