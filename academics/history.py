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
ADMIN_IMPORT_REASON = "Imported in the admin"
# simple-history's reason column holds 100 characters.
REASON_LENGTH = 100


@dataclass(frozen=True)
class Actor:
    """`kind`: api_client, staff, import or system; `name`: the client, user, file or command;
    `user`: the staff user behind the change, if any (history's user column)."""

    kind: str
    name: str
    user: object = None
    reason: str | None = None

    @classmethod
    def api_client(cls, name: str) -> "Actor":
        return cls(API_CLIENT, name, reason=f"API client: {name}")

    @classmethod
    def staff(cls, user) -> "Actor":
        return cls(STAFF, user.get_username(), user=user)

    @classmethod
    def file_import(cls, file_name: str | None, *, user=None) -> "Actor":
        if user is not None:
            where = ADMIN_IMPORT_REASON
            reason = f"{where} from {file_name}" if file_name else where
        else:
            reason = f"Imported from {file_name}"
        return cls(IMPORT, file_name or "", user=user, reason=reason)

    @classmethod
    def command(cls, name: str) -> "Actor":
        return cls(SYSTEM, name, reason=f"Command: {name}")

    @property
    def reason_text(self) -> str | None:
        return self.reason[:REASON_LENGTH] if self.reason else None


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
