"""Typed query expressions for entities: objects, their collections, and sets of rows
(subqueries made from collections, attribute lifting or nested generator expressions).
"""

from __future__ import annotations

from typing import Any

from ..errors import IncomparableTypesError, TranslationAttributeError, TranslationError, TranslationTypeError
from ..sql import ast
from .frames import Frame
from .values import Condition, Expr, Value, aggregate_type, arithmetic, compare_values, make_value, number_node


def pk_columns(entity: Any) -> list:
    return [c for attr in entity._root_._pk_attrs_ for c in attr.columns]


def find_attr(entity: Any, name: str) -> Any:
    attr = entity._adict_.get(name)
    if attr is None:
        for sub in entity._subclasses_:
            attr = sub._adict_.get(name)
            if attr is not None:
                break
    return attr


def eq_nodes(left: list, right: list, negated: bool = False) -> ast.Node:
    items = [ast.BinOp("<>" if negated else "=", a, b) for a, b in zip(left, right)]
    if len(items) == 1:
        return items[0]
    return ast.Or(*items) if negated else ast.And(*items)


class ObjectExpr(Expr):
    """An entity object: a loop variable, a related object, or an object parameter.

    ``pk_nodes`` give its primary key; ``alias`` is set once its table is in FROM (a related
    object reached through a foreign key is joined only when another attribute is needed).
    """

    def __init__(
        self,
        entity: Any,
        frame: Frame | None,
        alias: str | None = None,
        pk_nodes: list | None = None,
        parent: ObjectExpr | None = None,
        via: Any = None,
    ) -> None:
        self.entity = entity
        self.py_type = entity
        self.frame = frame
        self.alias = alias
        self.pk_nodes = (
            pk_nodes if pk_nodes is not None else [ast.Column(alias, c) for c in pk_columns(entity)]
        )
        self.parent = parent
        self.via = via  # the to-one attribute of ``parent`` this object was reached by

    @property
    def nullable(self) -> bool:
        return self.alias is None

    def ensure_alias(self, tr: Any) -> str:
        if self.alias is not None:
            return self.alias
        parent, via, frame = self.parent, self.via, self.frame
        if parent is None or frame is None:
            raise self.fail("Attributes of an object parameter cannot be used here")
        key = (parent.ensure_alias(tr), via.name)
        alias = frame.joins.get(key)
        if alias is None:
            alias = frame.joins[key] = tr.new_alias(via.name)
            on = eq_nodes(self.pk_nodes, [ast.Column(alias, c) for c in pk_columns(self.entity)])
            kind = "LEFT" if frame.left_join else "INNER"
            frame.add_table(self.entity._table_, alias, on, kind)
        self.alias = alias
        return alias

    def columns(self, tr: Any) -> tuple:
        alias = self.ensure_alias(tr)
        return tuple(ast.Column(alias, c) for attr in self.entity._load_attrs_ for c in attr.columns)

    def getattr(self, name: str, tr: Any) -> Expr:
        attr = find_attr(self.entity, name)
        if attr is None:
            raise self.no_attribute(name)
        if attr.is_collection:
            return CollectionExpr(self, attr)
        if attr.is_relation:
            target = attr.py_type
            if attr.columns:
                if attr.is_pk and self.alias is None:
                    nodes = self._pk_slice(attr)
                else:
                    alias = self.ensure_alias(tr)
                    nodes = [ast.Column(alias, c) for c in attr.columns]
                return ObjectExpr(target, self.frame_for(), None, nodes, self, attr)
            return self._reverse_one_to_one(attr, tr)
        if attr.is_pk and self.alias is None:
            nodes = self._pk_slice(attr)
            return make_value(nodes[0], attr.py_type, attr)
        alias = self.ensure_alias(tr)
        value = make_value(ast.Column(alias, attr.columns[0]), attr.py_type, attr)
        return value

    def frame_for(self) -> Frame | None:
        return self.frame

    def _pk_slice(self, attr: Any) -> list:
        offset = 0
        for pk_attr in self.entity._root_._pk_attrs_:
            width = len(pk_attr.columns)
            if pk_attr is attr:
                return self.pk_nodes[offset : offset + width]
            offset += width
        raise AssertionError(attr)

    def _reverse_one_to_one(self, attr: Any, tr: Any) -> ObjectExpr:
        frame = self.frame
        assert frame is not None
        owner = self.ensure_alias(tr)
        key = (owner, attr.name)
        alias = frame.joins.get(key)
        target = attr.py_type
        if alias is None:
            alias = frame.joins[key] = tr.new_alias(attr.name)
            on = eq_nodes([ast.Column(alias, c) for c in attr.reverse.columns], self.pk_nodes)
            frame.add_table(target._table_, alias, on, "LEFT")
        return ObjectExpr(target, frame, alias)

    def compare(self, op: str, other: Expr) -> ast.Node:
        if isinstance(other, Value) and other.kind == "none":
            nodes = [ast.IsNull(n) if op == "=" else ast.IsNotNull(n) for n in self.pk_nodes[:1]]
            return nodes[0]
        if not isinstance(other, ObjectExpr):
            raise IncomparableTypesError(self.entity, other.py_type)
        if self.entity._root_ is not other.entity._root_:
            raise IncomparableTypesError(self.entity, other.entity)
        if op not in ("=", "<>"):
            if len(self.pk_nodes) != 1:
                raise TypeError(f"Objects with composite keys cannot be ordered: {self.src}")
            return ast.BinOp(op, self.pk_nodes[0], other.pk_nodes[0])
        return eq_nodes(self.pk_nodes, other.pk_nodes, negated=op == "<>")

    def truth(self) -> ast.Node:
        return ast.IsNotNull(self.pk_nodes[0])

    def no_attribute(self, name: str) -> TranslationError:
        what = f"Entity {self.entity.__name__} does not have attribute {name}"
        if self.src == "?":  # an item of a collection: the translator adds the user's text
            return self.fail(what, cls=TranslationAttributeError)
        return TranslationAttributeError(f"{what}: {self.src}.{name}")

    def call_method(self, name: str, args: list, kwargs: dict, tr: Any) -> Expr:
        raise self.no_attribute(name)


class ObjectParam(ObjectExpr):
    """An entity instance from outside the query: its primary key columns are parameters."""

    def getattr(self, name: str, tr: Any) -> Expr:
        raise self.fail(
            "Attributes of objects from outside the query are evaluated in Python; "
            f"{name} cannot be read here"
        )


class CollectionExpr(Expr):
    """``obj.items``: a to-many attribute of an object in the query."""

    def __init__(self, owner: ObjectExpr, attr: Any) -> None:
        self.owner = owner
        self.attr = attr
        self.py_type = attr.py_type

    def join_into(self, tr: Any, frame: Frame, alias: str, kind: str = "INNER") -> ObjectExpr:
        """Add the collection's items to ``frame`` as ``alias`` (linked to the owner)."""
        attr, target = self.attr, self.attr.py_type
        owner_pk = self.owner.pk_nodes
        if attr.is_m2m:
            m2m = tr.new_alias(f"{alias}-link")
            owner_cols = attr.reverse_columns if attr.reverse is attr else attr.reverse.columns
            frame.add_table(
                attr.m2m_table, m2m, eq_nodes([ast.Column(m2m, c) for c in owner_cols], owner_pk), kind
            )
            item_nodes = [ast.Column(m2m, c) for c in attr.columns]
            frame.add_table(
                target._table_,
                alias,
                eq_nodes(item_nodes, [ast.Column(alias, c) for c in pk_columns(target)]),
                kind,
            )
        else:
            frame.add_table(
                target._table_,
                alias,
                eq_nodes([ast.Column(alias, c) for c in attr.reverse.columns], owner_pk),
                kind,
            )
        cond = tr.discriminator(target, alias)
        if cond is not None:
            frame.where.append(cond)
        obj = ObjectExpr(target, frame, alias)
        return obj

    def as_set(self, tr: Any) -> SetExpr:
        frame = Frame(tr, tr.frame)
        alias = tr.new_alias(self.attr.name)
        item = self.join_into(tr, frame, alias)
        frame.loops.append((alias, item.entity))
        return SetExpr(frame, item, lift=Lift((tuple(self.owner.pk_nodes), self.attr), item, ()))

    def getattr(self, name: str, tr: Any) -> Expr:
        return self.as_set(tr).getattr(name, tr)

    def call_method(self, name: str, args: list, kwargs: dict, tr: Any) -> Expr:
        return self.as_set(tr).call_method(name, args, kwargs, tr)

    def truth(self) -> ast.Node:
        raise AssertionError("translated through as_set")

    def length(self, tr: Any) -> Expr:
        return self.as_set(tr).length(tr)

    def contains(self, item: Expr, tr: Any) -> ast.Node:
        return self.as_set(tr).contains(item, tr)


class Lift:
    """Where a lifted collection value comes from: ``root`` names the collection (owner key and
    attribute), ``item`` is its row object in the frame, ``names`` the attributes read from it
    (None once the value is computed). Two lifted values of one collection share its rows."""

    def __init__(self, root: tuple, item: ObjectExpr, names: tuple | None) -> None:
        self.root = root
        self.item = item
        self.names = names

    def then(self, name: str) -> Lift:
        return Lift(self.root, self.item, None if self.names is None else self.names + (name,))


class SetExpr(Expr):
    """Rows of a subquery frame, each giving ``item``: a collection, a lifted attribute of
    one (``c.orders.total``) or a nested generator expression."""

    lifted = False  # an attribute lifted over a collection: as a query result it joins the query

    def __init__(
        self, frame: Frame, item: Expr, distinct: bool = False, lift: Lift | None = None, generator: bool = False
    ) -> None:
        self.frame = frame
        self.item = item
        self.distinct = distinct
        self.lift = lift
        self.generator = generator  # a generator expression: a yielded boolean is a condition of its rows
        self.py_type = getattr(item, "py_type", None)

    def getattr(self, name: str, tr: Any) -> Expr:
        item = self.item
        if isinstance(item, SetExpr):
            return item.getattr(name, tr)
        if not isinstance(item, ObjectExpr):
            raise self.fail(f"Attribute {name} is not supported here", cls=TranslationAttributeError)
        saved, tr.frame = tr.frame, self.frame
        try:
            value = item.getattr(name, tr)
            if isinstance(value, CollectionExpr):
                value = self._join_collection(value, tr)
        finally:
            tr.frame = saved
        if isinstance(value, Value):
            self.frame.where.append(ast.IsNotNull(value.node))
        lifted = SetExpr(self.frame, value, lift=self.lift.then(name) if self.lift else None)
        lifted.lifted = True
        return lifted

    def _join_collection(self, collection: CollectionExpr, tr: Any) -> ObjectExpr:
        """The items of ``collection`` as rows of this frame (joined once per owner row)."""
        key = (tuple(collection.owner.pk_nodes), collection.attr.name, "items")
        alias = self.frame.joins.get(key)
        if alias is None:
            alias = self.frame.joins[key] = tr.new_alias(collection.attr.name)
            item = collection.join_into(tr, self.frame, alias)
            self.frame.loops.append((alias, item.entity))
            return item
        return ObjectExpr(collection.attr.py_type, self.frame, alias)

    def item_nodes(self, tr: Any) -> list:
        item = self.item
        if isinstance(item, ObjectExpr):
            return list(item.pk_nodes)
        if isinstance(item, Value):
            return [item.node]
        raise self.fail("This subquery cannot be used here")

    def select(self, tr: Any, columns: list | None = None, **kwargs: Any) -> ast.Select:
        return self.frame.select(tuple(columns if columns is not None else self.item_nodes(tr)), **kwargs)

    def exists(self, negated: bool = False) -> ast.Node:
        return ast.Exists(self.frame.select((ast.Value(1),)), negated)

    def any_true(self) -> ast.Node:
        """``exists(gen)`` or a generator used as a condition: true when one of its rows is there
        and, when the generator yields a boolean (``o.paid for o in c.orders``), that boolean is true."""
        select = self.frame.select((ast.Value(1),))
        item = self.item
        if self.generator and isinstance(item, Value) and item.kind == "bool":
            select = select.replace(where=ast.and_(select.where, item.truth()))
        return ast.Exists(select)

    def truth(self) -> ast.Node:
        return self.any_true()

    def aggregate(self, name: str, tr: Any, distinct: bool | None = None, sep: Any = None) -> Value:
        item = self.item
        if name == "COUNT":
            if isinstance(item, ObjectExpr):
                nodes = item.pk_nodes
                if len(nodes) == 1 and (distinct or distinct is None):
                    node: ast.Node = ast.Aggregate("COUNT", nodes[0], True)
                else:
                    node = ast.Aggregate("COUNT", None)
            else:
                node = ast.Aggregate("COUNT", self.item_nodes(tr)[0], distinct is not False)
            return make_value(ast.Subquery(self.frame.select((node,))), int)  # type: ignore[attr-defined]
        if isinstance(item, ObjectExpr) and name == "GROUP_CONCAT" and len(item.pk_nodes) == 1:
            item = make_value(item.pk_nodes[0], int)  # Pony joins the primary keys
        if not isinstance(item, Value):
            raise self.fail(f"{name.lower()}() can only be applied to values, not objects", cls=TranslationTypeError)
        if name == "GROUP_CONCAT":
            node = ast.GroupConcat(item.node, sep, bool(distinct))
            py_type: Any = str
        else:
            if name in ("SUM", "AVG") and item.kind not in ("number", "bool", "timedelta"):
                raise TypeError(
                    f"Function {name.lower()}() expects numeric argument, got {item.type_name()}: {self.src}"
                )
            node = ast.Aggregate(name, number_node(item), bool(distinct))
            py_type = aggregate_type(name, item)
        if name == "SUM":
            node = ast.Func("coalesce", node, ast.Value(0))
        attr = item.attr if name in ("MIN", "MAX") else None
        return make_value(ast.Subquery(self.frame.select((node,))), py_type, attr)  # type: ignore[attr-defined]

    def length(self, tr: Any) -> Expr:
        return self.aggregate("COUNT", tr)

    def contains(self, item: Expr, tr: Any) -> ast.Node:
        mine = self.item
        if isinstance(mine, ObjectExpr):
            if not isinstance(item, ObjectExpr):
                raise IncomparableTypesError(getattr(item, "py_type", None), mine.entity)
            if item.entity._root_ is not mine.entity._root_:
                raise IncomparableTypesError(item.entity, mine.entity)
            self.frame.where.append(eq_nodes(mine.pk_nodes, item.pk_nodes))
        elif isinstance(mine, Value) and isinstance(item, Value):
            self.frame.where.append(compare_values("=", mine, item))
        elif isinstance(item, (ObjectExpr, Value)) and isinstance(mine, (ObjectExpr, Value)):
            raise IncomparableTypesError(item.py_type, mine.py_type)
        else:
            raise self.fail("Operator 'in' is not supported for this subquery")
        return self.exists()

    def call_method(self, name: str, args: list, kwargs: dict, tr: Any) -> Expr:
        if name == "count" and not args:
            return self.aggregate("COUNT", tr, kwargs.get("distinct"))
        if name == "is_empty" and not args:
            return _condition(self.exists(negated=True))
        if name == "exists" and not args:
            return _condition(self.exists())
        if name in ("sum", "avg", "min", "max"):
            return self.aggregate(name.upper(), tr, kwargs.get("distinct"))
        if name in ("select", "filter", "where") and len(args) == 1:
            return tr.filter_set(self, args[0])
        if name in ("select", "filter", "where") and not args and not kwargs:
            return self  # the collection itself
        if name == "exists" and len(args) == 1:
            return _condition(tr.filter_set(self, args[0]).exists())
        if name == "distinct" and not args:
            return SetExpr(self.frame, self.item, True)
        raise self.fail(f"Method {name}() is not supported for collections in a query",
                        cls=TranslationAttributeError)


def _condition(node: ast.Node) -> Value:
    return Condition(node, bool)


def lifted_arithmetic(op: str, left: Expr, right: Expr, src: str, tr: Any) -> SetExpr:
    """``o.items.price * o.items.quantity``: arithmetic row by row over one lifted collection,
    or between a lifted value and a plain value (``o.items.price * 2``)."""
    if isinstance(left, SetExpr) and isinstance(right, SetExpr):
        if left.lift is None or right.lift is None or left.lift.root != right.lift.root:
            raise TypeError(f"Only attributes of the same collection can be combined: {src}")
        if right.lift.names is not None:
            base, other = left, _rewalk(left, right.lift, tr)
            operands = (base.item, other)
        elif left.lift.names is not None:
            base, other = right, _rewalk(right, left.lift, tr)
            operands = (other, base.item)
        else:
            raise TypeError(f"Only attributes of the same collection can be combined: {src}")
    elif isinstance(left, SetExpr):
        base, operands = left, (left.item, right)
    else:
        assert isinstance(right, SetExpr)
        base, operands = right, (left, right.item)
    a, b = operands
    if not isinstance(a, Value) or not isinstance(b, Value) or a.aggregated or b.aggregated:
        raise TypeError(f"Unsupported operand types for {op!r} in expression: {src}")
    value = arithmetic(op, a, b, src)
    lift = Lift(base.lift.root, base.lift.item, None) if base.lift else None
    return SetExpr(base.frame, value, lift=lift)


def _rewalk(base: SetExpr, lift: Lift, tr: Any) -> Expr:
    """The value ``lift`` names, read from the rows of ``base``'s frame."""
    assert base.lift is not None and lift.names is not None
    current: Expr = SetExpr(base.frame, base.lift.item, lift=base.lift)
    for name in lift.names:
        current = current.getattr(name, tr)
    assert isinstance(current, SetExpr)
    return current.item
