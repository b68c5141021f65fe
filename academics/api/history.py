"""`GET /{resource}/{uuid}/history` (docs/api.md, History): a record's changes, newest first, from
the history every write keeps (django-simple-history), with who made each change and what it
changed, in the API's field names and formats."""

from itertools import pairwise

from academics.history import STAFF, SYSTEM

# Bookkeeping columns: a change of theirs is the action itself, not a field change.
NOT_CHANGES = frozenset({"uuid", "created_at", "updated_at", "deleted_at"})
HISTORY_TYPES = {"+": "created", "~": "updated", "-": "deleted"}
# (field, action when it gains a value, action when it loses it), first match wins; the same
# actions as the changes feed's (docs/design/changes.md).
STATE_ACTIONS = (("deleted_at", "deleted", "restored"), ("finalized_at", "finalized", "reopened"))


def history_action(entry, previous) -> str:
    if entry.history_type == "~" and previous is not None:
        for name, gained, lost in STATE_ACTIONS:
            before, after = getattr(previous, name, None), getattr(entry, name, None)
            if before is None and after is not None:
                return gained
            if before is not None and after is None:
                return lost
    return HISTORY_TYPES[entry.history_type]


def history_actor(entry) -> dict:
    if entry.history_actor_type:
        return {"type": entry.history_actor_type, "name": entry.history_actor_name}
    if entry.history_user_id is not None:
        return {"type": STAFF, "name": entry.history_user.get_username()}
    return {"type": SYSTEM, "name": ""}


class HistoryFormat:
    """A record type's fields as the API names and shows them: own fields through the read
    plan's converters, relations as `<relation>_uuid` with the related record's uuid."""

    def __init__(self, record, plan):
        converters = {name: how for name, _source, _index, how in plan.layout}
        self.fields = [
            (name, converters.get(name))
            for name in (*record.own_fields, *record.read_only)
            if name not in NOT_CHANGES
        ]
        self.relations = record.relations

    def changes(self, entries: list) -> list[dict]:
        """For each entry (newest first, with the one before the oldest last, or None), what it
        changed: `{field: {"from", "to"}}`."""
        uuids = self._related_uuids(entry for entry in entries if entry is not None)
        out = []
        for entry, previous in pairwise(entries):
            changed = {}
            for name, how in self.fields:
                before = self._show(getattr(previous, name), how) if previous else None
                after = self._show(getattr(entry, name), how)
                if before != after:
                    changed[name] = {"from": before, "to": after}
            for relation in self.relations:
                model = relation.related_model
                before = (
                    uuids.get((model, getattr(previous, relation.attname))) if previous else None
                )
                after = uuids.get((model, getattr(entry, relation.attname)))
                if before != after:
                    changed[f"{relation.name}_uuid"] = {"from": before, "to": after}
            out.append(changed)
        return out

    @staticmethod
    def _show(value, how):
        return value if value is None or how is None else how(value)

    def _related_uuids(self, entries) -> dict:
        """(model, id) -> uuid text, one query per relation."""
        entries = list(entries)
        uuids = {}
        for relation in self.relations:
            ids = {getattr(entry, relation.attname) for entry in entries} - {None}
            found = relation.related_model.all_objects.filter(pk__in=ids).values_list("pk", "uuid")
            uuids.update({(relation.related_model, pk): str(uuid) for pk, uuid in found})
        return uuids
