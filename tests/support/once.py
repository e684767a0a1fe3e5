"""Work the fixtures do once per test run instead of once per test.

- Templates: every test builds its own app, whose Jinja environment would compile
  each template again. Apps share one in-memory bytecode cache instead; Jinja keys it
  by template name and file and checks the source's hash, so an edited template is
  compiled again. All apps set the same Jinja options in `create_app`.
- Password hashes for `make_user`: a scrypt hash costs about 0.1 s and `make_user`
  runs thousands of times. The fixture stores one real hash per (method, password),
  made by the app's own `hash_password`, so the user signs in exactly as before.
  Everything else (registration, password changes, resets) hashes as in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

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
