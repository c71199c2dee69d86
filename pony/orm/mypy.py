"""The mypy plugin for Pony-style entities: enable it with ``plugins = pony.orm.mypy`` (docs/typing.md).

What it adds to what the declared types (pony/orm/core.pyi) give every checker:

* ``class Person(db.Entity)``: mypy takes no variable as a base class, so in modules that import pony a
  base written ``<something>.Entity`` is read as ``pony.orm.core.Entity`` (the base of every ``db.Entity``).
* Attributes declared without annotations get their precise types, relations named by a string included
  (``Set("Car")`` is ``Set[Car]``), and ``Optional(str)`` reads as ``str`` unless nullable or unique.
* Entities without a primary key get Pony's implicit ``id`` (an ``int``).
* The constructor takes the attributes as keywords: required ones without a default must be given,
  auto-generated keys and optional attributes may be left out, unknown keywords and wrong types are errors.

Only mypy imports this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from mypy.nodes import (
    ARG_NAMED,
    ARG_NAMED_OPT,
    ARG_POS,
    MDEF,
    Argument,
    AssignmentStmt,
    Block,
    CallExpr,
    ClassDef,
    Decorator,
    ExpressionStmt,
    ForStmt,
    FuncDef,
    IfStmt,
    Import,
    ImportAll,
    ImportFrom,
    IndexExpr,
    LambdaExpr,
    MemberExpr,
    MypyFile,
    NameExpr,
    OverloadedFuncDef,
    PlaceholderNode,
    RefExpr,
    ReturnStmt,
    Statement,
    StrExpr,
    SymbolTableNode,
    TryStmt,
    TypeAlias,
    TypeInfo,
    Var,
    WhileStmt,
    WithStmt,
)
from mypy.plugin import AnalyzeTypeContext, ClassDefContext, Plugin, SemanticAnalyzerPluginInterface
from mypy.plugins.common import add_method_to_class
from mypy.typeops import make_simplified_union
from mypy.types import AnyType, Instance, NoneType, PlaceholderType, Type, TypeOfAny, get_proper_type

CORE = "pony.orm.core"
ENTITY = f"{CORE}.Entity"
KINDS = {f"{CORE}.{name}": name for name in ("Required", "Optional", "PrimaryKey", "Discriminator", "Set")}
METADATA_KEY = "pony.orm"
# What an attribute of these types holds (None: any JSON value).
VALUE_TYPES = {
    "pony.orm.types.LongStr": ("builtins.str", None),
    "pony.orm.types.Json": None,
    "pony.orm.types.IntArray": ("builtins.list", "builtins.int"),
    "pony.orm.types.StrArray": ("builtins.list", "builtins.str"),
    "pony.orm.types.FloatArray": ("builtins.list", "builtins.float"),
}
# Options that let the constructor leave a Required attribute out.
DEFAULTED = ("default", "auto", "sql_default", "volatile")
BASE_ALIAS = "_pony_orm_Entity_"


class PonyPlugin(Plugin):
    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        if _imports_pony(file) and _rewrite_entity_bases(file):
            return [(10, CORE, -1)]
        return []

    def get_base_class_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        return _entity_class if self._entity_info(fullname) is not None else None

    def get_type_analyze_hook(self, fullname: str) -> Callable[[AnalyzeTypeContext], Type] | None:
        info = self._entity_info(fullname)
        if info is None or info.fullname == ENTITY:
            return None
        return lambda ctx: _entity_type_ref(ctx, info)

    def _entity_info(self, fullname: str) -> TypeInfo | None:
        if fullname == ENTITY:
            sym = self.lookup_fully_qualified(fullname)
            return sym.node if sym is not None and isinstance(sym.node, TypeInfo) else None
        sym = self.lookup_fully_qualified(fullname)
        if sym is not None and isinstance(sym.node, TypeInfo) and sym.node.mro and sym.node.has_base(ENTITY):
            return sym.node
        return None


def plugin(version: str) -> type[Plugin]:
    return PonyPlugin


# --- class Person(db.Entity) ------------------------------------------------------------------------------


def _imports_pony(file: MypyFile) -> bool:
    for node in file.imports:
        if isinstance(node, Import):
            ids = [name for name, _ in node.ids]
        elif isinstance(node, (ImportFrom, ImportAll)):
            ids = [node.id] if not node.relative else []
        else:
            continue
        if any(name == "pony" or name.startswith("pony.") for name in ids):
            return True
    return False


def _rewrite_entity_bases(file: MypyFile) -> bool:
    """Read ``class X(<expr>.Entity)`` as ``class X(pony.orm.core.Entity)`` (through an added import)."""
    changed = False
    for cls in _class_defs(file.defs):
        for index, base in enumerate(cls.base_type_exprs):
            if isinstance(base, MemberExpr) and base.name == "Entity" and isinstance(base.expr, RefExpr):
                alias = NameExpr(BASE_ALIAS)
                alias.set_line(base)
                cls.base_type_exprs[index] = alias
                changed = True
    if changed:
        node = ImportFrom(CORE, 0, [("Entity", BASE_ALIAS)])
        node.is_top_level = True
        node.set_line(1)
        file.defs.insert(0, node)
        file.imports.append(node)
    return changed


def _class_defs(statements: list[Statement]) -> Iterator[ClassDef]:
    for statement in statements:
        if isinstance(statement, ClassDef):
            yield statement
            yield from _class_defs(statement.defs.body)
        elif isinstance(statement, (FuncDef, Decorator, OverloadedFuncDef)):
            funcs = statement.items if isinstance(statement, OverloadedFuncDef) else [statement]
            for func in funcs:
                body = func.func.body if isinstance(func, Decorator) else func.body
                if isinstance(body, Block):
                    yield from _class_defs(body.body)
        else:
            for block in _blocks(statement):
                yield from _class_defs(block.body)


def _blocks(statement: Statement) -> list[Block]:
    if isinstance(statement, IfStmt):
        return [*statement.body, *([statement.else_body] if statement.else_body else [])]
    if isinstance(statement, (ForStmt, WhileStmt)):
        return [statement.body, *([statement.else_body] if statement.else_body else [])]
    if isinstance(statement, WithStmt):
        return [statement.body]
    if isinstance(statement, TryStmt):
        extra = [statement.else_body, statement.finally_body]
        return [statement.body, *statement.handlers, *[b for b in extra if b is not None]]
    return []


# --- p = Person[1] --------------------------------------------------------------------------------------


def _entity_type_ref(ctx: AnalyzeTypeContext, info: TypeInfo) -> Type:
    """An entity class named in a type. ``x = Person[1]`` reaches here too: mypy first reads an assignment of
    a subscripted class as a type alias (it exempts only enums); it is then rewritten as the call
    ``Person.__getitem__(1)`` it is, and analysed again."""
    unbound = ctx.type
    if not unbound.args:
        return Instance(info, [])
    statement = getattr(getattr(ctx.api, "api", None), "statement", None)
    if isinstance(statement, AssignmentStmt) and isinstance(statement.rvalue, IndexExpr):
        index = statement.rvalue
        if isinstance(index.base, RefExpr) and index.base.fullname == info.fullname:
            call = CallExpr(MemberExpr(index.base, "__getitem__"), [index.index], [ARG_POS], [None])
            call.set_line(index)
            call.callee.set_line(index)
            statement.rvalue = call
            return PlaceholderType(info.fullname, [], unbound.line)  # analysed again: now a plain call
    ctx.api.fail(f'"{info.name}" expects no type arguments, but {len(unbound.args)} given', ctx.context)
    return AnyType(TypeOfAny.from_error)


# --- the attributes of an entity class ----------------------------------------------------------------


class _Unresolved(Exception):
    """A type the class refers to is not analysed yet: the class is analysed again later."""


def _entity_class(ctx: ClassDefContext) -> None:
    info = ctx.cls.info
    try:
        fields = list(_declared_fields(ctx))
    except _Unresolved:
        if not ctx.api.final_iteration:
            ctx.api.defer()
            return
        fields = []
    own_pk = any(kind == "PrimaryKey" for _, kind, _, _ in fields) or _has_composite_pk(ctx.cls)
    inherited_pk = any(base.metadata.get(METADATA_KEY, {}).get("has_pk") for base in info.mro[1:])
    required = []
    for statement, _, descriptor, is_required in fields:
        lvalue = statement.lvalues[0]
        assert isinstance(lvalue, NameExpr)
        var = info.names[lvalue.name].node
        if isinstance(var, Var) and statement.type is None:  # not annotated by the user: the precise type
            var.type = statement.type = descriptor
            var.is_inferred = lvalue.is_inferred_def = False
        if is_required:
            required.append(lvalue.name)
    if not own_pk and not inherited_pk and "id" not in info.names:
        _add_implicit_id(ctx)
    info.metadata[METADATA_KEY] = {"required": required, "has_pk": own_pk or inherited_pk or "id" in info.names}
    _add_constructor(ctx)


def _declared_fields(ctx: ClassDefContext) -> Iterator[tuple[AssignmentStmt, str, Type, bool]]:
    """(statement, kind, descriptor type, required in the constructor) for each attribute of the class."""
    for statement in ctx.cls.defs.body:
        if not isinstance(statement, AssignmentStmt) or len(statement.lvalues) != 1:
            continue
        lvalue, call = statement.lvalues[0], statement.rvalue
        if not isinstance(lvalue, NameExpr) or not isinstance(call, CallExpr):
            continue
        kind = _kind(call)
        if kind is None or not call.args or call.arg_names[0] is not None:
            continue
        value = _target_type(ctx.api, call.args[0])
        options = {name: arg for name, arg in zip(call.arg_names, call.args) if name}
        descriptor = _descriptor(ctx.api, kind, value, options)
        required = kind in ("Required", "PrimaryKey") and not any(option in options for option in DEFAULTED)
        yield statement, kind, descriptor, required


def _kind(call: CallExpr) -> str | None:
    return KINDS.get(call.callee.fullname) if isinstance(call.callee, RefExpr) else None


def _has_composite_pk(cls: ClassDef) -> bool:
    for statement in cls.defs.body:
        if isinstance(statement, ExpressionStmt) and isinstance(statement.expr, CallExpr):
            call = statement.expr
            if _kind(call) == "PrimaryKey" and len(call.args) >= 2:
                return True
    return False


def _target_type(api: SemanticAnalyzerPluginInterface, expr: object) -> Type:
    """The type named by an attribute's first argument: a class, an entity's name, or a lambda."""
    if isinstance(expr, LambdaExpr):
        body = expr.body.body
        if len(body) == 1 and isinstance(body[0], ReturnStmt) and body[0].expr is not None:
            return _target_type(api, body[0].expr)
        return AnyType(TypeOfAny.special_form)
    if isinstance(expr, StrExpr):
        return _named_entity(api, expr)
    if isinstance(expr, RefExpr):
        node = expr.node
        if isinstance(node, PlaceholderNode):
            raise _Unresolved
        if isinstance(node, TypeAlias):
            return node.target
        if isinstance(node, TypeInfo):
            return _instance(api, node)
    return AnyType(TypeOfAny.special_form)


def _named_entity(api: SemanticAnalyzerPluginInterface, expr: StrExpr) -> Type:
    sym = api.lookup_qualified(expr.value, expr, suppress_errors=True)
    node = sym.node if sym is not None else None
    if isinstance(node, TypeInfo):
        return _instance(api, node)
    if isinstance(node, TypeAlias):
        return node.target
    for module in _modules(api):  # an entity of the same database declared in another module
        found = module.names.get(expr.value)
        if found is not None and isinstance(found.node, TypeInfo) and found.node.has_base(ENTITY):
            return _instance(api, found.node)
    raise _Unresolved


def _modules(api: SemanticAnalyzerPluginInterface) -> list[MypyFile]:
    modules = getattr(api, "modules", {})
    return list(modules.values())


def _instance(api: SemanticAnalyzerPluginInterface, info: TypeInfo) -> Type:
    special = VALUE_TYPES.get(info.fullname, ...)
    if special is None:
        return AnyType(TypeOfAny.special_form)
    if special is not ...:
        outer, item = special
        return api.named_type(outer, [api.named_type(item)] if item else [])
    return Instance(info, [AnyType(TypeOfAny.special_form)] * len(info.defn.type_vars))


def _descriptor(api: SemanticAnalyzerPluginInterface, kind: str, value: Type, options: dict[str, object]) -> Type:
    """``Required[str]``, ``Set[Car]`` ...; an Optional string is ``Optional[str]`` (never None) unless
    it is nullable or unique, then ``Optional[str | None]``; an Optional Json value (never None) or of a type
    not found is an ``Attribute[Any]``."""
    if kind == "Optional" and isinstance(get_proper_type(value), AnyType):
        return api.named_type(f"{CORE}.Attribute", [value])
    if kind == "Optional" and _is_str(value) and _flag(options.get("nullable")) is not True \
            and _flag(options.get("unique")) is not True:
        return api.named_type(f"{CORE}.Optional", [value])
    if kind == "Optional" and _is_str(value):
        return api.named_type(f"{CORE}.Optional", [make_simplified_union([value, NoneType()])])
    return api.named_type(f"{CORE}.{kind}", [value])


def _is_str(value: Type) -> bool:
    proper = get_proper_type(value)
    return isinstance(proper, Instance) and proper.type.fullname == "builtins.str"


def _flag(expr: object) -> bool | None:
    if isinstance(expr, NameExpr) and expr.fullname in ("builtins.True", "builtins.False"):
        return expr.fullname == "builtins.True"
    return None


def _add_implicit_id(ctx: ClassDefContext) -> None:
    info = ctx.cls.info
    var = Var("id", ctx.api.named_type(f"{CORE}.PrimaryKey", [ctx.api.named_type("builtins.int")]))
    var.info = info
    var._fullname = f"{info.fullname}.id"
    info.names["id"] = SymbolTableNode(MDEF, var, plugin_generated=True)


# --- the constructor --------------------------------------------------------------------------------------


def _add_constructor(ctx: ClassDefContext) -> None:
    """``__init__(self, *, name: str, age: int | None = ..., cars: Iterable[Car] = ...)`` from every
    attribute of the class and its entity bases (base attributes first, as declared)."""
    info = ctx.cls.info
    params: dict[str, Argument] = {}
    for cls_info in reversed(info.mro):
        meta = cls_info.metadata.get(METADATA_KEY)
        if meta is None:
            continue
        required = set(meta["required"])
        for name, sym in cls_info.names.items():
            if sym.plugin_generated or not isinstance(sym.node, Var):
                continue
            value = _constructor_type(ctx.api, sym.node.type)
            if value is None:
                continue
            kind = ARG_NAMED if name in required else ARG_NAMED_OPT
            params[name] = Argument(Var(name, value), value, None, kind)
    ordered = sorted(params.values(), key=lambda arg: arg.kind != ARG_NAMED)
    add_method_to_class(ctx.api, ctx.cls, "__init__", ordered, NoneType())


def _constructor_type(api: SemanticAnalyzerPluginInterface, descriptor: Type | None) -> Type | None:
    proper = get_proper_type(descriptor)
    if not isinstance(proper, Instance):
        return None
    kind = KINDS.get(proper.type.fullname, "Attribute" if proper.type.fullname == f"{CORE}.Attribute" else None)
    if kind is None or not proper.args:
        return None
    value = proper.args[0]
    if kind == "Set":
        return api.named_type("typing.Iterable", [value])
    if kind == "Optional":
        return make_simplified_union([value, NoneType()])
    return value
