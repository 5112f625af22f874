"""What the chat shows: one question keyboard live at a time, noted in the session.

When another question message arrives, or the assessment is over, the old keyboard loses its buttons;
the session notes which message is live and which message gave the latest answer (so an edit of it
corrects the answer). Best effort throughout: a failure here costs a cosmetic step, never an answer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.error import TelegramError

from bot.channels.telegram.sending import Context, Shown
from bot.dialog.model import CommandInput, Input, TextInput
from bot.redact import Redactor
from bot.storage.base import update as update_session

if TYPE_CHECKING:
    from bot.channels.telegram.runtime import Services

log = logging.getLogger(__name__)


class NoSession(Exception):
    """A read-modify-write found no session: it is not created for a note about the screen."""


class Screen:
    """The live keyboard of each chat, for the handlers of one :class:`Services`."""

    def __init__(self, services: Services, redact: Redactor) -> None:
        self.s = services
        self.redact = redact

    async def retire_keyboard(self, context: Context, key: str, user_key: str, chat_id: int,
                               after: dict[str, Any], shown: Shown, answered: int | None, turn_id: int) -> None:
        """One question keyboard is live at a time: when another question message arrives, or the
        assessment is over, the old one loses its buttons (however its question was answered).

        The session notes which message is live (and which message gave the latest answer), with
        the update that showed it. Two replicas may serve one chat's updates at once: the newer
        update's note wins, and only the writer that replaced a noted message removes its keyboard
        (never twice).
        """
        keep = shown.live is None and after.get("mode") == "assess"  # a side answer, /help: it stays live
        if keep and answered == after.get("answer_msg"):
            return
        retire: list[object] = []  # the message whose keyboard this update removes, if any

        def note(state: dict[str, Any]) -> dict[str, Any]:
            if not state:
                raise NoSession(key)  # deleted meanwhile (/forget): nothing to note, nothing to create
            current, seen = state.get("ui_msg"), state.get("ui_turn")
            if type(seen) is int and seen > turn_id:
                # A newer update of this chat (another replica) already noted its screen. Whether it
                # also edited or retired our message is unknown here: ours is left as it is (a tap on
                # a keyboard left over gets the stale-tap pop-up, as every old button does).
                retire[:] = []
                return state
            retire[:] = [current] if not keep and current not in (shown.live, shown.edited) else []
            changes: dict[str, Any] = {"answer_msg": answered}
            if not keep:
                changes.update(ui_msg=shown.live, ui_turn=turn_id, ui_edited=shown.edited)
            return {**state, **changes}

        if not keep and shown.live == after.get("ui_msg") and answered == after.get("answer_msg"):
            return  # nothing changed on screen (a tick, an edit in place)
        try:
            await update_session(self.s.store, key, note, user_key=user_key)
        except NoSession:
            return
        except Exception as exc:  # cosmetic: the old keyboard stays, stale taps still get a pop-up
            log.warning("could not note the chat's screen in the session: %s",
                        self.redact(f"{type(exc).__name__}: {exc}"))
            return
        old = retire[0] if retire else None
        if type(old) is not int:
            return
        try:
            await context.bot.edit_message_reply_markup(chat_id, old, reply_markup=None)
        except TelegramError as exc:  # gone, or already without buttons: nothing to retire
            log.info("old keyboard not removed: %s", self.redact(f"{type(exc).__name__}: {exc.message}"))

    async def remember(self, key: str, user_key: str, **ui: object) -> None:
        """Note in the session what the chat shows (best effort: a failure costs a cosmetic step)."""
        def note(state: dict[str, Any]) -> dict[str, Any]:
            if not state:
                raise NoSession(key)  # deleted meanwhile (/forget): nothing to note, nothing to create
            return {**state, **ui}

        try:
            await update_session(self.s.store, key, note, user_key=user_key)
        except NoSession:
            return
        except Exception as exc:
            log.warning("could not note the chat's screen in the session: %s",
                        self.redact(f"{type(exc).__name__}: {exc}"))


def answer_message(inp: Input, update: Update, before: dict[str, Any] | None, after: dict[str, Any]) -> int | None:
    """The id of the user's message that gave the latest answer, when this turn took a typed one."""
    grew = len(after.get("history") or []) > len((before or {}).get("history") or [])
    message = update.message if update.message is not None else update.edited_message
    if grew and isinstance(inp, TextInput | CommandInput) and message is not None and \
            (isinstance(inp, TextInput) or inp.name == "correct"):
        return message.message_id
    return None
