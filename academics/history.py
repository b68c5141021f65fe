"""Who made a change, and from where: one mechanism for every writer.

Each entry point says once who is acting — `ActorMiddleware` for a signed-in staff user, the API
views for an API client, the importer for a file, commands for themselves — with
`acting_as(actor)`. Every history row written meanwhile takes its user and reason from the
current actor: rows written by the ORM through `RecordHistory` (academics/models/base.py), rows
written in bulk by the importer's writer through `current_actor()`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

API_CLIENT, STAFF, IMPORT, SYSTEM = "api_client", "staff", "import", "system"
ACTOR_LABELS = {API_CLIENT: "API client", STAFF: "Staff", IMPORT: "Import", SYSTEM: "System"}
ADMIN_IMPORT = "admin"


@dataclass(frozen=True)
class Actor:
    """`kind`: api_client, staff, import or system; `name`: the client, user, file or command;
    `user`: the staff user behind the change, if any (history's user column)."""

    kind: str
    name: str
    user: object = None

    @classmethod
    def api_client(cls, name: str) -> "Actor":
        return cls(API_CLIENT, name)

    @classmethod
    def staff(cls, user) -> "Actor":
        return cls(STAFF, user.get_username(), user=user)

    @classmethod
    def file_import(cls, file_name: str | None, *, user=None) -> "Actor":
        """An import of `file_name`; by a registrar in the admin when `user` is given."""
        return cls(IMPORT, file_name or ADMIN_IMPORT, user=user)

    @classmethod
    def command(cls, name: str) -> "Actor":
        return cls(SYSTEM, name)

    def history_columns(self) -> dict[str, str]:
        """The history row's actor columns (academics/models/base.py, HistoryActor)."""
        return {"history_actor_type": self.kind, "history_actor_name": self.name[:255]}


def actor_label(kind: str, name: str) -> str:
    """How the admin's history pages name an actor, e.g. "API client: SIS sync"."""
    if not kind:
        return ""
    return f"{ACTOR_LABELS.get(kind, kind)}: {name}" if name else ACTOR_LABELS.get(kind, kind)


def record_history_actor(sender, history_instance, **kwargs) -> None:
    """simple-history's `pre_create_historical_record`: every history row simple-history writes
    names the current actor (a record's compiled write names it in its own statement,
    `RecordHistory.history_values`). Connected in `academics.apps`."""
    actor = current_actor()
    if actor is not None:
        for name, value in actor.history_columns().items():
            setattr(history_instance, name, value)


_current: ContextVar[Actor | None] = ContextVar("academics_actor", default=None)


def current_actor() -> Actor | None:
    return _current.get()


@contextmanager
def acting_as(actor: Actor | None) -> Iterator[Actor | None]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


class ActorMiddleware:
    """A signed-in staff user acts in the admin (replaces simple-history's request middleware,
    which would also name a user where an API client acts)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        with acting_as(Actor.staff(user)):
            return self.get_response(request)
