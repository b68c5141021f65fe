"""Each resource's `where[...]` allow-list as a django-filter FilterSet, derived from its
registry entry (`academics.records`): `<relation>_uuid` filters by the related record's uuid,
case-insensitive fields match whatever their case, others compare the model field; every
resource also filters on `created_at` / `updated_at`. Operators follow from each field's kind
(`where.py`)."""

from django_filters import CharFilter, IsoDateTimeFilter, UUIDFilter

from academics.api.lists import RecordFilterSet
from academics.api.where import operators_for
from academics.records import REGISTRY, TIMESTAMPS, RecordType


def filterset_for(record: RecordType) -> type[RecordFilterSet]:
    relations = {relation.name for relation in record.relations}
    declared = {}
    for name in record.filters:
        relation = name.removesuffix("_uuid")
        if name != relation and relation in relations:
            declared[name] = UUIDFilter(field_name=f"{relation}__uuid")
        elif name in record.casefold:
            declared[name] = CharFilter(lookup_expr="iexact")
    for name in TIMESTAMPS:
        declared[name] = IsoDateTimeFilter(field_name=name)
    meta = type("Meta", (), {"model": record.model, "fields": (*record.filters, *TIMESTAMPS)})
    filterset = type(
        f"{record.model.__name__}FilterSet",
        (RecordFilterSet,),
        {"Meta": meta, "__module__": __name__, **declared},
    )
    filterset.operators = operators_for(filterset)
    return filterset


FILTERSETS: dict[str, type[RecordFilterSet]] = {
    record.name: filterset_for(record) for record in REGISTRY
}
