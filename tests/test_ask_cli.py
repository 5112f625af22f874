"""`ipbot ask` and `ipbot helpdesk` read stdin as bytes: a line that is not UTF-8 is reported, never echoed.

Run as a subprocess with a strict UTF-8 stdout (PYTHONIOENCODING=utf-8), as the audit did: no traceback,
one output line per input line for the help desk, and the output always decodes as UTF-8.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import BytesIO, TextIOWrapper
from pathlib import Path

import pytest

from bot.ask_cli import NOT_UTF8, clean_argument, numbered_lines

ROOT = Path(__file__).resolve().parent.parent
BATCH = "驰名商标奖多少\n".encode() + b"\xff\xfe\xe5\x9d\x8f\n" + "\n今天天气怎么样\n".encode()


def ipbot(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    code = "import sys; from bot.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], input=stdin, capture_output=True, cwd=ROOT,
                          env=env, timeout=120, check=False)


def test_lines_are_decoded_one_by_one() -> None:
    stream = TextIOWrapper(BytesIO(b"\xef\xbb\xbfok\n\xff bad\nfine\n"), encoding="utf-8")
    assert list(numbered_lines(stream)) == [(1, "ok\n", ""), (2, None, NOT_UTF8), (3, "fine\n", "")]


def test_an_argument_with_bad_bytes_is_cleaned() -> None:
    assert clean_argument("驰名商标\udcff") == "驰名商标\ufffd"
    assert clean_argument("fine") == "fine"


@pytest.mark.slow
def test_helpdesk_batch_reports_a_line_of_bad_bytes_and_goes_on() -> None:
    done = ipbot("helpdesk", stdin=BATCH)
    assert done.returncode == 2, done.stderr.decode(errors="replace")
    assert b"Traceback" not in done.stderr
    text = done.stdout.decode("utf-8")  # strict: the output is valid UTF-8
    rows = [json.loads(x) for x in text.splitlines()]
    assert len(rows) == 4
    assert "50万元" in rows[0]["paste"]
    assert rows[1] == {"line": 2, "error": NOT_UTF8}
    assert rows[2] == {"line": 3, "error": "empty line"}
    assert rows[3]["refs"] == []


@pytest.mark.slow
def test_ask_batch_reports_a_line_of_bad_bytes_and_goes_on() -> None:
    done = ipbot("ask", "--json", stdin=BATCH)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    rows = [json.loads(x) for x in done.stdout.decode("utf-8").splitlines()]
    assert rows[1] == {"line": 2, "error": NOT_UTF8}
    assert rows[0]["refs"] == ["3"] and len(rows) == 3  # ask skips the blank line, as before
