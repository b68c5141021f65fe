"""Progress of long commands: a redrawn bar on a terminal, a plain line per tenth otherwise."""

import sys
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, total: int, label: str, stream: TextIO | None = None):
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.done = 0
        self._last_tenth = 0
        self._shown = None

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.tty:
            self._draw()
        else:
            tenth = self.done * 10 // self.total if self.total else 10
            if tenth > self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(f"{self.label}: {self.done}/{self.total} rows\n")
                self.stream.flush()

    def _draw(self) -> None:
        # Redrawn when the percentage shown changes (and at the end): a terminal write per row
        # would cost more than the row.
        share = self.done / self.total if self.total else 1
        percent = int(share * 100)
        if percent == self._shown and self.done != self.total:
            return
        self._shown = percent
        filled = int(share * WIDTH)
        bar = "#" * filled + "." * (WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {share:4.0%} {self.done}/{self.total}")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
