"""The programme impact report and the Success Case Method, for admins."""

from __future__ import annotations
