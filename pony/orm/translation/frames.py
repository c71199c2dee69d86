"""A ``Frame`` is one SELECT scope being built: its FROM list, WHERE and HAVING conditions and
the loop variables visible in it. Subqueries are frames whose parent is the enclosing frame.
"""

from __future__ import annotations

from typing import Any

from ..sql import ast


class Frame:
    def __init__(self, translator: Any, parent: Frame | None = None, left_join: bool = False) -> None:
        self.tr = translator
        self.parent = parent
        self.sources: list[ast.Node] = []
        self.where: list[ast.Node] = []
        self.having: list[ast.Node] = []
        self.names: dict[str, Any] = {}
        self.loops: list[tuple[str, Any]] = []  # (alias, entity) of row-multiplying sources
        self.joins: dict[tuple, str] = {}  # (alias, attribute name) -> alias of an implicit join
        self.left_join = left_join
        self.aggregated = False  # an aggregate of this frame's rows was used outside a subquery

    def lookup(self, name: str) -> Any:
        frame: Frame | None = self
        while frame is not None:
            if name in frame.names:
                return frame.names[name]
            frame = frame.parent
        return None

    def is_visible(self, name: str) -> bool:
        return self.lookup(name) is not None

    def add_table(self, table: Any, alias: str, on: ast.Node | None = None, kind: str = "INNER") -> None:
        if not self.sources:
            self.sources.append(ast.Table(table, alias))
            if on is not None:
                self.where.append(on)
        else:
            self.sources.append(ast.Join(kind, ast.Table(table, alias), on))

    def add_condition(self, cond: ast.Node, aggregated: bool = False) -> None:
        (self.having if aggregated else self.where).append(cond)

    def select(self, columns: tuple, **kwargs: Any) -> ast.Select:
        """A SELECT of ``columns`` over this frame's sources and conditions."""
        return ast.Select(columns, tuple(self.sources), ast.and_(*self.where), **kwargs)
