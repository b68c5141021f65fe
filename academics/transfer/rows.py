"""What an import reads and reports: a file's header checked against the resource's columns,
each row's state while it is checked, and the per-row results and report every caller gets."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from academics.transfer import messages as msg
from academics.transfer.specs import Ref, Spec

CHUNK_SIZE = 2000
ANALYZE_AFTER = 10_000
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})
TEXT_FIELDS = (models.CharField, models.TextField)

CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str
    message: str
    unit: str = "line"  # what `line` counts: a CSV file's lines, a JSON file's records

    def __str__(self):
        where = f"{self.unit} {self.line}" if self.line else "file"
        return f"{where}, {self.column or 'row'}: {self.message}"


@dataclass
class RowResult:
    line: int
    action: str
    errors: list[RowError] = field(default_factory=list)
    # The file's columns whose values change the record (updates only).
    changed: tuple[str, ...] = ()
    # Names the row's record, computed only when asked for (most callers only count rows).
    describe: Callable[[], str] = field(default=lambda: "—", repr=False, compare=False)

    @property
    def label(self) -> str:
        return self.describe()


@dataclass
class ImportReport:
    resource: str
    dry_run: bool
    counts: Counter = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


class Rollback(Exception):
    pass


@dataclass
class Row:
    line: int
    cells: dict[str, str] | None
    errors: dict[str, list[str]] = field(default_factory=dict)
    # Relation name -> (pk, record or None when only the pk was loaded); (None, None) if blank.
    related: dict[str, tuple] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    key: tuple | None = None
    key_fields: tuple[str, ...] = ()
    match: models.Model | None = None

    def fail(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def fail_ref(self, ref: Ref, column: str, message: str) -> None:
        self.failed.add(ref.field)
        self.fail(column, message)


def check_columns(spec: Spec, header: list[str]) -> list[str]:
    """What is wrong with a file's header, as messages (empty when it is fine)."""
    problems = []
    named = [c for c in header if c]  # an unnamed column is read only if a cell of it has a value
    repeated = sorted(c for c, n in Counter(named).items() if n > 1)
    if repeated:
        problems.append(msg.DUPLICATE_COLUMNS.format(columns=", ".join(repeated)))
    unknown = [c for c in named if c not in spec.export_columns]
    if unknown:
        problems.append(
            msg.UNKNOWN_COLUMNS.format(
                columns=", ".join(unknown), resource=spec.name, expected=", ".join(spec.columns)
            )
        )
    missing = [" or ".join(group) for group in spec.required if not set(group) & set(header)]
    if missing:
        problems.append(msg.MISSING_COLUMNS.format(columns="; ".join(missing), resource=spec.name))
    return problems
