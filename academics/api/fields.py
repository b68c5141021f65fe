"""Serializer fields of the contract (docs/api.md): trimmed text with one spelling of "no value",
enums, dates shown as timestamps, `<entity>_uuid` references and nested summaries."""

import datetime
import uuid

from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers

# Timestamps in output: UTC, six-digit fraction, `Z` (docs/api.md, Responses).
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime(TIMESTAMP_FORMAT)


def date_as_timestamp(value: datetime.date) -> str:
    return f"{value.isoformat()}T00:00:00.000000Z"


class _Text:
    """Trimmed text where "no value" has one spelling: NULL when the column allows it, else ''.
    A number is not text (no silent `str(12)`)."""

    def run_validation(self, data=serializers.empty):
        if data is None and self.allow_blank and not self.allow_null:
            data = ""
        value = super().run_validation(data)
        if value == "" and self.allow_null:
            return None
        return value

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(_Text, serializers.CharField):
    pass


class EmailField(_Text, serializers.EmailField):
    pass


class UrlField(_Text, serializers.URLField):
    pass


class Choice(serializers.ChoiceField):
    """An enum whose "no value" is NULL where the column allows it (`modality`), never ''."""

    def run_validation(self, data=serializers.empty):
        if data == "" and self.allow_null:
            return None
        return super().run_validation(data)


class DateAsTimestampField(serializers.DateField):
    """A date shown as a midnight-UTC timestamp (as DokStamp shows enrollment dates); accepts a
    date or, so that a client can send back what it read, a timestamp."""

    def to_internal_value(self, value):
        text = value.strip() if isinstance(value, str) else ""
        try:
            parsed = parse_date(text) if len(text) == 10 else None
            stamp = None if parsed else parse_datetime(text)
            if stamp is not None:
                parsed = stamp.astimezone(datetime.UTC).date() if stamp.tzinfo else stamp.date()
        # Well-formed but impossible (month 13), or past year 9999 in UTC (9999-12-31T23:59-05:00).
        except (ValueError, OverflowError):
            parsed = None
        if parsed is None:
            self.fail("invalid", format="YYYY-MM-DD")
        return parsed

    def to_representation(self, value):
        return None if value is None else date_as_timestamp(value)


class UuidReferenceField(serializers.SlugRelatedField):
    """`<entity>_uuid` in a body: a live record of the request's tenant (the queryset is the
    model's default manager, which hides soft-deleted rows, in the active schema)."""

    def __init__(self, model, **kwargs):
        kwargs.setdefault("write_only", True)
        super().__init__(slug_field="uuid", queryset=model.objects.all(), **kwargs)

    def to_internal_value(self, data):
        try:
            uuid.UUID(str(data))
        except ValueError:
            self.fail("invalid")
        return super().to_internal_value(str(data))


class Summary(serializers.Serializer):
    """A related record's short form in output, e.g. `course: {"uuid", "name"}`; read-only."""

    def __init__(self, *names, **kwargs):
        self.names = names
        super().__init__(read_only=True, **kwargs)

    def get_fields(self):
        return {
            name: serializers.UUIDField() if name == "uuid" else serializers.CharField()
            for name in self.names
        }
