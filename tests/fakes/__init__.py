"""The shared test harness: test doubles for the services ipbot talks to, and the bot driven through them.

``bot_api`` (the fake Bot API), ``telegram_bot`` (the bot end to end), ``users`` (scripted users),
``in_process`` (the bot without sockets), ``processes`` (``python -m bot``), ``stores`` (SQLite or a
PostgreSQL schema), ``telegram_html`` (what Telegram accepts as HTML), ``kb`` (an edited knowledge base).
Test modules import from here, never from each other (``tests/test_suite_layout.py``).
"""

from .bot_api import DEFAULT_TOKEN, FakeApiError, FakeBotApi, free_port

__all__ = ["DEFAULT_TOKEN", "FakeApiError", "FakeBotApi", "free_port"]
