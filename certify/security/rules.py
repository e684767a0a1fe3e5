"""Who may reach a view: the rule kinds every feature's access table is written in.

Rules are checked before any view runs (`certify.security.access.enforce_access`). An endpoint
without a rule is refused (and a test fails), so a new route cannot be published by accident.

- PUBLIC: anyone, signed in or not.
- SIGNED_IN: any active account.
- role(...): an account holding one of the roles.
- owner(...): an account holding one of the roles; the view then loads the
  object through a service that only returns it to its owner (404 otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["public", "signed_in", "role", "owner"]


@dataclass(frozen=True)
class Rule:
    kind: Kind
    roles: frozenset[str] = field(default_factory=frozenset)

    def describe(self) -> str:
        if self.kind in ("role", "owner"):
            return f"{self.kind}:{'|'.join(sorted(self.roles))}"
        return self.kind


PUBLIC = Rule("public")
SIGNED_IN = Rule("signed_in")


def role(*roles: str) -> Rule:
    return Rule("role", frozenset(roles))


def owner(*roles: str) -> Rule:
    return Rule("owner", frozenset(roles))


ADMIN = role("admin")
