"""Errors of the async layer."""

from __future__ import annotations

from ... import errors


class AsyncBridgeError(errors.TransactionError):
    """Synchronous ORM code needed the database in an asyncio task not running under the bridge."""


class PoolTimeoutError(errors.OperationalError):
    """No connection of the async pool became free within its timeout."""
