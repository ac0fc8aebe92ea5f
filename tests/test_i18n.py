"""The message catalogue: every text marked for translation in the code has its Swedish text."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from scheduler.i18n import _messages, check_lang, translator

SRC = Path(__file__).resolve().parents[1] / "src" / "scheduler"


def marked_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SRC), method_map=[("**.py", "python")], keywords={"_": None}
    ):
        if isinstance(message, str):
            found.add(message)
    return found


def test_every_marked_message_has_a_swedish_translation() -> None:
    missing = sorted(marked_messages() - set(_messages("sv")))
    assert not missing, f"add these to locale/sv/LC_MESSAGES/scheduler.po: {missing}"


def test_swedish_is_the_default_and_english_is_the_msgid() -> None:
    assert translator()("Uncovered hours") == "Otäckta timmar"
    assert translator("en")("Uncovered hours") == "Uncovered hours"
    assert translator("sv")("a text nobody translated") == "a text nobody translated"


def test_numbers_are_written_the_swedish_way() -> None:
    assert translator("sv").number(1234.5).replace("\xa0", " ") == "1 234,5"
    assert translator("en").number(1234.6, 0) == "1,235"


def test_unknown_language_is_named() -> None:
    with pytest.raises(ValueError, match="'fi'"):
        check_lang("fi")
