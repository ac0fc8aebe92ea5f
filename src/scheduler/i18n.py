"""User-facing text in Swedish (the default) or English, through gettext message catalogues.

Message ids are the English text, so English needs no catalogue. The Swedish catalogue is an
ordinary PO file (``locale/sv/LC_MESSAGES/scheduler.po``), read with Babel when first needed:
translators edit it with any PO editor, and ``tests/test_i18n.py`` fails when a message marked in
the code (``_("...")`` with ``_ = translator(lang)``) has no Swedish translation. JSON keys, CSV
column names of the machine formats and log lines stay English; only what people read changes.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from typing import Literal, get_args

from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

Lang = Literal["sv", "en"]
LANGS: tuple[str, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "sv"
DOMAIN = "scheduler"
_LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def catalogue_path(lang: str) -> str:
    return str(files("scheduler") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po")


@cache
def _messages(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    with open(catalogue_path(lang), "rb") as handle:
        catalogue = read_po(handle, locale=_LOCALES[lang], domain=DOMAIN)
    return {
        str(m.id): str(m.string)
        for m in catalogue
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


class Translator:
    """``_(msgid)`` → the text in this language (the msgid itself when untranslated)."""

    def __init__(self, lang: str = DEFAULT_LANG):
        self.lang: Lang = check_lang(lang)
        self._table = _messages(self.lang)

    def __call__(self, msgid: str) -> str:
        return self._table.get(msgid) or msgid

    def number(self, value: float, decimals: int = 1) -> str:
        """A number as people in this language write it (sv: ``1 234,5``; en: ``1,234.5``)."""
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return format_decimal(value, format=pattern, locale=_LOCALES[self.lang])

    def day(self, value: date) -> str:
        """A day as a schedule shows it: weekday and day/month (sv: ``mån 17/3``)."""
        return format_date(value, "EEE d/M", locale=_LOCALES[self.lang])


def translator(lang: str = DEFAULT_LANG) -> Translator:
    return Translator(lang)
