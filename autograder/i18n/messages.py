"""The kit's messages in the active language: gettext catalogs under autograder/locale.

English is the source language: a msgid is the English text, a str.format template with
NAMED placeholders (``"expected {expected}, got {got}"``) so that a translation may reorder
them. Mark a text for translation where it is used::

    from ..i18n.messages import _
    fail(_("{what}: expected {expected}, got {got}").format(what=..., expected=..., got=...))

and, for text defined at import time (a table of hints), mark it with ``N_`` and translate it
where it is read (``_(HINTS_SOURCE[name])``; see selfcheck/hints.py).

The active language is a context variable, so each thread (and each asyncio task) has its own;
the batch grader's processes each set it per notebook they grade::

    with using("ja"):
        ...  # every _() here speaks Japanese

Outside any ``using`` block the language is language.resolve(): SCRATCHGRAD_LANG, then the
locale (so ``LANG=ja_JP.UTF-8 pytest assignments`` prints Japanese), then English.

The catalogs are compiled (.mo) next to their .po files; ``python -m autograder.i18n update``
extracts, merges and compiles them, and a test fails when a .mo is not its .po compiled.
The sandbox sees only the student-side kit: its catalog (i18n/public/) holds only the messages
of that code (what the notebook loader and from_assignment say), not the hidden checks'.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
from collections.abc import Iterator
from pathlib import Path

from . import language

DOMAIN = "scratchgrad"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
PUBLIC_DIR = Path(__file__).resolve().parent / "public"

_active: contextvars.ContextVar[str | None] = contextvars.ContextVar("scratchgrad_lang",
                                                                     default=None)


@functools.cache
def translator(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` (a supported language tag); English is the identity."""
    lang = language.check(lang)
    if lang == language.SOURCE:
        return gettext.NullTranslations()
    # No fallback to English: a missing catalog for a supported language is a broken install,
    # and it must not silently print English to a Japanese learner.
    for folder in (LOCALE_DIR, PUBLIC_DIR):  # the whole catalog; in the sandbox, its own
        with contextlib.suppress(FileNotFoundError):
            return gettext.translation(DOMAIN, localedir=str(folder), languages=[lang])
    raise FileNotFoundError(f"no {lang} catalog in {LOCALE_DIR} or {PUBLIC_DIR}")


def active() -> str:
    """The language messages are written in right now."""
    return _active.get() or language.resolve()


@contextlib.contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Within the block, messages are written in `lang` (None: the run's own language)."""
    chosen = language.check(lang) if lang else active()
    token = _active.set(chosen)
    try:
        yield chosen
    finally:
        _active.reset(token)


def set_language(lang: str) -> None:
    """From now on in this thread (a process that speaks one language: the sandbox's worker
    for one notebook), messages are written in `lang`; an unknown tag means English."""
    _active.set(language.normalize(lang) or language.SOURCE)


def _(message: str) -> str:
    """`message` (an English msgid) in the active language."""
    return translator(active()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count n, in the active language."""
    return translator(active()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a text for extraction without translating it (translate it where it is read)."""
    return message
