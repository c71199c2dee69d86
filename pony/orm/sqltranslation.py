"""Pony-compatible module name: the query translator and ``IncomparableTypesError``."""

from __future__ import annotations

from .errors import IncomparableTypesError
from .translation.translator import Translator as SQLTranslator

__all__ = ["SQLTranslator", "IncomparableTypesError"]
