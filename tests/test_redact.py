"""The one redactor: no token and nothing a person typed or is called reaches a log, at any level."""

from __future__ import annotations

import io
import json
import logging

from bot.redact import RedactingFilter, Redactor

TOKEN = "123456789:AAEzWq1bcdefghijklmnopqrstuvwxyz012"


def log_through_filter(level: int, msg: str, *args: object) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(Redactor(TOKEN)))
    logger = logging.getLogger("test.redact")
    logger.propagate, logger.level = False, logging.DEBUG
    logger.addHandler(handler)
    try:
        logger.log(level, msg, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_whole_update_at_debug_keeps_no_name_username_phone_or_text() -> None:
    update = {"update_id": 7, "message": {"message_id": 3, "text": "我们利息付了80万，电话13800000000",
                                          "from": {"id": 42, "first_name": "张三", "last_name": "李",
                                                   "username": "zhangsan"},
                                          "contact": {"phone_number": "13800000000"},
                                          "chat": {"id": 42, "type": "private", "first_name": "张三"}}}
    for shown in (json.dumps(update, ensure_ascii=False), repr(update)):
        line = log_through_filter(logging.DEBUG, "Processing update %s", shown)
        assert "update_id" in line and "7" in line  # the update is still there to follow
        for secret in ("张三", "李", "zhangsan", "13800000000", "80万"):
            assert secret not in line, (secret, line)


def test_the_token_is_removed_from_any_record() -> None:
    line = log_through_filter(logging.ERROR, "bad url https://api.example/bot%s/getMe", TOKEN)
    assert TOKEN not in line and TOKEN.partition(":")[2] not in line and "<token>" in line


def test_our_own_update_lines_are_left_as_they_are() -> None:
    line = log_through_filter(logging.INFO, "update id=%d chat=%s ms=%.1f", 5, "ab12cd34ef56", 1.2)
    assert line.strip() == "update id=5 chat=ab12cd34ef56 ms=1.2"
