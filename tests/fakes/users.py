"""Scripted users: the answers a user taps or types, and what the result must then show."""

from __future__ import annotations

from fakes.telegram_bot import JSON, Chat, buttons_of

# A Shijiazhuang enterprise, a national IP demonstration enterprise since last year, with a silver
# China Patent Award last year and nothing else: the answers a user would tap, by question.
BY_BUTTONS: dict[str, list[str]] = {
    "entity_type": ["企业"],
    "in_city": ["是"],
    "group:achievements": ["国家知识产权示范企业", "完成 ✓"],
    "group:finance": ["都没有"],
    "group:projects": ["都没有"],
    "group:services": ["都没有"],
    "china_patent_award_last_year": ["银奖"],
}
# The same enterprise, typing.
BY_TYPING: dict[str, str] = {
    "entity_type": "企业",
    "in_city": "是的",
    "group:achievements": "国家知识产权示范企业",
    "group:finance": "都没有",
    "group:projects": "都没有",
    "group:services": "都没有",
    "china_patent_award_last_year": "银奖",
}
NEGATIVE = ("否", "都没有", "没有", "没有获奖")
RESULT_TITLE = "<b>测评结果</b>"


def has_result(entries: list[JSON]) -> bool:
    return any(RESULT_TITLE in (e["text"] or "") for e in entries)


async def answer_by_buttons(chat: Chat, script: dict[str, list[str]], max_questions: int = 25) -> list[JSON]:
    """Tap through the questionnaire; unlisted questions get the negative answer. Returns the result."""
    for _ in range(max_questions):
        qid = chat.question_id()
        assert qid is not None, chat.dump()
        labels = script.get(qid)
        if labels is None:
            _, buttons = chat.keyboard()
            texts = [b["text"] for b in buttons]
            labels = [next((n for n in NEGATIVE if n in texts), "不确定")]
        for label in labels:
            shown = await chat.press(label)
        if has_result(shown):
            return shown
    raise AssertionError(f"no result after {max_questions} questions\n{chat.dump()}")


async def answer_by_typing(chat: Chat, script: dict[str, str], max_questions: int = 25) -> list[JSON]:
    for _ in range(max_questions):
        qid = chat.question_id()
        assert qid is not None, chat.dump()
        shown = await chat.send(script.get(qid, "没有" if qid.startswith("group:") else "否"))
        if has_result(shown):
            return shown
    raise AssertionError(f"no result after {max_questions} questions\n{chat.dump()}")


def assert_silver_award_result(shown: list[JSON]) -> None:
    result = "\n".join(e["text"] for e in shown if e["text"])
    assert RESULT_TITLE in result
    assert "中国专利奖获奖奖励：30万元" in result
    assert "国家知识产权示范企业" in result
    assert "预计可获得：<b>" in result
    # the last part of the result carries the follow-up buttons
    labels = [b["text"] for b in buttons_of(shown[-1]["reply_markup"])]
    assert labels == ["修改答案", "不符合的原因", "重新开始", "政策调整时通知我"]
