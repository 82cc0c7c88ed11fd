"""Crisis first: every text is screened before anything else, with no database and no NLU.

"Every text" is what a person can write: a message, the caption of a photo, video or document,
a forwarded message, and an edit of any of these (an edit that adds danger gets the reply).
The screen itself (`domain.services.crisis.CrisisScreen`, in `Services.crisis`) is the one the
staff relay calls for the text it carries: `screen_text(context, text)`.

Rasa's `emergencia` reaches the text handler only when the screen agrees there may be danger:
`ScreenedNlu` is the NLU the handlers get (`Services.nlu`), and it answers "unsure" (None, the
menu) for an `emergencia` the screen does not confirm
(`CrisisScreen.counts_nlu_emergency`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Message, Update
from telegram.ext import ApplicationHandlerStop, filters

from bot import demand, keyboards, sending, texts
from bot.context import JuntosContext, TextParser, services_of
from bot.handlers.common import say, translator
from bot.relay import handlers as relay
from bot.staff import handlers as staff
from domain.crisis import CrisisSignal
from domain.emergency import DangerKind
from domain.services.crisis import CrisisScreen
from nlu.client import Parse

log = logging.getLogger(__name__)

#: What the menu's "I'm in danger" button and Rasa's `emergencia` intent mean.
UNSPECIFIED_DANGER = CrisisSignal(kinds=frozenset({DangerKind.EMERGENCY}), uncertain=False)
NLU_EMERGENCY = "emergencia"
#: How long the crisis reply may wait to learn whether the writer is staff (a cached answer or
#: a working database take milliseconds).
STAFF_CHECK_SECONDS = 0.5


class ScreenedNlu:
    """The NLU the handlers use: Rasa, whose `emergencia` counts only when the crisis screen
    also sees danger or enough doubt (alone, Rasa read films, idioms and news as emergencies).

    An `emergencia` the screen does not confirm comes back as None: "Rasa is unsure", so the
    member gets the menu (which offers "Estoy en peligro").
    """

    def __init__(self, nlu: TextParser, screen: CrisisScreen) -> None:
        self._nlu = nlu
        self._screen = screen

    async def parse(self, text: str) -> Parse | None:
        parse = await self._nlu.parse(text)
        if parse is None or parse.intent != NLU_EMERGENCY:
            return parse
        if self._screen.counts_nlu_emergency(text):
            return parse
        log.info("nlu emergencia not confirmed by the crisis screen")
        return None


#: At most this long, the sends to a chat that wrote danger behind queued updates go first
#: (until the crisis reply is sent: `screen_for_crisis` settles the chat).
URGENT_CHAT_SECONDS = 30.0


def put_first_when_in_danger(
    screen: CrisisScreen,
    lane: sending.PriorityLane,
    context_for: Callable[[Update], JuntosContext],
) -> Callable[[Update], None]:
    """For the update processor: a message that must wait behind earlier updates of its chat
    (whose replies may be queued in the send lane) is screened at once; if it shows danger,
    the lines are sent right away, out of the chat's order, and every send to that chat goes
    first until then. The handler, when the message's turn comes, does the rest (the relay,
    the normal answer to an uncertain signal) without sending the lines twice."""

    def on_queued(update: Update) -> None:
        message = update.effective_message
        chat = update.effective_chat
        text = written_text(message) if message is not None else None
        if (
            chat is None
            or chat.type != "private"
            or not text
            or filters.COMMAND.check_update(update)
        ):
            return  # like `screen_for_crisis`: a command (/salir, /ayuda) is no disclosure
        signal = screen.screen(text).signal
        if signal is None:
            return
        lane.promote(chat.id, URGENT_CHAT_SECONDS)
        context = context_for(update)
        early = context.bot_data.crisis_answered_early
        early.add(update.update_id)

        async def send_now() -> None:
            try:
                with sending.priority(sending.Priority.CRISIS):
                    await send_crisis_reply(update, context, signal)
            except Exception:  # the handler sends them when its turn comes
                early.discard(update.update_id)
                log.warning("crisis: the early reply failed; the handler will send it")
            finally:
                lane.settle(chat.id)

        context.application.create_task(send_now(), update=update)

    return on_queued


def _settle(update: Update, context: JuntosContext) -> None:
    """The lines are out: this chat's later sends wait their normal turn again."""
    limiter = context.bot.rate_limiter
    chat = update.effective_chat
    if chat is not None and isinstance(limiter, sending.PriorityRateLimiter):
        limiter.lane.settle(chat.id)


def written_text(message: Message) -> str | None:
    """What the person wrote in `message`: its text or its caption (None for neither)."""
    return message.text or message.caption or None


def screen_text(context: JuntosContext, text: str) -> CrisisSignal | None:
    """The crisis screen's reading of `text` (rules and model, in process, no I/O).

    For any text that reaches the bot, including the staff relay's. Logs the kinds only.
    """
    screening = services_of(context).crisis.screen(text)
    signal = screening.signal
    if signal is not None:
        # Kinds and the deciding signal only: never the text.
        log.info(
            "crisis signal: kinds=%s uncertain=%s source=%s",
            ",".join(sorted(signal.kinds)),
            signal.uncertain,
            screening.source,
        )
    return signal


async def send_crisis_reply(update: Update, context: JuntosContext, signal: CrisisSignal) -> None:
    """Send the emergency reply for `signal` (its lines in the kind's order), then the two ways
    forward, in one message. It goes first in the send lane, ahead of every other reply."""
    t = translator(update, context)
    held = sending.held_lines()
    if held is not None:
        held.take()  # this reply has the lines: the held ones (uncertain) are not needed
    with sending.priority(sending.Priority.CRISIS):
        await say(update, texts.crisis(t, signal), keyboards.crisis(t))


def _hold_lines(update: Update, context: JuntosContext, signal: CrisisSignal) -> None:
    """An uncertain signal: the lines head the normal answer, in one message (one send
    instead of two, which at Telegram's rate is a queue), if it comes within
    `bot_data.lines_wait_seconds`; otherwise they go alone then, and the answer after."""
    chat = update.effective_chat
    if chat is None:
        return
    t = translator(update, context)
    lines = sending.LinesAhead(chat.id, texts.crisis(t, signal), keyboards.crisis(t))
    sending.hold_lines(lines)

    async def alone_if_no_answer() -> None:
        await asyncio.sleep(context.bot_data.lines_wait_seconds)
        await send_held_lines(context.bot, lines)

    context.application.create_task(alone_if_no_answer(), update=update)


async def send_held_lines(bot: Bot, lines: sending.LinesAhead) -> None:
    """Send `lines` alone, at once, unless they went out already (with the answer)."""
    if lines.take():
        with sending.priority(sending.Priority.CRISIS):
            await bot.send_message(lines.chat_id, lines.text, reply_markup=lines.markup)


def lines_left_over(bot: Bot) -> Callable[[], Awaitable[None]]:
    """For the update processor, when an update's handling is over: held lines that no answer
    carried (the flow sent nothing, or only a location) go out now, before the chat's next
    update, instead of waiting for their time."""

    async def on_done() -> None:
        lines = sending.held_lines()
        if lines is None:
            return
        try:
            await send_held_lines(bot, lines)
        except Exception:
            log.exception("crisis: the held lines could not be sent")

    return on_done


async def _answered_as_staff(update: Update, context: JuntosContext, signal: CrisisSignal) -> bool:
    """Whether the staff one-line reply was sent; False (the full reply) when telling whether
    the writer is staff takes longer than `STAFF_CHECK_SECONDS`.

    The check reads the database: when it is down, lookups queue for the connection pool, and
    members in danger must not wait for them (20 at once: 5 got no reply within 10 s).
    """
    try:
        async with asyncio.timeout(STAFF_CHECK_SECONDS):
            return await staff.crisis_for_staff(update, context, signal)
    except TimeoutError:
        log.warning("crisis: the staff check timed out; sending the full reply")
        return False


async def screen_for_crisis(update: Update, context: JuntosContext) -> None:
    """Answer a message that shows danger with the emergency lines, before any other handler.

    A clear signal stops further handling; an uncertain one ("when in doubt, show the lines")
    lets the normal flow answer too.
    """
    message = update.effective_message
    text = written_text(message) if message is not None else None
    if not text:
        return
    signal = screen_text(context, text)
    if signal is None:
        return
    early = context.bot_data.crisis_answered_early
    if update.update_id in early:  # the lines went out when the message arrived
        early.discard(update.update_id)
        answered_as_staff = False
    else:
        try:
            with sending.priority(sending.Priority.CRISIS):
                answered_as_staff = await _answered_as_staff(update, context, signal)
                if not answered_as_staff:
                    if signal.uncertain:
                        _hold_lines(update, context, signal)
                    else:
                        await send_crisis_reply(update, context, signal)
        finally:
            _settle(update, context)
    if answered_as_staff:
        return  # staff describing someone else's danger: one line, and their flow goes on
    await demand.count_crisis(context, signal)
    # An answer in a relay thread still reaches the organisation, marked "posible crisis".
    await relay.relay_reply(update, context, crisis=True)
    if not signal.uncertain:
        raise ApplicationHandlerStop
