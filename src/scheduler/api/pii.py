"""Rejecting Swedish personal identity numbers anywhere in a request body.

The scenario model already refuses them as ids; free text (names, descriptions, reasons,
references) is only caught here, by scanning every string (and key) of the raw JSON.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

# personnummer / samordningsnummer: YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDD(-)NNNN,
# not as part of a longer run of digits. Deliberately without a date or checksum test: a
# look-alike is refused too, since only pseudonymous ids belong in a scenario.
PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
_MAX_DEPTH = 200


_NO_DIGITS = str.maketrans("0123456789", "ghijklmnop")


def new_id() -> str:
    """A server-issued id (scenario, job): 128 random bits written with letters only. A hex
    uuid holds a run of 10 or 12 digits about one time in twenty, which this module's scan
    would then refuse wherever the id is sent back (e.g. ``{"scenario_id": ...}``)."""
    return uuid.uuid4().hex.translate(_NO_DIGITS)


def find_personal_numbers(data: Any) -> list[str]:
    """JSON paths (``$.clients[0].need.exceptions[1].reason``) of strings that contain one."""
    found: list[str] = []
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:  # iterative: a deeply nested body must not overflow the stack
        node, path, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(node, str):
            if PERSONAL_NUMBER.search(node):
                found.append(path)
        elif isinstance(node, dict):
            for key, value in node.items():
                key_text = str(key)
                if PERSONAL_NUMBER.search(key_text):
                    found.append(f"{path} (a key)")
                stack.append((value, f"{path}.{key_text}", depth + 1))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                stack.append((value, f"{path}[{index}]", depth + 1))
    return sorted(found)
