"""Units of API clients' rate limits that this process has reserved ahead.

A client's limit is one counter in the shared cache (academics/api/throttling.py). Counting each
request there makes every request of one client update the same row, so a client's parallel
requests wait for each other's row lock. Instead, a process that counts a request may reserve a
block of units at once (the counter moves by the block's size, in the same round trip) and hand
them to the client's next requests here, without a write.

Every unit is one position in the client's window, counted once across all processes: a request
is served only when its position is within the limit, so no client is ever served more than its
limit. A block is at most `MOST` units and at most a `SHARE`-th of what remained of the limit when
this process last counted, so near the limit units are reserved one at a time; there, a request
may be refused while another process still holds up to a few units of the same client, which
that process serves before the window ends.
"""

import threading
import time
from dataclasses import dataclass

MOST = 16
SHARE = 16
# Clients whose units one process keeps (a worker serving thousands of clients stays small).
CLIENTS = 5000


@dataclass
class Held:
    next: int  # the next position to hand out
    last: int  # the last position reserved, which is also the counter's value when reserved
    expires: float  # the window's end (epoch seconds)


class RateUnits:
    def __init__(self):
        self._held: dict[str, Held] = {}
        self._lock = threading.Lock()  # the development server serves requests in threads

    def take(self, counter: str) -> int | None:
        """A position this process holds for `counter`'s open window, or None."""
        with self._lock:
            held = self._held.get(counter)
            if held is None or held.next > held.last or held.expires <= time.time():
                return None
            held.next += 1
            return held.next - 1

    def block_size(self, counter: str, limit: int) -> int:
        """How many units to reserve now: one until this process has seen the counter, then a
        `SHARE`-th of what remained when it last did, between 1 and `MOST`."""
        with self._lock:
            held = self._held.get(counter)
        if held is None or held.expires <= time.time():
            return 1
        return max(1, min(MOST, (limit - held.last) // SHARE))

    def reserved(self, counter: str, count: int, size: int, expires: float) -> int:
        """The counter was moved by `size` to `count`: the request that moved it takes the
        block's first position (returned), the rest are held for the next ones."""
        with self._lock:
            if counter not in self._held and len(self._held) >= CLIENTS:
                self._held = {}
            self._held[counter] = Held(next=count - size + 2, last=count, expires=expires)
        return count - size + 1

    def give_back(self, counter: str, position: int) -> bool:
        """Return a position a request took but did not use (refused before its rate was
        checked), when it is the last one handed out here; False when the counter must be
        decremented instead."""
        with self._lock:
            held = self._held.get(counter)
            if held is None or held.next != position + 1:
                return False
            held.next = position
            return True


units = RateUnits()
