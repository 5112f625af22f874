"""Settings from the environment or a `.env` file; every variable is listed in the README."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    # An empty variable (as copied from .env.example) means "not set", not an empty value.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str | None = Field(default=None, alias="TELEGRAM_API_BASE_URL")
    webhook_url: str | None = Field(default=None, alias="WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SECRET")
    webhook_listen: str = Field(default="0.0.0.0", alias="WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, alias="WEBHOOK_PORT")
    data_dir: Path = Field(default=Path("data"), alias="IPBOT_DATA_DIR")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    kb_dir: Path | None = Field(default=None, alias="IPBOT_KB_DIR")
    policy_published_on: date | None = Field(default=None, alias="IPBOT_POLICY_PUBLISHED_ON")
    staff_user_ids: list[int] = Field(default_factory=list, alias="IPBOT_STAFF_USER_IDS")
    # A chat (a staff group, or a staff member's id) told of every failed update: its kind and
    # error type only, never the user's text or the token.
    admin_chat_id: int | None = Field(default=None, alias="IPBOT_ADMIN_CHAT_ID")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    # Updates handled at once per process (different chats; one chat's are always in order). A few
    # overlap the waits on the Bot API and the database; many only interleave CPU work and stretch
    # each update's time (measured by `make bench-load`).
    max_concurrent_updates: int = Field(default=4, ge=1, le=256, alias="IPBOT_MAX_CONCURRENT")
    # Telegram's overall sending limit (messages/s) the bot keeps to; 0 lifts it (a test server).
    overall_rate_limit: float = Field(default=30, ge=0, alias="IPBOT_OVERALL_RATE_LIMIT")

    def store_url(self) -> str:
        """The session store: DATABASE_URL if set, else SQLite under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ipbot.db').resolve()}"
