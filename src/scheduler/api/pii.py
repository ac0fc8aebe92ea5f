"""Rejecting Swedish personal identity numbers anywhere in a request: body, path and query.

The scenario model already refuses them as ids; free text (names, descriptions, reasons,
references), numbers (``solver.seed: 198001011234``) and URLs are only caught here. What is
scanned is normalised first, so the number cannot slip through written differently: Unicode
compatibility forms (full-width digits, no-break spaces), every kind of dash (en dash, minus
sign, ...) read as ``-``, invisible characters (soft hyphen, zero-width space/joiner, BOM)
dropped, and whitespace allowed around the separator (``19800101 1234``, ``800101 - 1234``).

Whatever is found is reported by where it was (a JSON path, "the URL"), never by its value.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any
from urllib.parse import unquote

# personnummer / samordningsnummer: [YY]YYMMDD, a separator (-, + or none, maybe spaced) and four
# digits, not inside a longer run of digits. The month must be 01–12 and the day 01–31, or
# 61–91 for a samordningsnummer: that keeps clock times and amounts out, nothing else. The
# check digit is deliberately not required: a look-alike is refused too (only pseudonymous
# ids belong in a scenario), and a made-up number such as 19800101-1234 has a wrong one.
PERSONAL_NUMBER = re.compile(
    r"(?<!\d)(?:\d{2})?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
    r"[ \t]*[-+]?[ \t]*\d{4}(?!\d)"
)
_MAX_DEPTH = 200
# Characters that render as nothing (or as a break opportunity) and would split the number.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None)
_DASHES = str.maketrans(dict.fromkeys(
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))

_NO_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def new_id() -> str:
    """A server-issued id (scenario, job): 128 random bits written with letters only. A hex
    uuid holds a run of 10 or 12 digits about one time in twenty, which this module's scan
    would then refuse wherever the id is sent back (e.g. ``{"scenario_id": ...}``)."""
    return uuid.uuid4().hex.translate(_NO_DIGITS)


def normalise(text: str) -> str:
    """``text`` as the scan reads it: NFKC, dashes as ``-``, invisible characters dropped."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_DASHES)


def contains_personal_number(text: str) -> bool:
    return PERSONAL_NUMBER.search(normalise(text)) is not None


def find_personal_numbers(data: Any) -> list[str]:
    """JSON paths (``$.clients[0].need.exceptions[1].reason``) of strings, numbers and keys
    that contain one."""
    found: list[str] = []
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:  # iterative: a deeply nested body must not overflow the stack
        node, path, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(node, str):
            if contains_personal_number(node):
                found.append(path)
        elif isinstance(node, bool):
            continue
        elif isinstance(node, int | float):
            # repr, not str(): a float such as 198001011234.0 keeps its digits together
            if contains_personal_number(repr(node)):
                found.append(path)
        elif isinstance(node, dict):
            for key, value in node.items():
                key_text = str(key)
                if contains_personal_number(key_text):
                    found.append(f"{path} (a key)")
                stack.append((value, f"{path}.{_safe(key_text)}", depth + 1))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                stack.append((value, f"{path}[{index}]", depth + 1))
    return sorted(found)


def _safe(key: str) -> str:
    """A key as it may appear in a path we send back: never the number itself."""
    return "<key>" if contains_personal_number(key) else key


def url_has_personal_number(path: str, query: bytes) -> bool:
    """Whether the (percent-decoded) path or query string holds one."""
    text = unquote(path) + "?" + unquote(query.decode("latin-1"))
    return contains_personal_number(text)


def redact(text: str) -> str:
    """``text`` with every personal number replaced (for log lines, whose paths may be
    percent-encoded). Matching runs on the decoded, normalised text, so that is what is
    returned wherever a number was found."""
    normal = normalise(unquote(text))
    if not PERSONAL_NUMBER.search(normal):
        return text
    return PERSONAL_NUMBER.sub("[personnummer]", normal)
