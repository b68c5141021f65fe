"""Each resource's endpoints, derived from its registry entry (`academics.records`); the
contract itself is in `base`."""

from academics.api.base import RecordViewSet
from academics.api.filters import FILTERSETS
from academics.api.lifecycle import EnrollmentLifecycleActions, StudentTranscriptActions
from academics.api.serializers import SERIALIZERS
from academics.records import REGISTRY, RecordType

# Endpoints of a resource beyond the contract's generic ones (docs/api.md).
ACTIONS: dict[str, tuple[type, ...]] = {
    "enrollments": (EnrollmentLifecycleActions,),
    "students": (StudentTranscriptActions,),
}


def viewset_for(record: RecordType) -> type[RecordViewSet]:
    queryset = record.model.objects.select_related(*(r.name for r in record.relations))
    return type(
        f"{record.model.__name__}ViewSet",
        (*ACTIONS.get(record.name, ()), RecordViewSet),
        {
            "__module__": __name__,
            "record": record,
            "queryset": queryset,
            "serializer_class": SERIALIZERS[record.name],
            "filterset_class": FILTERSETS[record.name],
            "sort_fields": record.sort,
            "search_fields": record.search,
        },
    )


VIEWSETS: dict[str, type[RecordViewSet]] = {record.name: viewset_for(record) for record in REGISTRY}
