"""Test doubles for external services used by ipbot."""

from .bot_api import DEFAULT_TOKEN, FakeApiError, FakeBotApi, free_port

__all__ = ["DEFAULT_TOKEN", "FakeApiError", "FakeBotApi", "free_port"]
