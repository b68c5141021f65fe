"""Serializer fields of the contract (docs/api.md): trimmed text with one spelling of "no value",
enums, dates shown as timestamps, `<entity>_uuid` references and nested summaries."""

import datetime
import re
import uuid

from rest_framework import serializers

from academics.selectors import live_record

# Timestamps in output: UTC, six-digit fraction, `Z` (docs/api.md, Responses).
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


# What a date field accepts (docs/api.md, Requests): `YYYY-MM-DD`; a date shown as a timestamp
# also takes an ISO 8601 timestamp with a UTC offset or `Z`. ASCII digits only: no week dates
# (`2024-W01-1`), no basic format (`20240101`), no other scripts' digits.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,6})?)?"
    r"([Zz]|[+-][0-9]{2}:?[0-9]{2})?"
)
# Numbers sent as text: plain ASCII (no `1_0`, `+5`, full-width digits).
PLAIN_INTEGER = re.compile(r"-?[0-9]+")
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# A uuid is its canonical text, 8-4-4-4-12 hex digits, as the schema's `format: uuid` says
# (docs/api.md, Formats): `uuid.UUID` alone also reads braces, `urn:uuid:` and moved hyphens.
CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def parse_uuid(value) -> uuid.UUID | None:
    """A uuid sent as its canonical text; None for anything else."""
    if isinstance(value, str) and CANONICAL_UUID.fullmatch(value):
        return uuid.UUID(value)
    return None


def parse_iso_date(value) -> datetime.date | None:
    """`YYYY-MM-DD` as a date; None when it is not one (malformed, or impossible: month 13)."""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value.strip()):
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_iso_timestamp_date(value) -> datetime.date | None:
    """The UTC calendar date of an ISO 8601 timestamp (no offset: UTC), or None."""
    if not isinstance(value, str) or not ISO_TIMESTAMP.fullmatch(value.strip()):
        return None
    try:
        stamp = datetime.datetime.fromisoformat(value.strip().replace(",", "."))
        return stamp.astimezone(datetime.UTC).date() if stamp.tzinfo else stamp.date()
    # Impossible (month 13), or past year 9999 in UTC (9999-12-31T23:59-05:00).
    except (ValueError, OverflowError):
        return None


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


class DateField(serializers.DateField):
    """A date, `YYYY-MM-DD` only (docs/api.md, Requests)."""

    def to_internal_value(self, value):
        parsed = parse_iso_date(value)
        if parsed is None:
            self.fail("invalid", format="YYYY-MM-DD")
        return parsed


class DateAsTimestampField(DateField):
    """A date shown as a midnight-UTC timestamp (as DokStamp shows enrollment and cohort dates);
    accepts a date or, so that a client can send back what it read, a timestamp, whose UTC
    calendar date it keeps."""

    def to_internal_value(self, value):
        parsed = parse_iso_date(value) or parse_iso_timestamp_date(value)
        if parsed is None:
            self.fail("invalid", format="YYYY-MM-DD")
        return parsed

    def to_representation(self, value):
        return None if value is None else date_as_timestamp(value)


class _PlainNumber:
    """A JSON number, or text of plain ASCII digits; never a boolean."""

    pattern: re.Pattern

    def to_internal_value(self, data):
        if isinstance(data, bool) or (
            isinstance(data, str) and not self.pattern.fullmatch(data.strip())
        ):
            self.fail("invalid")
        return super().to_internal_value(data)


class IntegerField(_PlainNumber, serializers.IntegerField):
    pattern = PLAIN_INTEGER


class DecimalField(_PlainNumber, serializers.DecimalField):
    """Too many decimals is said before too many digits: `1e-7` has 7 decimals, not 7 whole
    digits."""

    pattern = PLAIN_DECIMAL

    def validate_precision(self, value):
        exponent = value.as_tuple().exponent
        places = self.decimal_places
        if isinstance(exponent, int) and places is not None and -exponent > places:
            self.fail("max_decimal_places", max_decimal_places=self.decimal_places)
        return super().validate_precision(value)


class UuidField(serializers.UUIDField):
    """A uuid, sent as text: `false`, `true` or `5` are not uuids (DRF would read numbers as
    the uuid's integer)."""

    def to_internal_value(self, data):
        if parse_uuid(data) is None:
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class UuidReferenceField(serializers.SlugRelatedField):
    """`<entity>_uuid` in a body: a live record of the request's tenant (the queryset is the
    model's default manager, which hides soft-deleted rows, in the active schema)."""

    def __init__(self, model, **kwargs):
        kwargs.setdefault("write_only", True)
        # The manager, not a queryset: every request's serializer builds its fields again, and
        # the record is found by `live_record` below.
        super().__init__(slug_field="uuid", queryset=model.objects, **kwargs)

    def to_internal_value(self, data):
        value = parse_uuid(data)
        if value is None:
            self.fail("invalid")
        model = self.queryset.model
        # Found with the body's other references, when the serializer looked them up together
        # (`RecordSerializer.to_internal_value`).
        found = getattr(self.parent, "references", {})
        record = found[model, value] if (model, value) in found else live_record(model, value)
        if record is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return record


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
