"""`GET /changes` (docs/api.md, Changes feed): the tenant's committed changes after a cursor, each
with the record as `GET` showed it right after the change."""

from collections import defaultdict

from rest_framework.response import Response
from rest_framework.views import APIView

from academics.api import messages as api_msg
from academics.api.fields import timestamp
from academics.api.lists import int_param
from academics.api.serializers import SERIALIZERS
from academics.api.wording import invalid
from academics.changes import MAX_LIMIT, CursorExpired, CursorUnknown, changes_page
from academics.errors import json_error
from academics.records import BY_NAME

DEFAULT_LIMIT = 100


def record_data(changes) -> dict[int, dict | None]:
    """Each change's record in the API's output shape, from the row the trigger stored; the
    records it belongs to are read in one query per relation for the whole page."""
    rendered: dict[int, dict | None] = {}
    by_resource = defaultdict(list)
    for change in changes:
        if change.data is None:
            rendered[change.position] = None
        else:
            by_resource[change.resource].append(change)
    for resource, group in by_resource.items():
        record = BY_NAME[resource]
        fields = [f for f in record.model._meta.concrete_fields if f.column in group[0].data]
        instances = [
            record.model(**{f.attname: f.to_python(change.data[f.column]) for f in fields})
            for change in group
        ]
        for relation in record.relations:
            ids = {getattr(i, relation.attname) for i in instances} - {None}
            related = relation.related_model.all_objects.in_bulk(ids)
            for instance in instances:
                relation.set_cached_value(
                    instance, related.get(getattr(instance, relation.attname))
                )
        plan = SERIALIZERS[resource].plan()
        for change, instance in zip(group, instances, strict=True):
            rendered[change.position] = plan.one(instance)
    return rendered


class ChangesView(APIView):
    """The changes feed; read scope, like every list."""

    def get(self, request):
        params = request.query_params
        errors: dict[str, list[str]] = {}
        after = int_param(params, "after", None, errors, minimum=0)
        limit = int_param(params, "limit", DEFAULT_LIMIT, errors, maximum=MAX_LIMIT)
        resources = None
        if "resources" in params:
            resources = [name.strip(" ") for name in params["resources"].split(",")]
            if not all(name in BY_NAME for name in resources):
                errors["resources"] = [api_msg.SELECTED_INVALID.format(attribute="resources")]
        if errors:
            raise invalid(errors)
        try:
            page = changes_page(after=after, limit=limit, resources=resources)
        except CursorExpired:
            return json_error(410, api_msg.CURSOR_EXPIRED)
        except CursorUnknown:
            raise invalid({"after": [api_msg.SELECTED_INVALID.format(attribute="after")]}) from None
        data = record_data(page.changes)
        return Response(
            {
                "data": [
                    {
                        "cursor": str(change.position),
                        "resource": change.resource,
                        "uuid": str(change.record_uuid),
                        "action": change.action,
                        "occurred_at": timestamp(change.occurred_at),
                        "data": data[change.position],
                    }
                    for change in page.changes
                ],
                "meta": {"next_cursor": str(page.next_cursor), "has_more": page.has_more},
            }
        )
