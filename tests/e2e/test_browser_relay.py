"""The relay in the sandbox page, in a real (headless, system) Chromium: Ana asks to be
contacted, Tere's organisation accepts and writes, Ana answers — both chats on one screen,
neither seeing the other's account.

The screenshot `test-output/sandbox-relay.png` is the one docs/sandbox-relay.png is taken from.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from juntos.sandbox_invites import issue_persona_invites
from sandbox import PERSONAS
from sandbox.personas import with_invites
from tests.bot_harness import BotUnderTest
from tests.e2e.conftest import OUTPUT

pytestmark = pytest.mark.browser

WAIT_MS = 15_000


async def send(chat: Locator, name: str, text: str) -> None:
    await chat.get_by_label(f"Mensaje de {name}").fill(text)
    await chat.get_by_role("button", name="Enviar", exact=True).click()


async def bot_says(chat: Locator, expected: str) -> None:
    await expect(chat.locator(".message.from-bot").last).to_contain_text(expected, timeout=WAIT_MS)


async def test_ana_and_tere_write_through_the_bot_in_the_browser(
    bot: BotUnderTest, browser: Browser
) -> None:
    OUTPUT.mkdir(exist_ok=True)
    async with bot.database() as db:
        codes = await issue_persona_invites(db, bot.clock)
    bot.emulator.personas = with_invites(PERSONAS, codes)
    page: Page = await browser.new_page(viewport={"width": 1900, "height": 1000}, locale="es-MX")
    await page.goto(bot.emulator.page_url)
    await expect(page.locator("body[data-ready='true']")).to_have_count(1, timeout=WAIT_MS)
    await expect(page.locator("#bot-status")).to_have_text(
        re.compile("conectado$"), timeout=WAIT_MS
    )
    ana, tere = page.locator("#chat-1001"), page.locator("#chat-2002")

    await tere.get_by_role("button", name="Abrir la invitación").click()
    await bot_says(tere, "como personal")

    await ana.get_by_role("button", name="Iniciar", exact=True).click()
    await ana.get_by_role("button", name="Buscar ayuda cerca").last.click()
    await ana.get_by_role("button", name="Refugio").click()
    await ana.get_by_role("button", name="📍 Compartir mi ubicación").click()
    await ana.get_by_role("button", name="Enviar este lugar").click()
    await bot_says(ana, "lugar confidencial")
    await ana.get_by_role("button", name="Que me contacten: A").click()
    await ana.get_by_role("button", name="Sí, acepto").click()
    await bot_says(ana, "CASO-0001")

    await bot_says(tere, "Nueva referencia CASO-0001")
    await tere.get_by_role("button", name="Aceptar").last.click()
    await bot_says(ana, "aceptó tu solicitud CASO-0001")
    await tere.get_by_role("button", name="Ver caso").last.click()
    await tere.get_by_role("button", name="Escribir a la persona").last.click()
    await bot_says(tere, "Escriba el mensaje para la persona de CASO-0001")
    await expect(tere.locator(".reply-bar")).to_be_visible()
    await send(tere, "Tere", "Hola, te escribimos del colectivo. ¿Cuándo te podemos llamar?")
    await bot_says(tere, "✓ Enviado a la persona de CASO-0001.")

    await bot_says(ana, "¿Cuándo te podemos llamar?")
    await ana.get_by_role("button", name=re.compile("^Responder a Colectivo")).last.click()
    await bot_says(ana, "Escribe tu respuesta")
    await send(ana, "Ana", "Sí, gracias. Mejor por la tarde.")
    await bot_says(ana, "Se lo envié a Colectivo")
    await bot_says(tere, "Sí, gracias. Mejor por la tarde.")
    await page.screenshot(path=str(OUTPUT / "sandbox-relay.png"))
