from django.db import models


class IdempotencyKey(models.Model):
    """The first answer to a request an API client sent with an `Idempotency-Key` header, kept
    in the tenant's schema for 24 hours so that a retry of it replays the answer instead of
    writing again (docs/api.md, "Idempotency-Key"). Written in the same transaction as the
    request's own writes: the record and its key are committed together or not at all.

    `client_uuid` names the public schema's API client; it is not a foreign key, as tenant tables
    hold none to public ones (docs/api.md)."""

    client_uuid = models.UUIDField()
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    content = models.TextField(blank=True, default="", help_text="The answer's JSON, as sent.")
    etag = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "idempotency key"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_uuid", "key"],
                name="idempotency_key_unique_per_client",
                violation_error_message="The Idempotency-Key has already been used.",
            )
        ]

    def __str__(self):
        return self.key
