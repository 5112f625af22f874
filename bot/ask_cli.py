"""`ipbot ask "TEXT" [--lang zh|en] [--json]`: answer one question, or one per line from stdin.

With no TEXT it reads questions from standard input, one a line (help-desk batches), and writes
one result a line: JSON objects with --json, otherwise the answer with its line breaks shown as " | ".
A line that is not UTF-8 gets ``{"line", "error"}`` (``line N: error`` without --json), the rest go on,
and the exit code is then 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import date
from typing import IO, Any, Protocol, TextIO

from bot.present.answer import AnswerRenderer
from bot.present.i18n import Catalog
from eligibility.ask import AskResult, ask
from eligibility.matcher import Matcher
from eligibility.results import Validity
from knowledge.models import KnowledgeBase, Lang

MAX_QUESTION_CHARS = 2000  # a question longer than this is cut: nobody asks in a novel
NOT_UTF8 = "not valid UTF-8 text"


def numbered_lines(stream: IO[str] | None = None) -> Iterator[tuple[int, str | None, str]]:
    """Standard input one line at a time as ``(number, text, error)``: the bytes are decoded per line, so
    a line that is not UTF-8 gets ``(number, None, NOT_UTF8)`` and the others go on (no traceback, and
    the bytes are never echoed: the output stays valid UTF-8). A stream of text (a test's StringIO) is
    taken as it is; text that cannot be written as UTF-8 (a lone surrogate) is reported the same way."""
    stream = stream if stream is not None else sys.stdin
    raw = getattr(stream, "buffer", None)
    lines: Any = raw if raw is not None else stream
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None, NOT_UTF8
                continue
        else:
            text = line
        if not valid_text(text):
            yield number, None, NOT_UTF8
            continue
        yield number, text.lstrip("\ufeff") if number == 1 else text, ""


def valid_text(text: str) -> bool:
    """Text that can be written as UTF-8 (no lone surrogate, as ``surrogateescape`` makes of bad bytes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_argument(text: str) -> str:
    """A command-line argument with bad bytes (Python keeps them as lone surrogates): each becomes U+FFFD."""
    return text if valid_text(text) else text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class AskContext(Protocol):
    """What `run` needs from bot.cli's Context."""

    kb: KnowledgeBase
    catalog: Catalog


def add_parser(sub: Any) -> None:
    """Register the `ask` subcommand on the parent's subparsers."""
    p = sub.add_parser("ask", help="answer a free-text question about the policy")
    p.add_argument("text", nargs="*", help="the question; none: read one question a line from stdin")
    p.add_argument("--lang", choices=["zh", "en"], default=None,
                   help="answer language (default: the language of the question)")
    p.add_argument("--json", action="store_true", help="print the JSON result contract")


def run(ctx: AskContext, args: argparse.Namespace, out: TextIO) -> int:
    matcher = Matcher(ctx.kb)
    validity: Validity | None = getattr(ctx, "validity", None)
    answers = AnswerRenderer(ctx.kb, ctx.catalog, validity=validity)
    lang: Lang | None = args.lang
    today = date.today()

    def one(question: str) -> tuple[AskResult, bool]:
        complaint = answers.is_complaint(question)  # a complaint's digits are not the user's amounts
        return ask(matcher, question, use_figures=not complaint, today=today, validity=answers.validity), complaint

    if args.text:
        result, complaint = one(clean_argument(" ".join(args.text))[:MAX_QUESTION_CHARS])
        if args.json:
            out.write(json.dumps(answers.to_json(result, lang, complaint=complaint), ensure_ascii=False, indent=2)
                      + "\n")
        else:
            out.write(answers.reply(result, lang, complaint=complaint) + "\n")
        return 0
    bad = False
    for number, line, error in numbered_lines():
        if line is None:
            bad = True
            out.write((json.dumps({"line": number, "error": error}) if args.json else f"line {number}: {error}")
                      + "\n")
            continue
        question = line.strip()[:MAX_QUESTION_CHARS]
        if not question:
            continue
        result, complaint = one(question)
        if args.json:
            out.write(json.dumps(answers.to_json(result, lang, complaint=complaint), ensure_ascii=False) + "\n")
        else:
            out.write(answers.reply(result, lang, complaint=complaint).replace("\n", " | ") + "\n")
    return 2 if bad else 0
