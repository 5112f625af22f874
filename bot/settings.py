"""Settings from the environment or a `.env` file; every variable is listed in the README."""

from __future__ import annotations

import hashlib
import hmac
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
    # The web page and Telegram Mini App (bot/channels/web): served when WEB_PORT is set (or by `ipbot web`).
    web_port: int | None = Field(default=None, ge=1, le=65535, alias="WEB_PORT")
    web_listen: str = Field(default="0.0.0.0", alias="WEB_LISTEN")
    # The page's public https address: Mini App buttons and the bot's menu button open it; share links use it.
    web_public_url: str | None = Field(default=None, alias="WEB_PUBLIC_URL")
    # Signs CSRF tokens, share links and the Mini App's binding; derived from the bot token when unset.
    web_secret: SecretStr | None = Field(default=None, alias="WEB_SECRET")
    web_rate_limit: float = Field(default=5, ge=0, alias="WEB_RATE_LIMIT")  # requests/s per client; 0 lifts it
    web_rate_burst: int = Field(default=40, ge=1, alias="WEB_RATE_BURST")
    web_share_days: int = Field(default=30, ge=1, le=365, alias="WEB_SHARE_DAYS")
    web_trust_proxy: bool = Field(default=False, alias="WEB_TRUST_PROXY")  # client = X-Forwarded-For's first hop

    # The staff dashboard (bot/channels/dashboard): its own small web app, for staff only.
    dashboard_token: SecretStr | None = Field(default=None, alias="IPBOT_DASHBOARD_TOKEN")
    dashboard_listen: str = Field(default="127.0.0.1", alias="IPBOT_DASHBOARD_LISTEN")
    dashboard_port: int = Field(default=8090, alias="IPBOT_DASHBOARD_PORT")
    dashboard_bot_username: str | None = Field(default=None, alias="IPBOT_DASHBOARD_BOT_USERNAME")
    # Unanswered questions (masked) are kept this many days for the dashboard, then deleted.
    unanswered_retention_days: int = Field(default=90, ge=1, le=3650, alias="IPBOT_UNANSWERED_RETENTION_DAYS")

    # Messages/s the bot sends into one chat (Telegram asks for about 1; bursts of 3 pass); 0 lifts it.
    chat_rate_limit: float = Field(default=1, ge=0, alias="IPBOT_CHAT_RATE_LIMIT")
    # Updates one process holds at once (received, not yet processed and confirmed); past it the
    # webhook answers 503 and polling stops fetching, so Telegram keeps the rest.
    max_pending_updates: int = Field(default=1000, ge=1, le=2**16, alias="IPBOT_MAX_PENDING")
    # On SIGTERM, how long updates in flight may take to finish; the rest stay unconfirmed and
    # Telegram delivers them again. Keep it under the container's stop grace (see the Dockerfile).
    shutdown_budget_s: float = Field(default=8.0, ge=0, le=600, alias="IPBOT_SHUTDOWN_BUDGET_S")

    # The key of the hashes stored instead of chat and user ids; unset: derived from the token (the
    # same in every replica). Set it to keep the sessions across a change of the token.
    id_secret_value: SecretStr | None = Field(default=None, alias="IPBOT_ID_SECRET")
    # Sessions untouched this long are deleted by the bot itself (0: never).
    session_ttl_days: int = Field(default=180, ge=0, le=36_500, alias="IPBOT_SESSION_TTL_DAYS")

    def id_secret(self) -> bytes | None:
        """IPBOT_ID_SECRET, else one derived from the token; None (the store's default) without either."""
        if self.id_secret_value is not None and self.id_secret_value.get_secret_value():
            return self.id_secret_value.get_secret_value().encode()
        if self.telegram_bot_token is not None and self.telegram_bot_token.get_secret_value():
            token = self.telegram_bot_token.get_secret_value().encode()
            return hmac.new(token, b"ipbot-id-secret", hashlib.sha256).digest()
        return None

    def store_url(self) -> str:
        """The session store: DATABASE_URL if set, else SQLite under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ipbot.db').resolve()}"
