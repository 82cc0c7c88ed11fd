"""A person uses the sandbox page in a real (headless, system) Chromium with a tiny PTB bot.

Needs the Debian package `chromium` (`make browser-deps`, run by `make test`); Playwright drives
it through `executable_path` and never downloads a browser.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox import BotApiEmulator
from sandbox.personas import PRESET_PLACES
from sandbox.ptb import polling
from tests.e2e.conftest import OUTPUT

pytestmark = pytest.mark.browser

TOKEN = "424242:BROWSER-TEST"
WAIT_MS = 10_000


# -- the tiny bot -------------------------------------------------------------------------


async def greet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet and offer one button."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "¡Hola! ¿Qué necesitas?",
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Buscar ayuda cerca", callback_data="help:near")]]
        ),
    )


async def ask_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledge the button and ask for a location with a reply keyboard."""
    query = update.callback_query
    assert query is not None
    await query.answer("Buscando…")
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Compartir mi ubicación", request_location=True)]],
        one_time_keyboard=True,
        resize_keyboard=True,
        input_field_placeholder="Toca el botón de abajo",
    )
    await context.bot.send_message(
        update.effective_chat.id if update.effective_chat else 0,
        "Comparte tu ubicación para buscar cerca de ti.",
        reply_markup=keyboard,
    )


async def show_nearby(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a location with a venue next to it and a small document."""
    message = update.effective_message
    assert message is not None
    assert message.location is not None
    await context.bot.send_chat_action(message.chat.id, ChatAction.TYPING)
    await message.reply_text("Esto es lo más cercano:", reply_markup=ReplyKeyboardRemove())
    await message.reply_venue(
        latitude=message.location.latitude + 0.01,
        longitude=message.location.longitude + 0.01,
        title="Centro Comunitario de Prueba",
        address="Calle Ficticia 123",
    )
    await message.reply_document(b"Directorio de prueba\n", filename="directorio.txt")


async def quick_exit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete everything in the chat, then leave one neutral line."""
    message = update.effective_message
    assert message is not None
    await context.bot.delete_messages(message.chat.id, list(range(1, message.message_id + 1)))
    await context.bot.send_message(message.chat.id, "Listo.")


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the Spanish command menu at start-up."""
    await application.bot.set_my_commands(
        [BotCommand("start", "Empezar"), BotCommand("salir", "Salida rápida")], language_code="es"
    )


def build_bot(emulator: BotApiEmulator) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emulator.base_url)
        .post_init(register_commands)
        .build()
    )
    app.add_handler(CommandHandler("salir", quick_exit))
    app.add_handler(MessageHandler(filters.LOCATION, show_nearby))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, greet))
    app.add_handler(CallbackQueryHandler(ask_location, pattern="^help:near$"))
    return app


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, port=0) as emu:
        yield emu


async def open_page(browser: Browser, emulator: BotApiEmulator, requests: list[str]) -> Page:
    page = await browser.new_page(viewport={"width": 1280, "height": 860}, locale="es-MX")
    page.on("request", lambda request: requests.append(request.url))
    await page.goto(emulator.page_url)
    await expect(page.locator("body[data-ready='true']")).to_have_count(1, timeout=WAIT_MS)
    return page


# -- the test -----------------------------------------------------------------------------


async def test_a_person_talks_to_a_bot_in_the_sandbox_page(
    emulator: BotApiEmulator, browser: Browser
) -> None:
    OUTPUT.mkdir(exist_ok=True)
    requests: list[str] = []
    juarez = next(p for p in PRESET_PLACES if p.municipality == "Juárez")
    async with polling(build_bot(emulator)):
        page = await open_page(browser, emulator, requests)
        ana = page.locator("#chat-1001")
        luis = page.locator("#chat-1002")
        await expect(ana.get_by_role("heading", name="Ana, 16, Juárez")).to_be_visible()
        await expect(luis.get_by_role("heading", name="Luis, 22, Tijuana")).to_be_visible()
        await expect(page.locator("#bot-status")).to_have_text(
            re.compile("conectado$"), timeout=WAIT_MS
        )

        # Ana writes; the bot's reply and its inline button appear.
        await ana.get_by_label("Mensaje de Ana").fill("hola")
        await ana.get_by_role("button", name="Enviar").click()
        await expect(ana.get_by_text("¡Hola! ¿Qué necesitas?")).to_be_visible(timeout=WAIT_MS)

        # Pressing the inline button: a toast (the callback answer) and a location keyboard.
        await ana.get_by_role("button", name="Buscar ayuda cerca").click()
        await expect(ana.get_by_role("status").filter(has_text="Buscando…")).to_be_visible(
            timeout=WAIT_MS
        )
        location_button = ana.get_by_role("button", name="Compartir mi ubicación")
        await expect(location_button).to_be_visible(timeout=WAIT_MS)
        await expect(ana.get_by_label("Mensaje de Ana")).to_have_attribute(
            "placeholder", "Toca el botón de abajo"
        )

        # Sharing a preset point in Juárez through the reply keyboard's location button.
        await location_button.click()
        await expect(ana.get_by_label("Lugar de ejemplo")).to_have_value(
            str(PRESET_PLACES.index(juarez))
        )
        await ana.get_by_role("button", name="Enviar este lugar").click()
        venue = ana.locator(".venue").filter(has_text="Centro Comunitario de Prueba")
        await expect(venue).to_be_visible(timeout=WAIT_MS)
        await expect(venue).to_contain_text("Calle Ficticia 123")
        await expect(venue.get_by_role("img")).to_have_attribute(
            "aria-label", re.compile(r"tu ubicación a 1[,.]\d km")
        )
        await expect(ana.get_by_role("link", name="Documento directorio.txt")).to_be_visible()
        await expect(location_button).to_be_hidden()  # ReplyKeyboardRemove
        shared = [m.location for m in emulator.private_chat(1001).visible_messages() if m.location]
        assert shared[0] == {"latitude": juarez.latitude, "longitude": juarez.longitude}
        await expect(luis.get_by_role("button", name="Iniciar", exact=True)).to_be_visible()
        await page.screenshot(path=str(OUTPUT / "sandbox.png"), full_page=True)

        # Quick exit from the command menu: the bot deletes the chat's messages.
        await ana.get_by_role("button", name="Comandos del bot").click()
        await ana.get_by_role("button", name="/salir Salida rápida").click()
        await expect(ana.get_by_text("Listo.")).to_be_visible(timeout=WAIT_MS)
        await expect(ana.get_by_text("¡Hola! ¿Qué necesitas?")).to_have_count(0)
        await expect(ana.locator(".message")).to_have_count(1)
        await page.screenshot(path=str(OUTPUT / "sandbox-after-exit.png"), full_page=True)

        # On a phone-sized screen the chats become tabs.
        await page.set_viewport_size({"width": 390, "height": 844})
        await expect(ana).to_be_visible()
        await expect(luis).to_be_hidden()
        await page.get_by_role("tab", name="Luis, 22, Tijuana").click()
        await expect(luis).to_be_visible()
        await expect(ana).to_be_hidden()
        await page.screenshot(path=str(OUTPUT / "sandbox-phone.png"))
        await page.close()

    outside = [url for url in requests if not url.startswith(emulator.origin)]
    assert outside == [], "the page must load nothing from outside the sandbox"
