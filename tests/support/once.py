"""Work the fixtures do once per test run instead of once per test.

- Templates: every test builds its own app, whose Jinja environment would compile
  each template again. Apps share one in-memory bytecode cache instead; Jinja keys it
  by template name and file and checks the source's hash, so an edited template is
  compiled again. All apps set the same Jinja options in `create_app`.
- Password hashes for `make_user`: a scrypt hash costs about 0.1 s and `make_user`
  runs thousands of times. The fixture stores one real hash per (method, password),
  made by the app's own `hash_password`, so the user signs in exactly as before.
  Everything else (registration, password changes, resets) hashes as in production.
- URL builders: adding a route compiles two Python functions (werkzeug's `Rule._compile_builder`,
  built from an AST) that `url_for` calls; with about 130 routes that is two thirds of
  `create_app`. A test uses a handful of routes, so each builder is compiled the first time it
  is called, by werkzeug's own method, and then replaces itself on the rule: the same function,
  later. Matching requests does not use the builders.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing.rules import Rule

from certify.auth import services as accounts


class SharedBytecode(BytecodeCache):
    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.compiled.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecode()


class _DeferredBuilder:
    """Stands where werkzeug's compiled URL builder goes; compiles it on first call, then steps aside."""

    __slots__ = ("append_unknown", "compile_builder", "rule")

    def __init__(self, compile_builder: Any, rule: Any, append_unknown: bool) -> None:
        self.compile_builder, self.rule, self.append_unknown = compile_builder, rule, append_unknown

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        built = self.compile_builder(self.rule, self.append_unknown).__get__(self.rule, None)
        setattr(self.rule, "_build_unknown" if self.append_unknown else "_build", built)
        return built(*args, **kwargs)


WERKZEUG_COMPILE_BUILDER = Rule._compile_builder  # werkzeug's own, captured before any patch


@contextmanager
def url_builders_compiled_on_first_use() -> Iterator[None]:
    original = WERKZEUG_COMPILE_BUILDER

    class Deferred:
        def __init__(self, append_unknown: bool) -> None:
            self.append_unknown = append_unknown

        def __get__(self, rule: Any, owner: Any) -> _DeferredBuilder:
            return _DeferredBuilder(original, rule, self.append_unknown)

    def deferred(self: Any, append_unknown: bool = True) -> Deferred:
        return Deferred(append_unknown)

    Rule._compile_builder = deferred  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Rule._compile_builder = original  # type: ignore[method-assign]


_hashes: dict[tuple[str, str], str] = {}


@contextmanager
def password_hashed_once() -> Iterator[None]:
    """Within the block, `create_user` reuses this run's hash of a password it has hashed before."""
    real = accounts.hash_password

    def hash_once(password: str) -> str:
        key = (current_app.config["PASSWORD_HASH_METHOD"], password)
        if key not in _hashes:
            _hashes[key] = real(password)
        return _hashes[key]

    accounts.hash_password = hash_once
    try:
        yield
    finally:
        accounts.hash_password = real
