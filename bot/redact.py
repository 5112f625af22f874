"""The one redactor: the bot token never reaches an output, and chat ids reach logs only hashed.

:class:`Redactor` cleans text; :class:`RedactingFilter` applies it to every log record a handler
writes (tracebacks included); :func:`protect_outputs` puts it in front of everything the process
writes to stderr - log handlers, ``sys.stderr.write`` of an error message, and the traceback of
an exception nobody caught - so a token quoted in a bad ``WEBHOOK_URL``, an error text of PTB or a
URL in aiohttp's exception cannot slip past. :func:`mask_question` is the same redactor's rule for a
user's own words kept for staff (the questions the bot could not answer): digits and names masked.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import re
import sys
import traceback
from types import TracebackType
from typing import Final, TextIO

__all__ = ["RedactingFilter", "RedactingStream", "Redactor", "mask_question", "protect_outputs"]


# What a whole update holds about a person, as PTB's DEBUG logs print it (JSON or Python reprs):
# names, usernames, phone numbers and every text the user typed. Masked at every log level.
_PERSONAL_KEYS = re.compile(r"first_name|last_name|username|phone_number|text|caption|query|bio|title|vcard")
_PERSONAL = re.compile(
    r"""(?P<key>["']?(?:first_name|last_name|username|phone_number|text|caption|query|bio|title|vcard)["']?"""
    r"""\s*[:=]\s*)(?P<q>["'])(?P<value>(?:\\.|(?!(?P=q)).)*)(?P=q)""")


def _masked(m: re.Match[str]) -> str:
    return f"{m['key']}{m['q']}<redacted>{m['q']}"


class Redactor:
    """Removes the bot token from text bound for an output, and hashes chat ids for logs.

    The hash is an HMAC keyed by the token: stable across restarts (log lines of one chat can be
    followed), but not reversible by trying every chat id without the token.
    """

    def __init__(self, token: str) -> None:
        # The token as it is, URL-encoded, and its secret half alone; case-insensitively, because
        # PTB capitalises error descriptions (str.capitalize lowers everything after the first letter).
        forms = sorted({token, token.partition(":")[2], token.replace(":", "%3A")}, key=len, reverse=True)
        secrets = [re.escape(f) for f in forms if len(f) >= 8]
        self._pattern = re.compile("|".join(secrets), re.IGNORECASE) if secrets else None
        self._key = hashlib.sha256(b"ipbot-log-chat:" + token.encode()).digest()

    def __call__(self, text: str) -> str:
        text = self._pattern.sub("<token>", text) if self._pattern is not None else text
        return _PERSONAL.sub(_masked, text) if _PERSONAL_KEYS.search(text) else text

    def chat(self, chat_id: int | None) -> str:
        if chat_id is None:
            return "-"
        return hmac.new(self._key, str(chat_id).encode(), hashlib.sha256).hexdigest()[:12]


class RedactingFilter(logging.Filter):
    """Removes the token from every record a handler writes, tracebacks included."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redact = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


class RedactingStream(io.TextIOBase):
    """A text stream that redacts each write before passing it on (for ``sys.stderr``)."""

    def __init__(self, inner: TextIO, redactor: Redactor) -> None:
        super().__init__()
        self._inner = inner
        self._redact = redactor

    def write(self, text: str) -> int:
        self._inner.write(self._redact(text))
        return len(text)

    def flush(self) -> None:
        self._inner.flush()

    def fileno(self) -> int:
        return self._inner.fileno()

    def isatty(self) -> bool:
        return self._inner.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._inner, "encoding", "utf-8")


def protect_outputs(redactor: Redactor) -> None:
    """The redactor in front of stderr, every log handler of the root logger, and uncaught exceptions."""
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr, redactor)
    redacting = RedactingFilter(redactor)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redacting)

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(redactor("".join(traceback.format_exception(kind, exc, tb))))

    sys.excepthook = excepthook



# -- a user's words kept for staff ----------------------------------------------------------------
# Staff need the words ("风补", "专利池", "商标被抢注怎么办") to extend the vocabulary and the out-of-scope
# list, not who asked or their figures: every digit becomes ＊, e-mail addresses and web links are dropped,
# organisation names (…有限公司, …研究院, …事务所) become 某公司 / 某研究院 / …, and a person's name after
# 我叫 / 我是 / 联系人 / 姓名 (or "my name is") becomes 某某 / [name].

MAX_QUESTION_CHARS: Final = 300
_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL: Final = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_DIGITS: Final = re.compile(r"[0-9０-９]")
_ORG: Final = re.compile(
    r"[\u4e00-\u9fffA-Za-z（）()]{2,24}?(股份有限公司|有限责任公司|有限公司|公司|集团|研究院|研究所|事务所|大学|学院|协会|商会)")
_PERSON: Final = re.compile(r"(我叫|我是|本人|联系人|姓名|名字是)[:：]?\s*[\u4e00-\u9fff]{2,4}")
_LATIN_NAME: Final = re.compile(r"\b(?:my name is|i am|i'm|this is)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?", re.IGNORECASE)


def mask_question(text: str) -> str:
    """A question as staff may read it: at most 300 characters, digits, names, addresses and links masked."""
    s = " ".join(text.split())[:MAX_QUESTION_CHARS]
    s = _EMAIL.sub("[email]", s)
    s = _URL.sub("[link]", s)
    s = _PERSON.sub(lambda m: f"{m[1]}某某", s)
    s = _LATIN_NAME.sub(lambda m: m[0].split()[0] + " … [name]", s)
    s = _ORG.sub(lambda m: f"某{m[1]}", s)
    return _DIGITS.sub("＊", s)
