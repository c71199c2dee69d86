"""``Query.delete(bulk=True)``: one DELETE statement, no hooks, the session's query cache cleared."""

from __future__ import annotations

from typing import Any

from ..session.objects import current_cache
from ..sql import ast


def bulk_delete(query: Any, entity: Any) -> int:
    database = query._database
    cache = current_cache(database)
    if cache.dirty:
        database._flush_cache(cache)
    translation = query._translation
    compiled = translation.compiled.get("bulk_delete")
    if compiled is None:
        select = translation.select
        alias = translation.results[0].alias
        pk_columns = [c for attr in entity._root_._pk_attrs_ for c in attr.columns]
        inner = select.replace(
            columns=tuple(ast.Column(alias, c) for c in pk_columns), distinct=False, order_by=()
        )
        keys = [ast.Column(None, c) for c in pk_columns]
        target: ast.Node = keys[0] if len(keys) == 1 else ast.Row(*keys)
        # The subquery is wrapped so MySQL accepts a DELETE that reads its own table.
        wrapped = ast.Select((ast.Star(),), (ast.SubqueryTable(inner, "q"),))
        node = ast.Delete(entity._table_, ast.InSelect(target, wrapped))
        compiled = translation.compiled["bulk_delete"] = database.provider.compiler.compile(node)
    arguments = compiled.arguments(query._arguments) if compiled.param_keys else None
    cursor, _ = cache.execute(compiled.sql, arguments, write=True)
    cache.query_results.clear()
    return cursor.rowcount
