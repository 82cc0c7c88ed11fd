"""The emulator behaves like Telegram's Bot API for python-telegram-bot 22, over real HTTP."""

# PTB's objects are Optional almost everywhere; a None here fails the test with AttributeError.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import asyncio
import struct
import time
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox import BotApiEmulator
from sandbox.ptb import polling

TOKEN = "123456:CONTRACT-TEST"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def emulator(clock: Clock) -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, port=0, clock=clock) as emu:
        yield emu


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url) as b:
        yield b


def tiny_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# -- identity and polling -----------------------------------------------------------------


async def test_bot_learns_its_identity_from_get_me(bot: Bot) -> None:
    assert bot.id == 123456
    assert bot.username == "juntos_sandbox_bot"
    assert bot.bot.is_bot


async def test_confirmed_updates_are_not_delivered_again(emulator: BotApiEmulator, bot: Bot):
    chat = emulator.private_chat(1001, "Ana")
    for text in ("uno", "dos", "tres"):
        await chat.send_text(text)

    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first] == ["uno", "dos", "tres"]
    assert first[0].message.from_user.first_name == "Ana"

    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [u.update_id for u in first], "not confirmed yet"

    after = await bot.get_updates(offset=first[1].update_id + 1, timeout=0)
    assert [u.message.text for u in after] == ["tres"]
    assert await bot.get_updates(offset=first[2].update_id + 1, timeout=0) == ()


async def test_limit_and_negative_offset_follow_telegram(emulator: BotApiEmulator, bot: Bot):
    chat = emulator.private_chat(1001, "Ana")
    for n in range(5):
        await chat.send_text(f"m{n}")
    assert [u.message.text for u in await bot.get_updates(limit=2, timeout=0)] == ["m0", "m1"]
    # A negative offset keeps only the last -offset updates and forgets the rest.
    assert [u.message.text for u in await bot.get_updates(offset=-2, timeout=0)] == ["m3", "m4"]
    assert [u.message.text for u in await bot.get_updates(timeout=0)] == ["m3", "m4"]


async def test_long_poll_returns_as_soon_as_a_user_writes(emulator: BotApiEmulator, bot: Bot):
    chat = emulator.private_chat(1001, "Ana")
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=20, read_timeout=30))
    await emulator.wait_until(lambda: emulator.poll_pending, timeout=5)
    await chat.send_text("hola")
    updates = await asyncio.wait_for(poll, timeout=10)
    assert [u.message.text for u in updates] == ["hola"]
    assert time.monotonic() - started < 10


async def test_long_poll_with_nothing_to_deliver_waits_for_its_timeout(bot: Bot) -> None:
    started = time.monotonic()
    updates = await bot.get_updates(timeout=1, read_timeout=10)
    elapsed = time.monotonic() - started
    assert updates == ()
    assert 0.9 <= elapsed < 5


async def test_stopping_releases_a_pending_long_poll(emulator: BotApiEmulator, bot: Bot):
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await emulator.wait_until(lambda: emulator.poll_pending, timeout=5)
    started = time.monotonic()
    await emulator.stop()
    assert await asyncio.wait_for(poll, timeout=5) == ()
    assert time.monotonic() - started < 2


async def test_a_second_poller_ends_the_first_with_a_conflict(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await emulator.wait_until(lambda: emulator.poll_pending, timeout=5)
    async with Bot(TOKEN, base_url=emulator.base_url) as second_instance:
        await second_instance.get_updates(timeout=0)
    with pytest.raises(Conflict, match="only one bot instance"):
        await asyncio.wait_for(first, timeout=5)


async def test_allowed_updates_drops_other_kinds(emulator: BotApiEmulator, bot: Bot) -> None:
    chat = emulator.private_chat(1001, "Ana")
    await chat.send_text("texto")
    emulator.push_update({"message_reaction": {"chat": {"id": 1001, "type": "private"}}})
    await chat.forge_callback_query("x:1")
    updates = await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates] == ["x:1"]


async def test_odd_and_forged_updates_reach_the_bot_as_telegram_objects(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    chat = emulator.private_chat(1001, "Ana")
    sticker = {
        "file_id": "sticker-1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    await chat.send_message(sticker=sticker)
    live = await chat.send_location(31.69, -106.42, live_period=900)
    await chat.edit_location(live, 31.70, -106.43)
    await chat.forge_callback_query("ref:accept:99999")
    emulator.push_update({"update_kind_from_the_future": {"x": 1}})

    sticker_update, live_update, moved, forged, odd = await bot.get_updates(timeout=0)
    assert sticker_update.message.text is None
    assert sticker_update.message.sticker.width == 512
    assert live_update.message.location.latitude == pytest.approx(31.69)
    assert live_update.to_dict()["message"]["location"]["live_period"] == 900
    assert moved.message is None
    assert moved.edited_message.location.latitude == pytest.approx(31.70)
    assert moved.edited_message.message_id == live.message_id
    assert forged.callback_query.data == "ref:accept:99999"
    assert forged.callback_query.message is None  # nothing from the bot to attach it to
    assert odd.api_kwargs == {"update_kind_from_the_future": {"x": 1}}


# -- errors and retries -------------------------------------------------------------------


# AIORateLimiter itself reads RetryAfter.retry_after, which warns in PTB 22 (see PITFALLS).
@pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")
async def test_injected_429_is_retried_by_the_rate_limiter(emulator: BotApiEmulator) -> None:
    chat = emulator.private_chat(1001, "Ana")
    fault = emulator.inject_failure("sendMessage", 429, retry_after=1, times=1)
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emulator.base_url)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .build()
    )
    async with app:
        message = await app.bot.send_message(chat.chat_id, "Hola")
    assert fault.hits == 1
    assert message.text == "Hola"
    assert [m.text for m in chat.visible_messages()] == ["Hola"]
    statuses = [c.status for c in emulator.calls("sendMessage")]
    assert statuses == [429, 200]


@pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")
async def test_without_retries_a_429_reaches_the_bot(emulator: BotApiEmulator, bot: Bot):
    chat = emulator.private_chat(1001, "Ana")
    emulator.inject_failure("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter, match=r"Retry in (3|0:00:03)"):
        await bot.send_message(chat.chat_id, "Hola")
    assert chat.visible_messages() == []


async def test_injected_server_error_is_a_network_error_once(emulator: BotApiEmulator, bot: Bot):
    chat = emulator.private_chat(1001, "Ana")
    fault = emulator.inject_failure("sendMessage", 502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(chat.chat_id, "uno")
    await bot.send_message(chat.chat_id, "dos")
    assert fault.remaining == 0
    assert [m.text for m in chat.visible_messages()] == ["dos"]


async def test_unknown_chat_and_blocked_user_fail_like_telegram(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hola")
    chat = emulator.private_chat(1001, "Ana")
    chat.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(chat.chat_id, "hola")


# -- messages -----------------------------------------------------------------------------


async def test_bot_deletes_recent_messages_but_not_after_48_hours(
    emulator: BotApiEmulator, bot: Bot, clock: Clock
) -> None:
    chat = emulator.private_chat(1001, "Ana")
    old = await bot.send_message(chat.chat_id, "de hace días")
    clock.now += timedelta(hours=48, seconds=1)
    users = await chat.send_text("hola")
    recent = await bot.send_message(chat.chat_id, "reciente")

    assert await bot.delete_message(chat.chat_id, recent.message_id)
    assert await bot.delete_message(chat.chat_id, users.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(chat.chat_id, recent.message_id)
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(chat.chat_id, old.message_id)
    assert [m.text for m in chat.visible_messages()] == ["de hace días"]


async def test_delete_messages_skips_what_it_cannot_delete(emulator: BotApiEmulator, bot: Bot):
    chat = emulator.private_chat(1001, "Ana")
    sent = [await bot.send_message(chat.chat_id, f"m{n}") for n in range(3)]
    ids = [sent[0].message_id, sent[2].message_id, 999]
    assert await bot.delete_messages(chat.chat_id, ids)
    assert [m.text for m in chat.visible_messages()] == ["m1"]


async def test_message_ids_increase_per_chat(emulator: BotApiEmulator, bot: Bot) -> None:
    ana = emulator.private_chat(1001, "Ana")
    luis = emulator.private_chat(1002, "Luis")
    a1 = await bot.send_message(ana.chat_id, "a")
    await ana.send_text("b")
    a3 = await bot.send_message(ana.chat_id, "c")
    l1 = await bot.send_message(luis.chat_id, "d")
    assert (a1.message_id, a3.message_id, l1.message_id) == (1, 3, 1)
    assert a1.from_user.id == bot.id
    assert a1.chat.id == ana.chat_id


async def test_uploaded_document_is_kept_and_downloadable(emulator: BotApiEmulator, bot: Bot):
    chat = emulator.private_chat(1001, "Ana")
    content = b"Directorio de apoyo (ficticio)\n" * 100
    message = await bot.send_document(
        chat.chat_id,
        document=content,
        filename="directorio.txt",
        caption="<b>Guía</b>",
        parse_mode="HTML",
    )
    assert message.document.file_name == "directorio.txt"
    assert message.document.file_size == len(content)
    assert message.caption == "Guía"
    assert message.caption_entities[0].type == "bold"
    [shown] = chat.visible_messages()
    assert shown.document is not None
    assert emulator.store.files[shown.document["file_id"]].data == content

    telegram_file = await bot.get_file(message.document.file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == content

    again = await bot.send_document(chat.chat_id, document=message.document.file_id)
    assert again.document.file_id == message.document.file_id


async def test_photo_reports_its_size(emulator: BotApiEmulator, bot: Bot) -> None:
    chat = emulator.private_chat(1001, "Ana")
    message = await bot.send_photo(chat.chat_id, photo=tiny_png(12, 7), caption="Mapa")
    assert (message.photo[-1].width, message.photo[-1].height) == (12, 7)
    assert message.caption == "Mapa"


async def test_venue_and_location_are_valid_telegram_objects(emulator: BotApiEmulator, bot: Bot):
    chat = emulator.private_chat(1001, "Ana")
    venue = await bot.send_venue(
        chat.chat_id,
        latitude=31.69,
        longitude=-106.42,
        title="Centro Comunitario",
        address="Calle Ficticia 1, Juárez",
    )
    assert venue.venue.title == "Centro Comunitario"
    assert venue.location.latitude == pytest.approx(31.69)
    location = await bot.send_location(chat.chat_id, latitude=31.7, longitude=-106.4)
    assert location.location.longitude == pytest.approx(-106.4)
    with pytest.raises(BadRequest, match="Wrong latitude/longitude"):
        await bot.send_location(chat.chat_id, latitude=95, longitude=0)


async def test_editing_without_changes_is_refused_like_telegram(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    chat = emulator.private_chat(1001, "Ana")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Sí", callback_data="yes")]])
    sent = await bot.send_message(chat.chat_id, "¿Seguimos?", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "¿Seguimos?", chat.chat_id, sent.message_id, reply_markup=keyboard
        )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat.chat_id, 999)
    user_message = await chat.send_text("hola")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", chat.chat_id, user_message.message_id)


async def test_editing_text_without_markup_drops_the_keyboard(emulator: BotApiEmulator, bot: Bot):
    chat = emulator.private_chat(1001, "Ana")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Sí", callback_data="yes")]])
    sent = await bot.send_message(chat.chat_id, "¿Seguimos?", reply_markup=keyboard)
    edited = await bot.edit_message_text("Listo", chat.chat_id, sent.message_id)
    assert edited.edit_date is not None
    assert edited.reply_markup is None
    [shown] = chat.visible_messages()
    assert (shown.text, shown.buttons, shown.edited) == ("Listo", [], True)

    await bot.edit_message_reply_markup(chat.chat_id, sent.message_id, reply_markup=keyboard)
    assert shown.callback_data == ["yes"]


async def test_callback_data_over_64_bytes_is_rejected(emulator: BotApiEmulator, bot: Bot):
    chat = emulator.private_chat(1001, "Ana")
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="ñ" * 33)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(chat.chat_id, "hola", reply_markup=too_long)


async def test_commands_are_kept_per_scope_and_language(emulator: BotApiEmulator, bot: Bot):
    spanish = [BotCommand("start", "Empezar"), BotCommand("salir", "Salida rápida")]
    english = [BotCommand("start", "Start"), BotCommand("salir", "Quick exit")]
    assert await bot.set_my_commands(spanish, language_code="es")
    assert await bot.set_my_commands(
        english, scope=BotCommandScopeAllPrivateChats(), language_code="en"
    )
    assert await bot.get_my_commands(language_code="es") == tuple(spanish)
    assert await bot.get_my_commands(
        scope=BotCommandScopeAllPrivateChats(), language_code="en"
    ) == tuple(english)
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Ayuda", "Mayúsculas no")])


async def test_unanswerable_callback_queries_fail_like_telegram(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    chat = emulator.private_chat(1001, "Ana")
    query_id = await chat.forge_callback_query("anything")
    assert await bot.answer_callback_query(query_id, text="Hecho")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    assert [a.text for a in chat.callback_answers] == ["Hecho"]


# -- a polling Application, end to end ----------------------------------------------------


async def show_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer text with a button, and ask for the location."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(
        "¿Buscamos ayuda?",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Sí", callback_data="menu:yes")]]),
    )


async def ask_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button press and offer the location button."""
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    await query.answer("Va")
    await query.edit_message_text("Buscamos ayuda")
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Compartir ubicación", request_location=True)]], one_time_keyboard=True
    )
    await context.bot.send_message(query.message.chat.id, "¿Dónde estás?", reply_markup=keyboard)


async def thank_for_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell where the location is (new or moved live location)."""
    message = update.effective_message
    assert message is not None
    assert message.location is not None
    kind = "movida" if update.edited_message else "recibida"
    await context.bot.send_message(
        message.chat.id,
        f"Ubicación {kind}: {message.location.latitude:.2f}",
        reply_markup=ReplyKeyboardRemove(),
    )


async def test_a_polling_application_talks_with_a_user(emulator: BotApiEmulator) -> None:
    app = ApplicationBuilder().token(TOKEN).base_url(emulator.base_url).build()
    app.add_handler(MessageHandler(filters.LOCATION, thank_for_location))
    app.add_handler(MessageHandler(filters.TEXT, show_menu))
    app.add_handler(CallbackQueryHandler(ask_location))
    chat = emulator.private_chat(1001, "Ana", language_code="es")
    async with polling(app):
        await chat.send_text("hola")
        [menu] = await chat.wait_for_bot_messages(count=1)
        assert menu.callback_data == ["menu:yes"]

        query_id = await chat.press("menu:yes")
        assert (await chat.wait_for_callback_answer(query_id)).text == "Va"
        [question] = await chat.wait_for_bot_messages(count=1)
        assert question.text == "¿Dónde estás?"
        assert (menu.text, menu.buttons) == ("Buscamos ayuda", [])
        assert chat.reply_keyboard == [[{"text": "Compartir ubicación", "request_location": True}]]

        with pytest.raises(ValueError, match="latitude and longitude"):
            await chat.tap_reply_button("Compartir ubicación")
        shared = await chat.tap_reply_button(
            "Compartir ubicación", latitude=31.69, longitude=-106.4
        )
        [thanks] = await chat.wait_for_bot_messages(count=1)
        assert thanks.text == "Ubicación recibida: 31.69"
        assert chat.state.reply_keyboard is None, "one_time_keyboard hides after use"

        await chat.edit_location(shared, 31.75, -106.45)
        [moved] = await chat.wait_for_bot_messages(count=1)
        assert moved.text == "Ubicación movida: 31.75"
    sides = [(m.from_bot, m.text) for m in chat.visible_messages()]
    assert sides[:3] == [(False, "hola"), (True, "Buscamos ayuda"), (True, "¿Dónde estás?")]


async def test_application_and_emulator_stop_promptly(emulator: BotApiEmulator) -> None:
    app = ApplicationBuilder().token(TOKEN).base_url(emulator.base_url).build()
    async with polling(app, poll_timeout=30):
        await emulator.wait_until(lambda: emulator.poll_pending, timeout=5)
        started = time.monotonic()
    await emulator.stop()
    assert time.monotonic() - started < 3
