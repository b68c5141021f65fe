"""Spreadsheet-safe cells (docs/commands.md, "Spreadsheet formulas").

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula: a registrar opening an export could run `=HYPERLINK(...)` or
`+cmd|' /C calc'!A0` that an API client stored in a name. As OWASP recommends, exports put a
single quote before such a value, which spreadsheets show as text; imports take it off again, so
that a file exported and imported gives back the same records. A value that already begins with
quotes before one of those characters gets one more, so that taking one off is always right.
"""

import re

_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(value):
    """The value as an export writes it: text that a spreadsheet would run gets a quote."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def restore(text: str) -> str:
    """An imported cell as it was before `neutralise`."""
    return text[1:] if _QUOTED.match(text) else text
