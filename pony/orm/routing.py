"""Running at scale: read replicas, fail-over node lists and pool limits (docs/scale-out.md)."""

from __future__ import annotations

from .dbproviders.base.pool_limit import PoolExhaustedError

__all__ = ["PoolExhaustedError"]
