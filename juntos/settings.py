"""Configuration from the environment (and an optional `.env`), read once at start."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from juntos import files
from storage import crypto

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
#: Where the keys live when JUNTOS_SECRET_KEY is not set: apart from the data they protect.
SECRETS = ROOT / "secrets"
KEY_FILE = "secret.key"
#: Where releases before keys could rotate kept the key (next to the database).
LEGACY_KEY_FILE = VAR / KEY_FILE
DEFAULT_DATABASE_URL = f"sqlite:///{VAR / 'juntos.db'}"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org/bot"

log = logging.getLogger(__name__)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    #: Secrets are SecretStr: printed or logged, they show as '**********'.
    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    #: Seconds to wait for a Bot API answer before counting the request as failed (retried).
    telegram_timeout: float = Field(default=10.0, gt=0)
    #: One Rasa server, or several comma-separated: the bot spreads parses over them and skips
    #: one that is down (nlu/client.py).
    rasa_url: str = "http://127.0.0.1:5005"
    #: Seconds a Rasa server that failed 3 times in a row is left alone before one trial call.
    rasa_retry_seconds: float = Field(default=30.0, gt=0)
    rasa_token: SecretStr | None = None
    #: One or more keys, comma-separated; the first encrypts (storage/crypto.py).
    juntos_secret_key: SecretStr | None = None
    #: Where the key file is kept when JUNTOS_SECRET_KEY is not set.
    juntos_secrets_dir: Path = SECRETS
    #: Conversation state idle for this many days is deleted.
    juntos_state_retention_days: int = Field(default=30, ge=1)
    #: Relayed messages between members and staff are kept this long, then deleted.
    juntos_relay_retention_days: int = Field(default=30, ge=1)
    juntos_default_locale: str = "es_MX"
    #: The reminder rules the admin edits (defaults, per-municipality overrides).
    juntos_reminders_file: Path = ROOT / "reminders.toml"
    #: Messages a second the bot sends across all chats (Telegram allows about 30; bots granted
    #: a higher broadcast limit can raise it). The excess waits, crisis replies first; reminders
    #: and digests go last. On PostgreSQL every process of the bot shares this rate.
    juntos_send_rate: float = Field(default=29.0, gt=0)
    #: PostgreSQL connections the bot keeps open (plus half as many at peaks).
    juntos_db_pool_size: int = Field(default=10, ge=1)
    #: How often due reminders are looked for, and how many are claimed at once.
    juntos_sweep_seconds: float = Field(default=60.0, gt=0)
    juntos_reminder_batch: int = Field(default=100, ge=1, le=1000)
    #: A claim older than this belongs to a process that died: its reminders are taken again.
    #: Keep it well above a batch's sending time (batch / send rate).
    juntos_reminder_lease_seconds: float = Field(default=300.0, gt=0)

    def secret_keys(self) -> list[str]:
        """JUNTOS_SECRET_KEY, else the keys in secrets/secret.key (created once, mode 0600).

        Raises crypto.KeyConfigError naming the bad key and what to do.
        """
        if self.juntos_secret_key:
            return crypto.parse_keys(reveal(self.juntos_secret_key) or "", "JUNTOS_SECRET_KEY")
        path = local_key_file(self.juntos_secrets_dir)
        return crypto.parse_keys(path.read_text(), str(path))

    @property
    def state_retention(self) -> timedelta:
        return timedelta(days=self.juntos_state_retention_days)

    @property
    def relay_retention(self) -> timedelta:
        return timedelta(days=self.juntos_relay_retention_days)


def reveal(secret: SecretStr | None) -> str | None:
    """The value of a secret setting, for the one place that uses it (never to print)."""
    return secret.get_secret_value() if secret is not None else None


def local_key_file(folder: Path, legacy: Path = LEGACY_KEY_FILE) -> Path:
    """The key file in `folder` (0700), the file 0600: moved from var/ once, else created."""
    files.private_dir(folder)
    path = folder / KEY_FILE
    if not path.exists() and legacy.exists() and files.write_private(path, legacy.read_text()):
        legacy.unlink()
        log.warning(
            "Moved the secret key from %s to %s: back up %s and %s separately.",
            legacy,
            path,
            legacy.parent,
            folder,
        )
    if not path.exists() and files.write_private(path, crypto.generate_key() + "\n"):
        log.warning("Created a new secret key in %s: back it up apart from the database.", path)
    files.private_file(path)
    return path


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in item['loc']).upper()}: {item['msg']}"
            for item in error.errors(include_url=False, include_input=False)
        ]
        raise SettingsError("; ".join(problems)) from None
