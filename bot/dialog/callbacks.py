"""The callback data of the dialog's buttons: ``<code>|<payload>``, one code per kind of press.

The dialog core builds the data and reads it back; the channels only carry it (Telegram allows 64
bytes, ``MAX_BYTES``) or look at its code (a question's keyboard, a tick box, the start of an
assessment). Every code, with the payload it carries:

    m|<action>[|<topic>]          the main menu and the result's buttons (``MENU_ACTIONS``)
    c|<benefit id>                one clause
    k|<topic>[|<page>]            a level or a page of the clause list
    v|<group>[|<page>]            a group or a page of the answers given
    f|yes, f|no                   the /forget confirmation
    n|back, n|restart, n|skip|<question id>   moving in the questionnaire
    x|<fact id>                   change one answer
    a|<question id>|<value>       answer the question on screen (y, n, 0, an option, none of them)
    t|<question id>|<option>      tick one option of a screening question
    d|<question id>               done ticking
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FORGET_CONFIRM", "MAX_BYTES", "MENU_ACTIONS", "NAV_ACTIONS", "Code", "callback", "code_of", "split"]

MAX_BYTES = 64  # Telegram's limit on a button's callback data


class Code(StrEnum):
    """What a press does: the first field of the callback data."""

    MENU = "m"
    CLAUSE = "c"
    CLAUSES = "k"
    ANSWERS = "v"
    FORGET = "f"
    NAV = "n"
    CHANGE = "x"
    ANSWER = "a"
    TICK = "t"
    DONE = "d"


MENU_ACTIONS = ("assess", "ask", "clauses", "lang", "answers", "why", "result", "topic", "fresh")
NAV_ACTIONS = ("back", "restart", "skip")


def callback(code: Code, *parts: object) -> str:
    """The data of a button: ``callback(Code.ANSWER, "in_city", "y")`` is ``"a|in_city|y"``."""
    return "|".join((code.value, *(str(p) for p in parts)))


def split(data: str) -> tuple[Code | None, str]:
    """The code of ``data`` (None for an unknown one) and the rest of it."""
    head, _, rest = data.partition("|")
    try:
        return Code(head), rest
    except ValueError:
        return None, rest


def code_of(data: str) -> Code | None:
    """The code of ``data``; None for data that is no button of the dialog's."""
    return split(data)[0]


# The button under the /forget confirmation. The channels turn its press into CommandInput("forget"),
# which the conversation (not the core) carries out: it deletes sessions across chats.
FORGET_CONFIRM = callback(Code.FORGET, "yes")
