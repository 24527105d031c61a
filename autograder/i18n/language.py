"""Which language a run speaks: --lang, then SCRATCHGRAD_LANG, then the locale; English by default.

A released notebook records its language in ``metadata["scratchgrad"]["lang"]``; the grader writes that
student's feedback in it, whatever the instructor's own language.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

SOURCE = "en"
SUPPORTED: tuple[str, ...] = ("en", "ja")
ENV = "SCRATCHGRAD_LANG"
# The POSIX order in which the C library picks a message language.
_LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class UnknownLanguage(ValueError):
    """A language the kit has no translation for."""


def normalize(tag: str) -> str | None:
    """'ja_JP.UTF-8', 'ja-JP', 'JA' -> 'ja'; 'C', 'POSIX', '' and unsupported tags -> None."""
    base = tag.split(":")[0].split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return base if base in SUPPORTED else None


def check(tag: str) -> str:
    """An explicit choice (--lang, the environment variable, a notebook): must be supported."""
    lang = normalize(tag)
    if lang is None:
        raise UnknownLanguage(
            "unknown language {tag!r}: choose one of {choices}".format(
                tag=tag, choices=", ".join(SUPPORTED)))
    return lang


def resolve(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language of this run: the explicit choice, else SCRATCHGRAD_LANG, else the locale, else English."""
    env = os.environ if environ is None else environ
    if explicit:
        return check(explicit)
    if env.get(ENV):
        return check(env[ENV])
    for var in _LOCALE_VARS:
        value = env.get(var)
        if value:
            # The locale is a preference, not a command: an unsupported one falls back to English.
            return normalize(value) or SOURCE
    return SOURCE


def of_notebook(metadata: Mapping[str, Any]) -> str:
    """The language a released notebook records in its metadata (English for notebooks released before it did)."""
    tag = (metadata.get("scratchgrad") or {}).get("lang")
    return normalize(tag) if isinstance(tag, str) and normalize(tag) else SOURCE
