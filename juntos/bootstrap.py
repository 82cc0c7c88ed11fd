"""Composition root of the running assistant: builds storage, NLU and the Telegram application.

Nothing here runs at import time; `build_bot` wires, `run_bot` runs (polling, as production).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, Update

from bot import sending
from bot.app import BotConfig, JuntosApplication, build_application
from bot.context import Services
from bot.handlers.crisis import ScreenedNlu
from bot.i18n import Catalogs
from bot.notifier import TelegramNotifier
from crisis_model import default_model
from domain.ports import Clock, DangerModel, PlaceFinder, SystemClock
from domain.services.crisis import CrisisScreen
from juntos.database import Database, open_database
from juntos.logs import cap_third_party_loggers
from juntos.reminder_rules import load_rule_book
from juntos.settings import Settings, reveal
from nlu.client import NluClient
from storage import crypto
from storage.cells import H3Grid
from storage.gazetteer import load_gazetteer
from storage.persistence import SqlPersistence
from storage.send_budget import SqlSendBudget

log = logging.getLogger(__name__)


class AppResources:
    """Opened in post_init, closed in post_shutdown (PTB runs both around polling)."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        places: PlaceFinder | None = None,
        nlu_timeout: float = 1.5,
        danger_model: DangerModel | None = None,
    ) -> None:
        self.settings = settings
        # Loaded here, before anything starts: a missing, stale or corrupt crisis model stops
        # the start with crisis_model.ModelFileError (the rules alone are no silent fallback).
        self.crisis = CrisisScreen(danger_model or default_model())
        # Read and validated now too: a mistake in reminders.toml stops the start
        # (domain.reminder_rules.RulesError names the setting).
        self.rules = load_rule_book(settings.juntos_reminders_file)
        self.clock = clock or SystemClock()
        self._places = places
        self._nlu_timeout = nlu_timeout
        self.database: Database | None = None
        #: The send lane, when its background sends are paced on the shared budget.
        self._lane: sending.PriorityLane | None = None
        self._budget: SqlSendBudget | None = None
        self.nlu: NluClient | None = None
        #: PTB's persistence; also where idle conversation state is forgotten.
        self.persistence = SqlPersistence(settings.database_url, clock=self.clock)

    async def open(self, bot: Bot) -> Services:
        self.database = open_database(self.settings)
        self.nlu = NluClient(
            self.settings.rasa_url,
            reveal(self.settings.rasa_token),
            timeout=self._nlu_timeout,
            open_seconds=self.settings.rasa_retry_seconds,
        )
        catalogs = Catalogs(default=self.settings.juntos_default_locale)
        uow = self.database.uow
        places = self._places or load_gazetteer()
        notifier = TelegramNotifier(bot, uow, catalogs, places)
        limiter = getattr(bot, "rate_limiter", None)
        if (
            isinstance(limiter, sending.PriorityRateLimiter)
            and self.database.engine.dialect.name == "postgresql"
        ):
            # Several processes may share this token and database: reminders and digests
            # take their turns on one timeline in the database (replies never wait on it).
            self._lane = limiter.lane
            self._budget = SqlSendBudget(self.database.engine)
            self._lane.share(self._budget)
        return Services(
            uow=uow,
            clock=self.clock,
            places=places,
            # Rasa's `emergencia` counts only when the crisis screen agrees there may be danger.
            nlu=ScreenedNlu(self.nlu, self.crisis),
            notifier=notifier,
            relay=notifier,
            catalogs=catalogs,
            states=self.persistence,
            state_retention=self.settings.state_retention,
            relay_retention=self.settings.relay_retention,
            crisis=self.crisis,
            rules=self.rules,
            reminder_batch=self.settings.juntos_reminder_batch,
            reminder_lease=timedelta(seconds=self.settings.juntos_reminder_lease_seconds),
            grid=H3Grid(),
        )

    def nlu_ready(self) -> None:
        """The Rasa server just became ready (called by whoever started it)."""
        if self.nlu is not None:
            self.nlu.server_ready()

    async def close(self) -> None:
        if self._lane is not None:
            self._lane.share(None)
            self._lane = None
        if self._budget is not None:
            await self._budget.close()
            self._budget = None
        if self.nlu is not None:
            await self.nlu.aclose()
            self.nlu = None
        if self.database is not None:
            await self.database.close()
            self.database = None


def build_bot(
    settings: Settings, token: str, resources: AppResources | None = None
) -> JuntosApplication:
    cap_third_party_loggers()
    # The persistence loads and decrypts state in initialize(), before post_init opens the
    # database: the keys are installed now (crypto.KeyConfigError if one is bad).
    crypto.configure(settings.secret_keys())
    config = BotConfig(
        token=token,
        api_url=settings.telegram_api_url,
        sweep_seconds=settings.juntos_sweep_seconds,
        read_timeout=settings.telegram_timeout,
        send_rate=settings.juntos_send_rate,
    )
    resources = resources or AppResources(settings)
    persistence: Any = resources.persistence
    return build_application(config, resources, persistence)


@dataclass(frozen=True)
class Webhook:
    """Telegram posts updates to `url` (https, behind a reverse proxy), which forwards them to
    PTB's webhook server on `listen`:`port` at the same path."""

    url: str
    listen: str = "127.0.0.1"
    port: int = 8443

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.strip("/")


def run_bot(settings: Settings, token: str, webhook: Webhook | None = None) -> None:
    """Poll the Bot API at TELEGRAM_API_URL, or serve a webhook, until interrupted (Ctrl-C or
    SIGTERM)."""
    app = build_bot(settings, token)
    if webhook is None:
        log.info("bot polling %s", settings.telegram_api_url.split("/bot")[0])
        app.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    log.info(
        "bot webhook on %s:%d/%s for %s", webhook.listen, webhook.port, webhook.path, webhook.url
    )
    app.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=webhook.path,
        webhook_url=webhook.url,
        # Telegram sends it back in a header: a request without it is refused (PTB checks).
        secret_token=secrets.token_urlsafe(32),
        allowed_updates=Update.ALL_TYPES,
    )
