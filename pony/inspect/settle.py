"""Map the generated entities with the live database's provider and compare the result with the
live schema: where Pony's default table, column, link-table or index names differ from the live
ones the declaration names them (``_table_``, ``column=``, ``table=``, ``index=``), and a column
whose type comes out different is flagged with a comment."""

from __future__ import annotations

from typing import Any

from ..orm.model.mapping import generate_mapping
from ..orm.sql.schema import DBSchema
from .model import AttrSpec, EntitySpec
from .render import render_module


class InspectError(Exception):
    """The database could not be read, or the generated entities do not map (the message says why)."""


def map_source(source: str, provider: Any) -> tuple[Any, DBSchema]:
    """Execute generated source and map its ``db`` with ``provider`` (nothing is sent to the database)."""
    namespace: dict[str, Any] = {"__name__": "pony_inspect_generated"}
    try:
        exec(compile(source, "<pony.inspect>", "exec"), namespace)
        db = namespace["db"]
        db.provider = provider
        db.provider_name = provider.provider_name
        return db, generate_mapping(db)
    except Exception as exc:
        raise InspectError(f"the generated entities do not map: {type(exc).__name__}: {exc}") from exc


def settle(entities: list[EntitySpec], provider: Any, live_types: dict[tuple[str, str], str]) -> None:
    """Name explicitly what differs from Pony's defaults, then flag type differences."""
    db, _ = map_source(render_module(entities), provider)
    for spec in entities:
        entity = db.entities[spec.name]
        spec.explicit_table = entity._table_ != spec.table
        for attr in spec.attrs:
            _settle_attr(attr, entity._adict_[attr.name])
    db, schema = map_source(render_module(entities), provider)
    for spec in entities:
        table = schema.tables.get(spec.table)
        if table is None:
            continue
        for attr in spec.attrs:
            if attr.index_name is not None:
                index = table.indexes.get(attr.columns)
                if index is not None and index.name != attr.index_name:
                    attr.options["index"] = repr(attr.index_name)
            _flag_types(spec, attr, table, live_types)


def _settle_attr(attr: AttrSpec, mapped: Any) -> None:
    if attr.link is not None:
        attr.explicit_link = mapped.table != attr.link
        attr.explicit_columns = tuple(mapped.columns) != attr.columns
        if attr.reverse_columns:
            attr.explicit_reverse_columns = tuple(mapped.reverse_columns or ()) != attr.reverse_columns
    elif attr.columns:
        attr.explicit_columns = tuple(mapped.columns) != attr.columns


def _flag_types(spec: EntitySpec, attr: AttrSpec, table: Any, live_types: dict[tuple[str, str], str]) -> None:
    if attr.link is not None or attr.comment:
        return
    for name in attr.columns:
        column = table.column_dict.get(name)
        live = live_types.get((spec.table, name))
        if column is not None and live is not None and _type_key(column.sql_type) != _type_key(live):
            attr.comment = f"the database type is {live}, Pony would create {column.sql_type}"
            return


def _type_key(sql_type: str) -> str:
    from .columns import canonical_type
    text = canonical_type(sql_type)
    return {"SERIAL": "INTEGER", "BIGSERIAL": "BIGINT", "SMALLSERIAL": "SMALLINT"}.get(text, text)
