"""URL converters that keep hostile path values away from the database."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from certify.params import DATABASE_INT_MAX


class DatabaseInteger(IntegerConverter):
    """`<int:...>` limited to what an INTEGER column can hold, so 2**63 is a 404, not an overflow."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)
