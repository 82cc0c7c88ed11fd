"""The weekly digest, sent by a scheduled sweep (Monday 09:00 in each coordinator's
municipality; later that week if the bot was down). Claimed before sending, marked delivered
only after Telegram took it; a failed send frees the claim for the next sweep."""

from __future__ import annotations

import logging
import os
import socket

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.context import Services
from bot.i18n import Translator
from bot.indicators import callbacks as icb
from bot.indicators import texts as itexts
from bot.indicators.handlers import places_label
from bot.staff import callbacks as scb
from domain.indicators import WeeklyDigest
from domain.services.indicators import (
    DigestCache,
    claim_digest,
    digest_delivered,
    due_digests,
    release_digest,
)

log = logging.getLogger(__name__)

#: How often due digests are looked for.
DIGEST_SWEEP_SECONDS = 300.0


def worker_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def digest_keyboard(t: Translator, digest: WeeklyDigest) -> InlineKeyboardMarkup:
    """One button per overdue case (the staff case card), then the full indicators."""
    cases = [
        InlineKeyboardButton(case.code, callback_data=scb.encode(scb.OpenCase(case.case_id)))
        for case in digest.overdue
    ]
    rows = [cases[i : i + 3] for i in range(0, len(cases), 3)]
    rows.append(
        [
            InlineKeyboardButton(
                itexts.full_indicators_button(t),
                callback_data=icb.encode(icb.ChoosePeriod("month")),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


async def send_due_digests(bot: Bot, services: Services, worker: str | None = None) -> int:
    """Send every digest that is due; how many were delivered."""
    sent = 0
    worker = worker or worker_name()
    cache: DigestCache = {}
    for target in await due_digests(services.uow(), services.clock, services.places):
        digest = await claim_digest(target, worker, services.uow(), services.clock, cache)
        if digest is None:
            continue  # another process has it, or it went out meanwhile
        staff = target.coordinator
        t = services.catalogs.get(staff.locale)
        places = places_label(t, digest.municipality_codes, services.places)
        unmet = digest.unmet_need
        unmet_place = (
            places_label(t, (unmet.municipality_code,), services.places) if unmet else None
        )
        assert staff.chat_id is not None
        try:
            await bot.send_message(
                staff.chat_id,
                itexts.digest_text(t, digest, places, unmet_place),
                reply_markup=digest_keyboard(t, digest),
            )
        except TelegramError as exc:
            log.warning("digest for %s not delivered: %s", staff.actor, type(exc).__name__)
            await release_digest(target, services.uow())
            continue
        await digest_delivered(target, services.uow(), services.clock)
        sent += 1
    if sent:
        log.info("sent %d weekly digest(s)", sent)
    return sent
