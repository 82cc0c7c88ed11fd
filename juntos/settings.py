"""Configuration from the environment (and an optional `.env`), read once at start."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DEFAULT_DATABASE_URL = f"sqlite:///{VAR / 'juntos.db'}"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org/bot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    telegram_bot_token: str | None = None
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = None
    juntos_secret_key: str | None = None
    juntos_default_locale: str = "es_MX"

    def secret_key(self) -> str:
        """JUNTOS_SECRET_KEY, or a key kept in var/secret.key (created once, mode 0600)."""
        if self.juntos_secret_key:
            return self.juntos_secret_key
        return local_secret(VAR / "secret.key")


def local_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def load_settings() -> Settings:
    return Settings()
