"""The tables the code names are the tables the migrations make.

Each service's SQL is written against its `adapters/tables.py` (and lka_common's outbox and
inbox, `messaging/tables.py`, and audit chain, `audit.py`), while its schema is made by its
Alembic revisions: nothing else keeps the two the same. Here each service's database is migrated
fresh and compared with them: every declared table exists with the same columns (name,
nullability, type family), the same primary key, and every declared constraint and index (a name
the code may use: ON CONFLICT ON CONSTRAINT, a conflict target, an index a query relies on)
exists as declared; and every unique constraint or index of those tables in the database is
declared, so that any conflict target the code could name is in tables.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import (
    ARRAY,
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    inspect,
)
from sqlalchemy.engine import Connection, Inspector
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.types import TypeEngine

from lka_common.audit import audit_metadata
from lka_common.messaging.tables import messaging_metadata

SERVICES = ("identity", "accounts", "readings", "payments", "notifications")

# Most specific first: JSONB is JSON, TIMESTAMP is DateTime, TEXT is String and so on.
FAMILIES: tuple[tuple[type[TypeEngine[Any]], str], ...] = (
    (Boolean, "boolean"),
    (Integer, "integer"),
    (Numeric, "numeric"),
    (Uuid, "uuid"),
    (JSON, "json"),
    (DateTime, "timestamp"),
    (Date, "date"),
    (LargeBinary, "bytes"),
    (String, "text"),
)


def family(type_: TypeEngine[Any]) -> str:
    if isinstance(type_, ARRAY):
        return f"array of {family(type_.item_type)}"
    for kind, name in FAMILIES:
        if isinstance(type_, kind):
            if isinstance(type_, DateTime):
                return f"{name} with time zone" if type_.timezone else f"{name} without time zone"
            return name
    return f"other: {type_!r}"


def columns_of(index: Index) -> list[str | None]:
    """An index's column names in order (`created_at DESC` is `created_at`); None for an
    expression (`lower(email)`), as the inspector reads it."""
    names: list[str | None] = []
    for expression in index.expressions:
        element = expression.element if isinstance(expression, UnaryExpression) else expression
        names.append(element.name if isinstance(element, Column) else None)
    return names


@dataclass(frozen=True)
class Found:
    """What the database has of one table, read with SQLAlchemy's inspector."""

    columns: dict[str, dict[str, Any]]
    primary_key: list[str]
    unique: dict[str, list[str | None]]  # unique constraints and unique indexes, by name
    indexes: dict[str, dict[str, Any]]
    foreign_keys: list[tuple[list[str], str, list[str]]]


def read_table(inspector: Inspector, name: str) -> Found | None:
    if not inspector.has_table(name):
        return None
    indexes = {index["name"]: index for index in inspector.get_indexes(name) if index["name"]}
    unique = {c["name"]: list(c["column_names"]) for c in inspector.get_unique_constraints(name) if c["name"]}
    unique |= {n: list(i["column_names"]) for n, i in indexes.items() if i["unique"]}
    return Found(
        columns={column["name"]: column for column in inspector.get_columns(name)},
        primary_key=list(inspector.get_pk_constraint(name)["constrained_columns"]),
        unique=unique,
        indexes=indexes,
        foreign_keys=[
            (list(fk["constrained_columns"]), fk["referred_table"], list(fk["referred_columns"]))
            for fk in inspector.get_foreign_keys(name)
        ],
    )


def differences(table: Table, found: Found | None) -> Iterator[str]:
    """Each way the database's table differs from its declaration, as a sentence."""
    if found is None:
        yield f"{table.name}: declared, but the migrations make no such table"
        return
    declared = {column.name: column for column in table.columns}
    for name in sorted(declared.keys() - found.columns.keys()):
        yield f"{table.name}.{name}: declared, not in the database"
    for name in sorted(found.columns.keys() - declared.keys()):
        yield f"{table.name}.{name}: in the database, not declared"
    for name in sorted(declared.keys() & found.columns.keys()):
        column, there = declared[name], found.columns[name]
        if column.nullable != there["nullable"]:
            yield f"{table.name}.{name}: nullable {column.nullable} declared, {there['nullable']} in the database"
        if family(column.type) != family(there["type"]):
            yield f"{table.name}.{name}: {family(column.type)} declared, {family(there['type'])} in the database"
    if [c.name for c in table.primary_key.columns] != found.primary_key:
        yield f"{table.name}: primary key {[c.name for c in table.primary_key.columns]} declared, {found.primary_key}"
    yield from _constraint_differences(table, found)
    yield from _index_differences(table, found)


def _constraint_differences(table: Table, found: Found) -> Iterator[str]:
    declared_unique: list[list[str | None]] = []
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            columns: list[str | None] = [column.name for column in constraint.columns]
            declared_unique.append(columns)
            name = constraint.name if isinstance(constraint.name, str) else None
            if name is not None and found.unique.get(name) != columns:
                there = found.unique.get(name)
                yield f"{table.name}: unique {name} {columns} declared, {there or 'not'} in the database"
            elif name is None and columns not in found.unique.values():
                yield f"{table.name}: unique {columns} declared, not in the database"
        elif isinstance(constraint, ForeignKeyConstraint):
            target = constraint.elements[0].column.table.name
            fk = ([c.name for c in constraint.columns], target, [e.column.name for e in constraint.elements])
            if fk not in found.foreign_keys:
                yield f"{table.name}: foreign key {fk} declared, not in the database"
    declared_unique += [columns_of(index) for index in table.indexes if index.unique]
    for name, columns in sorted(found.unique.items()):
        if columns not in declared_unique:
            yield f"{table.name}: unique {name} {columns} in the database, not declared"


def _index_differences(table: Table, found: Found) -> Iterator[str]:
    for index in table.indexes:
        name = index.name if isinstance(index.name, str) else None
        there = found.indexes.get(name) if name else None
        if name is None:
            yield f"{table.name}: an index on {columns_of(index)} has no name"
        elif there is None:
            yield f"{table.name}: index {name} declared, not in the database"
        elif (columns_of(index), bool(index.unique)) != (list(there["column_names"]), bool(there["unique"])):
            yield (
                f"{table.name}: index {name} {columns_of(index)} unique={bool(index.unique)} declared,"
                f" {there['column_names']} unique={there['unique']} in the database"
            )


def declared_tables(service: str) -> list[Table]:
    metadata: MetaData = importlib.import_module(f"lka_{service}.adapters.tables").metadata
    return [*metadata.sorted_tables, *messaging_metadata.sorted_tables, *audit_metadata.sorted_tables]


@pytest.mark.parametrize("service", SERVICES)
async def test_every_declared_table_is_what_the_migrations_make(
    service: str, migrated_database: Callable[[str], str]
) -> None:
    tables = declared_tables(service)
    engine = create_async_engine(migrated_database(service))
    try:
        async with engine.connect() as connection:

            def read(sync: Connection) -> dict[str, Found | None]:
                inspector = inspect(sync)
                return {table.name: read_table(inspector, table.name) for table in tables}

            found = await connection.run_sync(read)
    finally:
        await engine.dispose()
    problems = [problem for table in tables for problem in differences(table, found[table.name])]
    assert problems == [], f"{service}: adapters/tables.py and the migrations disagree:\n" + "\n".join(problems)
