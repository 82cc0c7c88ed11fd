"""What handlers get: typed services in bot_data, and per-member state in user_data."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from telegram.ext import CallbackContext, ExtBot

from bot.i18n import Catalogs
from bot.points import RecentPoints
from bot.staff.cache import StaffCache
from domain.ports import (
    AreaGrid,
    Clock,
    ConversationStates,
    Notifier,
    PlaceFinder,
    RelayMessenger,
    UnitOfWork,
)
from domain.relay import DEFAULT_RETENTION as RELAY_RETENTION
from domain.reminder_rules import DEFAULT_BOOK, RuleBook
from domain.services.crisis import CrisisScreen
from domain.services.reminders import DEFAULT_BATCH, DEFAULT_LEASE
from domain.services.retention import DEFAULT_RETENTION
from nlu.client import Parse


class TextParser(Protocol):
    async def parse(self, text: str) -> Parse | None: ...


def default_worker() -> str:
    """Who claims reminders: this host and process (a dead one's leases expire)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


@dataclass
class Services:
    """Everything a handler may use, built by the composition root and opened in post_init."""

    uow: Callable[[], UnitOfWork]
    clock: Clock
    places: PlaceFinder
    nlu: TextParser | None
    notifier: Notifier
    #: Relay messages (the same Telegram adapter as the notifier).
    relay: RelayMessenger
    catalogs: Catalogs
    #: The crisis screen (rules and model, in process): every text a person writes.
    crisis: CrisisScreen
    #: The hexagonal grid unmet demand is counted and drawn on.
    grid: AreaGrid
    #: The saved conversation state, and how long it is kept without activity.
    states: ConversationStates | None = None
    state_retention: timedelta = DEFAULT_RETENTION
    #: Relayed messages are deleted after this long.
    relay_retention: timedelta = RELAY_RETENTION
    #: The reminder rules (reminders.toml), and who this process is when it claims reminders.
    rules: RuleBook = DEFAULT_BOOK
    worker: str = field(default_factory=default_worker)
    reminder_batch: int = DEFAULT_BATCH
    reminder_lease: timedelta = DEFAULT_LEASE


#: How long uncertain-danger lines wait to head the normal answer before they go alone
#: (bot/handlers/crisis.py): Rasa's parse and a search take tens of milliseconds.
LINES_WAIT_SECONDS = 0.3


class BotData:
    """`context.bot_data`: the services, set in post_init (None until then), and what this
    process keeps in memory only (never persisted)."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.points = RecentPoints()
        self.staff = StaffCache()
        #: Updates whose crisis lines went out as soon as they arrived (bot/handlers/crisis.py).
        self.crisis_answered_early: set[int] = set()
        #: How long uncertain-danger lines wait to head the normal answer (then go alone).
        self.lines_wait_seconds = LINES_WAIT_SECONDS


JuntosContext = CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotData]


def services_of(context: JuntosContext) -> Services:
    services = context.bot_data.services
    if services is None:
        raise RuntimeError("services are opened in post_init; the application is not started")
    return services
