from django.db import models


class PendingChange(models.Model):
    """A change to a record, written by the database's triggers in the writer's own transaction
    (whatever wrote it: the API, the admin, a bulk import's COPY, SQL). It waits here, with the
    writer's transaction id, until that transaction is known to be over; `academics.changes`
    then gives it its place in the feed (docs/design/changes.md)."""

    txid = models.BigIntegerField()
    resource = models.CharField(max_length=32)
    record_uuid = models.UUIDField()
    action = models.CharField(max_length=16)
    occurred_at = models.DateTimeField()
    data = models.JSONField(null=True)

    class Meta:
        verbose_name = "pending change"
        ordering = ["id"]
        # No index on txid: every write pays for an index, while the sequencer reads the few
        # pending rows in one scan (docs/design/changes.md, Costs).

    def __str__(self):
        return f"{self.action} {self.resource} {self.record_uuid}"


class Change(models.Model):
    """A change in the feed, at its `position`: positions are given in the order the writers'
    transactions are known to be over, never to a transaction still running, and once."""

    position = models.BigIntegerField(primary_key=True)
    resource = models.CharField(max_length=32)
    record_uuid = models.UUIDField()
    action = models.CharField(max_length=16)
    occurred_at = models.DateTimeField(db_index=True)
    # The record's row right after the change, as stored (null when deleted).
    data = models.JSONField(null=True)

    class Meta:
        verbose_name = "change"
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}: {self.action} {self.resource} {self.record_uuid}"


class ChangeFeedState(models.Model):
    """One row: the last position given, and the last one pruned (older cursors are gone)."""

    last_position = models.BigIntegerField(default=0)
    pruned_through = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "change feed state"

    def __str__(self):
        return f"positions {self.pruned_through + 1}..{self.last_position}"
