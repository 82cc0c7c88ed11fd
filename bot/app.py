"""The composition of the Telegram application: wiring only (features live in bot/handlers)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Bot, BotCommand, BotCommandScopeDefault, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BasePersistence,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import jobs, messagelog, sending, texts
from bot.context import BotData, JuntosContext, Services
from bot.handlers import buttons, crisis, errors, location, privacy, requests, start, text
from bot.handlers.common import chat_data, show_menu, translator
from bot.http import AiohttpRequest
from bot.indicators import callbacks as indicator_callbacks
from bot.indicators import digest
from bot.indicators import handlers as indicators
from bot.messagelog import LoggingBot
from bot.processor import PerChatUpdateProcessor
from bot.relay import callbacks as relay_callbacks
from bot.relay import handlers as relay
from bot.staff import callbacks as staff_callbacks
from bot.staff import demand
from bot.staff import handlers as staff

log = logging.getLogger(__name__)

JuntosApplication = Application[Any, JuntosContext, dict[Any, Any], dict[Any, Any], BotData, Any]

#: Spanish command names (what members see) with English aliases.
COMMANDS: dict[str, tuple[str, ...]] = {
    "start": ("start", "inicio"),
    "ayuda": ("ayuda", "help"),
    "idioma": ("idioma", "language"),
    "privacidad": ("privacidad", "privacy"),
    "mis_datos": ("mis_datos", "mydata"),
    "estado": ("estado", "status"),
    "borrar": ("borrar", "delete"),
    "salir": ("salir", "exit"),
    "cancelar": ("cancelar", "cancel"),
    # Staff (partner organisations); anyone else gets a kind explanation.
    "referir": ("referir", "refer"),
    "casos": ("casos", "cases"),
    "caso": ("caso", "case"),
    "seguimiento": ("seguimiento", "followup"),
    # Coordinators and admins.
    "indicadores": ("indicadores", "indicators"),
    # Coordinators: where help is missing in their municipalities.
    "demanda": ("demanda", "demand"),
}


class Resources(Protocol):
    """What the composition root provides: opened in post_init, closed in post_shutdown."""

    async def open(self, bot: Bot) -> Services: ...
    async def close(self) -> None: ...


@dataclass(frozen=True)
class BotConfig:
    token: str
    #: Bot API base URL to which the token is appended (TELEGRAM_API_URL).
    api_url: str = "https://api.telegram.org/bot"
    max_retries: int = 3
    read_timeout: float = 10.0
    #: Messages a second across all chats (JUNTOS_SEND_RATE); the excess waits in the priority
    #: lane (bot/sending.py): crisis replies first, then replies, relays, reminders.
    send_rate: float = sending.DEFAULT_SEND_RATE
    sweep_seconds: float = jobs.SWEEP_SECONDS
    forget_seconds: float = jobs.FORGET_SECONDS
    forget_first_seconds: float = jobs.FORGET_FIRST_SECONDS
    digest_seconds: float = digest.DIGEST_SWEEP_SECONDS
    # A minute after start, like the daily jobs (and out of the way of a short test run).
    digest_first_seconds: float = 60.0

    @property
    def file_url(self) -> str:
        base = self.api_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"


async def note_incoming(update: Update, context: JuntosContext) -> None:
    """Keep the id of each incoming private message so /salir can delete it later."""
    message = update.message
    if message is None or message.chat.type != "private":
        return
    messagelog.record(chat_data(context), message.message_id, time.time())


async def answer_unsupported(update: Update, context: JuntosContext) -> None:
    """Stickers, voice notes, photos...: say kindly what works (and the lines), show the menu.

    Their content cannot be read, so the reply always carries 911 and the Línea de la Vida.
    """
    t = translator(update, context)
    await show_menu(update, t, texts.unsupported_message(t))


async def answer_unknown_command(update: Update, context: JuntosContext) -> None:
    """A command the bot does not have: say so (as a bot), with the danger line and the menu."""
    t = translator(update, context)
    await show_menu(update, t, texts.unknown_command(t))


async def _set_commands(bot: Bot, services: Services) -> None:
    for language in ("es", "en"):
        t = services.catalogs.get(language)
        commands = [
            BotCommand(name, description) for name, description in texts.command_descriptions(t)
        ]
        try:
            await bot.set_my_commands(
                commands, scope=BotCommandScopeDefault(), language_code=language
            )
            if language == "es":  # members whose app is in another language
                await bot.set_my_commands(commands, scope=BotCommandScopeDefault())
        except TelegramError as exc:
            log.warning("setMyCommands (%s) failed: %s", language, type(exc).__name__)


def register_handlers(app: JuntosApplication) -> None:
    private = filters.ChatType.PRIVATE
    # Group -2: note message ids for quick exit (every update, before anything answers).
    app.add_handler(TypeHandler(Update, note_incoming), group=-2)
    # Group -1: crisis first. Runs before commands, NLU and the database; a clear signal stops
    # every later handler (ApplicationHandlerStop). Text and captions, new and edited messages
    # (forwarded ones are messages too).
    app.add_handler(
        MessageHandler(
            private
            & filters.UpdateType.MESSAGES
            & (filters.TEXT | filters.CAPTION)
            & ~filters.COMMAND,
            crisis.screen_for_crisis,
        ),
        group=-1,
    )
    handlers = {
        "start": start.start,
        "ayuda": start.show_help,
        "idioma": start.ask_language,
        "privacidad": privacy.explain_privacy,
        "mis_datos": privacy.show_my_data,
        "estado": requests.show_status,
        "borrar": privacy.ask_delete,
        "salir": privacy.quick_exit,
        "cancelar": start.cancel,
    }
    in_staff_flow = staff.InStaffFlow(app.user_data)
    # Before the member's /cancelar: it discards a referral or follow-up being written.
    app.add_handler(
        CommandHandler(
            COMMANDS["cancelar"], staff.cancel_staff_flow, filters=private & in_staff_flow
        )
    )
    handlers.update(
        {
            "referir": staff.start_referral,
            "casos": staff.show_cases,
            "caso": staff.show_case,
            "seguimiento": staff.start_follow_up,
            "indicadores": indicators.ask_period,
            "demanda": demand.show_demand,
        }
    )
    for key, callback in handlers.items():
        app.add_handler(CommandHandler(COMMANDS[key], callback, filters=private))
    # Staff buttons (sr:, sc:, rf:, ff:) before the member's, which answer anything else.
    app.add_handler(CallbackQueryHandler(staff.press_staff_button, pattern=staff_callbacks.PATTERN))
    app.add_handler(CallbackQueryHandler(relay.press_relay_button, pattern=relay_callbacks.PATTERN))
    app.add_handler(
        CallbackQueryHandler(indicators.press_indicator_button, pattern=indicator_callbacks.PATTERN)
    )
    app.add_handler(CallbackQueryHandler(demand.press_demand_button, pattern=demand.PATTERN))
    app.add_handler(CallbackQueryHandler(buttons.press_button))
    # Text while a staff member writes a referral or follow-up goes to that flow.
    app.add_handler(
        MessageHandler(
            private & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND & in_staff_flow,
            staff.flow_text,
        )
    )
    # Locations also arrive as edited messages (live location): the handler reads
    # update.effective_message.
    app.add_handler(MessageHandler(private & filters.LOCATION, location.receive_location))
    app.add_handler(
        MessageHandler(
            private & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND,
            text.handle_text,
        )
    )
    app.add_handler(MessageHandler(private & filters.COMMAND, answer_unknown_command))
    app.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.TEXT, answer_unsupported)
    )
    app.add_error_handler(errors.apologise)


def build_application(
    config: BotConfig, resources: Resources, persistence: BasePersistence[Any, Any, Any] | None
) -> JuntosApplication:
    """The application, exactly as production runs it; only the Bot API URL varies."""

    async def post_init(app: JuntosApplication) -> None:
        services = await resources.open(app.bot)
        app.bot_data.services = services
        if isinstance(app.update_processor, PerChatUpdateProcessor) and isinstance(
            app.bot.rate_limiter, sending.PriorityRateLimiter
        ):
            app.update_processor.on_queued = crisis.put_first_when_in_danger(
                services.crisis,
                app.bot.rate_limiter.lane,
                lambda update: CallbackContext.from_update(update, app),
            )
        if isinstance(app.update_processor, PerChatUpdateProcessor):
            app.update_processor.on_done = crisis.lines_left_over(app.bot)
        await _set_commands(app.bot, services)
        if app.job_queue is not None:
            app.job_queue.run_repeating(
                jobs.deliver_reminders, interval=config.sweep_seconds, first=1.0, name="reminders"
            )
            app.job_queue.run_repeating(
                jobs.plan_checkins,
                interval=jobs.CHECKIN_PLAN_SECONDS,
                first=config.forget_first_seconds,
                name="capacity-checkins",
            )
            app.job_queue.run_repeating(
                jobs.sweep_digests,
                interval=config.digest_seconds,
                first=config.digest_first_seconds,
                name="weekly-digests",
            )
            app.job_queue.run_repeating(
                jobs.forget_idle_state,
                interval=config.forget_seconds,
                first=config.forget_first_seconds,
                name="forget-idle-state",
            )
            app.job_queue.run_repeating(
                jobs.purge_relay,
                interval=config.forget_seconds,
                first=config.forget_first_seconds,
                name="purge-relay",
            )

    async def post_shutdown(app: JuntosApplication) -> None:
        app.bot_data.services = None
        await resources.close()

    bot = LoggingBot(
        config.token,
        base_url=config.api_url,
        base_file_url=config.file_url,
        request=AiohttpRequest(read_timeout=config.read_timeout, connection_pool_size=32),
        get_updates_request=AiohttpRequest(read_timeout=config.read_timeout + 30),
        rate_limiter=sending.PriorityRateLimiter(config.send_rate, config.max_retries),
        defaults=Defaults(block=True),
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=CallbackContext, bot_data=BotData))
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if persistence is not None:
        builder = builder.persistence(persistence)
    app: JuntosApplication = builder.build()
    bot.attach(app)
    register_handlers(app)
    return app
