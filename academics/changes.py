"""The changes feed of a tenant: every committed change of its records, in an order a consumer can
follow exactly once (docs/design/changes.md).

Triggers write each change into `PendingChange` within the writer's transaction, with its
transaction id. `changes_sequence()` moves pending changes into the feed (`Change`), giving
positions only to changes whose transaction is over — those below the xmin of the current
snapshot — in the order they were written. Rows of one record are written in commit order
(a writer waits for the row lock of the previous one to commit), so the feed keeps it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from academics.models import Change, ChangeFeedState

# Advisory lock class of the sequencer; the object id is the schema's hash, one per tenant.
SEQUENCER_LOCK = 7_310_002
MAX_LIMIT = 1000


class CursorExpired(Exception):
    """The cursor points before what the feed still holds."""


class CursorUnknown(Exception):
    """The cursor points past the last change ever given."""


@dataclass
class ChangePage:
    changes: list[Change]
    next_cursor: int
    has_more: bool


@transaction.atomic
def changes_sequence() -> int:
    """Give feed positions to the pending changes whose transactions are over; returns how many.
    One sequencer per tenant at a time; another caller meanwhile returns 0 (the running one
    does the work)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, hashtext(current_schema()))", [SEQUENCER_LOCK]
        )
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            """
            WITH state AS (
                SELECT last_position FROM academics_changefeedstate FOR UPDATE
            ), moved AS (
                DELETE FROM academics_pendingchange
                WHERE txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                RETURNING id, resource, record_uuid, action, occurred_at, data
            ), placed AS (
                INSERT INTO academics_change
                    (position, resource, record_uuid, action, occurred_at, data)
                SELECT state.last_position + row_number() OVER (ORDER BY moved.id),
                       resource, record_uuid, action, occurred_at, data
                FROM moved, state
                RETURNING position
            )
            UPDATE academics_changefeedstate
            SET last_position = last_position + (SELECT count(*) FROM placed)
            RETURNING (SELECT count(*) FROM placed)
            """
        )
        return cursor.fetchone()[0]


def changes_head() -> int:
    """The cursor of the newest change given a position (after sequencing what can be)."""
    changes_sequence()
    return ChangeFeedState.objects.get().last_position


def changes_page(
    *, after: int | None, limit: int, resources: list[str] | None = None
) -> ChangePage:
    """The changes after position `after` (None: from the oldest kept), oldest first. Raises
    CursorExpired when changes after it were pruned, CursorUnknown when it was never given."""
    changes_sequence()
    state = ChangeFeedState.objects.get()
    if after is None:
        after = state.pruned_through
    if after < state.pruned_through:
        raise CursorExpired
    if after > state.last_position:
        raise CursorUnknown
    found = Change.objects.filter(position__gt=after)
    if resources:
        found = found.filter(resource__in=resources)
    changes = list(found.order_by("position")[: limit + 1])
    has_more = len(changes) > limit
    changes = changes[:limit]
    if has_more:
        next_cursor = changes[-1].position
    else:
        # Every position up to the state's last was sequenced before the query ran, and none
        # left out matched: skip past them (other resources' changes, with a filter).
        seen = changes[-1].position if changes else after
        next_cursor = max(seen, state.last_position)
    return ChangePage(changes, next_cursor, has_more)


@transaction.atomic
def changes_prune(*, older_than: timedelta | None = None) -> int:
    """Drop the feed's changes older than the retention (setting CHANGES_RETENTION_DAYS);
    cursors before them then answer 410. Returns how many were dropped."""
    changes_sequence()
    if older_than is None:
        older_than = timedelta(days=settings.CHANGES_RETENTION_DAYS)
    horizon = timezone.now() - older_than
    last = (
        Change.objects.filter(occurred_at__lt=horizon)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    if last is None:
        return 0
    dropped, _ = Change.objects.filter(position__lte=last).delete()
    ChangeFeedState.objects.update(pruned_through=last)
    return dropped
