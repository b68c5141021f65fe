"""Reads shared by commands, the admin and the API (writes are `academics.services`)."""

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection

from academics.tenancy.models import Tenant

MSG_UNKNOWN_TENANT = "Unknown tenant {identifier!r}."


class UnknownTenant(LookupError):
    def __init__(self, identifier: str):
        self.message = MSG_UNKNOWN_TENANT.format(identifier=identifier)
        super().__init__(self.message)


def tenant_by_identifier(identifier: str) -> Tenant:
    """The tenant whose X-Tenant value is `identifier`; raises UnknownTenant."""
    tenant = Tenant.objects.filter(identifier=identifier).first()
    if tenant is None:
        raise UnknownTenant(identifier)
    return tenant


@cache
def _live_by_uuid(model) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"SELECT {columns} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote('uuid')} = %s AND {quote('deleted_at')} IS NULL"
    )
    return sql, [field.attname for field in fields]


def live_record(model, uuid):
    """The live record of `model` (in the active schema) with this uuid, or None: one statement
    compiled once per model, for the references every write resolves (the ORM would compile
    it again each time). The record fields' database types need no conversion."""
    sql, attnames = _live_by_uuid(model)
    with connection.cursor() as cursor:
        cursor.execute(sql, [uuid])
        row = cursor.fetchone()
    return None if row is None else model.from_db(DEFAULT_DB_ALIAS, attnames, row)


def live_records(wanted: list[tuple]) -> list:
    """`live_record(model, uuid)` of each (model, uuid) in `wanted`, in order, in one round
    trip: the statements go in one message, and PostgreSQL answers each in turn."""
    if len(wanted) < 2:
        return [live_record(model, uuid) for model, uuid in wanted]
    sql = "; ".join(_live_by_uuid(model)[0] for model, _uuid in wanted)
    found = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [uuid for _model, uuid in wanted])
        for position, (model, _uuid) in enumerate(wanted):
            if position:
                cursor.nextset()
            row = cursor.fetchone()
            attnames = _live_by_uuid(model)[1]
            found.append(None if row is None else model.from_db(DEFAULT_DB_ALIAS, attnames, row))
    return found
