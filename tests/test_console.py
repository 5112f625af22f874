"""The console chat driven as a person would: the real process, answers typed into its stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
pytestmark = pytest.mark.slow


def run_console(data_dir: Path, lines: list[str], *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
    env.update({"IPBOT_DATA_DIR": str(data_dir), "PYTHONIOENCODING": "utf-8", "USER": "tester"})
    command = [sys.executable, "-m", "bot.cli", "chat", *args] if args else [sys.executable, "-m", "bot"]
    done = subprocess.run(command, input="\n".join(lines) + "\n", capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=data_dir, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_newcomer_finishes_a_self_assessment_in_the_console(tmp_path: Path) -> None:
    out = run_console(tmp_path, [
        "1",          # the menu's first button: 自助测评
        "企业",        # typed instead of the number
        "是的",        # registered in Shijiazhuang
        "1,7",         # achievements: Madrid registration and the IP certification
        "是",          # follow-up: an exporter
        "是",          # follow-up: registered on the learning platform
        "质押贷款",     # finance: a pledge loan
        "80万",        # its interest
        "专利导航",     # projects
        "都没有",       # services
        "银奖",        # China Patent Award
    ])
    result = out.split("测评结果")[1]
    assert "中国专利奖获奖奖励：30万元" in result
    assert "马德里国际商标注册奖励：10万元" in result
    assert "知识产权质押贷款贴息：40万元" in result
    assert "专利导航项目：10万元—20万元" in result and "择优" in result
    assert "预计可获得：80万元" in result
    assert out.count("问题 ") <= 12
    assert (tmp_path / "ipbot.db").exists()


def test_console_session_resumes_after_quitting_only_when_asked(tmp_path: Path) -> None:
    first = run_console(tmp_path, ["1", "企业"])
    assert "贵单位是否注册在石家庄市" in first
    second = run_console(tmp_path, ["是"], "--resume")
    assert "继续您上次的测评" in second
    assert "贵单位是否注册在石家庄市" in second.split("继续您上次的测评")[1]
    assert "问题" in second.split("> ")[-2]


def test_a_new_console_run_never_shows_the_last_applicants_answers(tmp_path: Path) -> None:
    """A shared help-desk PC: the next person starts fresh, and /assess asks question 1."""
    answers = ["/assess", "企业", "是", "都没有", "都没有", "都没有", "都没有", "银奖"] + ["没有"] * 8
    assert "测评结果" in run_console(tmp_path, answers)
    out = run_console(tmp_path, ["/assess"])
    assert "测评结果" not in out and "30万元" not in out
    assert "<b>" not in out and "问题 1" in out
    again = run_console(tmp_path, ["/result"], "--resume")  # nothing to resume: the last run was fresh
    assert "中国专利奖获奖奖励：30万元" not in again and "银奖" not in again


def test_multiple_choice_takes_one_or_several_numbers_alike(tmp_path: Path) -> None:
    out = run_console(tmp_path, ["/assess", "企业", "是"])
    screen = out.split("问题 3")[1]
    assert screen.count("马德里国际商标注册") == 1  # the options are listed once
    assert "▫️" not in screen and "完成" not in screen
    assert "一个或几个都行" in screen  # the rule, said on screen
    one = run_console(tmp_path, ["/assess", "企业", "是", "1", "/answers"])
    several = run_console(tmp_path, ["/assess", "企业", "是", "1,2", "/answers"])
    assert "马德里" in one.split("问题 4")[1] or "马德里" in one.split("您的回答")[1]
    for out in (one, several):
        assert "问题 4" in out  # both answered the question: the next one is asked


def test_full_console_assessment_matches_assess(tmp_path: Path) -> None:
    """Answer every question by typing, then compare the totals with `ipbot assess` on the same facts."""
    answers = ["/assess", "高校", "是", "都没有", "都没有", "金奖", "都没有"] + ["没有"] * 10
    out = run_console(tmp_path, answers)
    assert "测评结果" in out, out
    assert "50万元" in out  # the gold award
    profile = tmp_path / "p.yaml"
    profile.write_text("facts: {entity_type: university, in_city: true, china_patent_award_last_year: gold}\n",
                       encoding="utf-8")
    report = subprocess.run([sys.executable, "-m", "bot.cli", "assess", str(profile)], capture_output=True,
                            text=True, encoding="utf-8", cwd=tmp_path, timeout=60, check=True).stdout
    assert "预计可获得：50万元" in report
    assert "预计可获得：<b>50万元</b>" not in out and "预计可获得：50万元" in out
