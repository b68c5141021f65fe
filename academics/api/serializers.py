"""Each resource's serializer, derived from its registry entry (`academics.records`).

Output: `uuid`, the record's own fields, a summary of each record it belongs to
(`course: {"uuid", "name"}`), timestamps. Input: the own fields and `<relation>_uuid` for each
relation. Rules are the models' (see `RecordSerializer`). A resource whose output is not
derivable declares its serializer here and lists it in `DECLARED`.
"""

from academics.api.base import RecordSerializer
from academics.api.fields import DateAsTimestampField, Summary, UuidReferenceField
from academics.records import REGISTRY, TIMESTAMPS, RecordType, record_type


def _reference(relation) -> dict:
    optional = {"required": False, "allow_null": True} if relation.null else {}
    return {
        relation.name: Summary(*record_type(relation.related_model).summary),
        f"{relation.name}_uuid": UuidReferenceField(
            relation.related_model, source=relation.name, **optional
        ),
    }


def _date_as_timestamp(model, name: str) -> DateAsTimestampField:
    field = model._meta.get_field(name)
    if field.null:
        return DateAsTimestampField(required=False, allow_null=True)
    return DateAsTimestampField()


def serializer_for(record: RecordType) -> type[RecordSerializer]:
    model = record.model
    declared = {name: _date_as_timestamp(model, name) for name in record.dates_as_timestamps}
    for relation in record.relations:
        declared.update(_reference(relation))
    relation_names = [relation.name for relation in record.relations]
    meta = type(
        "Meta",
        (RecordSerializer.Meta,),
        {
            "model": model,
            "fields": (
                "uuid",
                *record.own_fields,
                *record.read_only,
                *relation_names,
                *(f"{name}_uuid" for name in relation_names),
                *TIMESTAMPS,
            ),
        },
    )
    return type(
        f"{model.__name__}Serializer",
        (RecordSerializer,),
        {"Meta": meta, "__module__": __name__, **declared},
    )


DECLARED: dict[str, type[RecordSerializer]] = {}

SERIALIZERS: dict[str, type[RecordSerializer]] = {
    record.name: DECLARED.get(record.name) or serializer_for(record) for record in REGISTRY
}
