"""SQLite storage of the Python types: what SQLite lacks natively is stored as text or real."""

from __future__ import annotations

from ..base import converters as base

SQLITE_CONVERTERS = base.BASE_CONVERTERS
