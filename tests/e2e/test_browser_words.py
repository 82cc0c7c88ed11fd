"""The words a member reads, on a phone-sized screen of the sandbox page, in a real (headless,
system) Chromium with the real bot: the welcome, the crisis reply for suicide and for violence
(each whole on one screen, before its buttons) and a request to be contacted.

Screenshots go to test-output/ (`words-welcome.png`, `words-crisis-suicide.png`,
`words-crisis-violence.png`, `words-contact.png`); docs/ keeps copies for the README.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Locator, Page, ViewportSize, expect

from tests.bot_harness import BotUnderTest
from tests.e2e.conftest import OUTPUT

pytestmark = pytest.mark.browser

WAIT_MS = 15_000
PHONE = ViewportSize(width=390, height=844)


async def send(chat: Locator, name: str, text: str) -> None:
    await chat.get_by_label(f"Mensaje de {name}").fill(text)
    await chat.get_by_role("button", name="Enviar", exact=True).click()


def last_bot_message(chat: Locator) -> Locator:
    return chat.locator(".message.from-bot").last


async def whole_on_screen(chat: Locator, message: Locator) -> None:
    """The message and its buttons fit the phone's screen at once (no scrolling to read it)."""
    await chat.locator(".messages").evaluate("list => { list.scrollTop = list.scrollHeight; }")
    await expect(message).to_be_in_viewport(ratio=1)


async def test_the_words_a_member_reads_on_a_phone(bot: BotUnderTest, browser: Browser) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page: Page = await browser.new_page(viewport=PHONE, locale="es-MX")
    await page.goto(bot.emulator.page_url)
    await expect(page.locator("body[data-ready='true']")).to_have_count(1, timeout=WAIT_MS)
    await expect(page.locator("#bot-status")).to_have_text(
        re.compile("conectado$"), timeout=WAIT_MS
    )
    ana = page.locator("#chat-1001")

    # The welcome says it is a bot, what /salir does, and how to delete the chat in Telegram.
    await ana.get_by_role("button", name="Iniciar", exact=True).click()
    welcome = ana.locator(".message.from-bot").first
    await expect(welcome).to_contain_text("un bot (no una persona)", timeout=WAIT_MS)
    await expect(welcome).to_contain_text("/salir borra los mensajes de las últimas 48 horas")
    await expect(welcome).to_contain_text("«Eliminar chat»")
    await expect(
        last_bot_message(ana).get_by_role("button", name="Estoy en peligro")
    ).to_be_visible()
    await page.screenshot(path=str(OUTPUT / "words-welcome.png"))

    # Suicide: validate, Línea de la Vida first, one safety step, "soy un bot, pero sigo aquí".
    await send(ana, "Ana", "ya no quiero vivir, me quiero matar")
    crisis = last_bot_message(ana)
    await expect(crisis).to_contain_text(
        "Gracias por decírmelo. No estás sola ni solo.", timeout=WAIT_MS
    )
    text = await crisis.locator(".body").inner_text()
    assert text.index("800 911 2000 — Línea de la Vida") < text.index("\n911 — Emergencias")
    assert "Soy un bot, pero sigo aquí." in text
    await expect(crisis.get_by_role("button", name="Quiero que me contacten")).to_be_visible()
    await whole_on_screen(ana, crisis)
    await page.screenshot(path=str(OUTPUT / "words-crisis-suicide.png"))

    # Asking to be contacted: who writes, how, roughly when, the limit for minors; a clave.
    await crisis.get_by_role("button", name="Quiero que me contacten").click()
    await ana.get_by_role("button", name="Apoyo psicológico").click()
    await ana.get_by_role("button", name="📍 Compartir mi ubicación").click()
    await ana.get_by_role("button", name="Enviar este lugar").click()
    consent = last_bot_message(ana)
    await expect(consent).to_contain_text(
        "te escribirá aquí, con un mensaje a través de Juntos", timeout=WAIT_MS
    )
    await expect(consent).to_contain_text("No es una llamada y no verán tu cuenta de Telegram")
    await expect(consent).to_contain_text("puede estar obligada a avisar a las autoridades")
    await whole_on_screen(ana, consent)
    await page.screenshot(path=str(OUTPUT / "words-contact.png"))
    await consent.get_by_role("button", name="Sí, acepto").click()
    done = last_bot_message(ana)
    await expect(done).to_contain_text("Tu clave es CASO-0001", timeout=WAIT_MS)
    await expect(done).to_contain_text("Te aviso aquí cuando te respondan.")

    # Violence happening now, in Luis's chat: 911 first, "no es tu culpa", /salir named.
    await page.get_by_role("tab", name=re.compile("^Luis")).click()
    luis = page.locator("#chat-1002")
    await send(luis, "Luis", "mi padrastro me está golpeando ahorita")
    violence = last_bot_message(luis)
    await expect(violence).to_contain_text("Lo que te pasa no es tu culpa.", timeout=WAIT_MS)
    text = await violence.locator(".body").inner_text()
    assert text.index("\n911 — Emergencias") < text.index("800 911 2000 — Línea de la Vida")
    assert "/salir borra estos mensajes" in text and "Soy un bot, pero sigo aquí." in text
    await whole_on_screen(luis, violence)
    await page.screenshot(path=str(OUTPUT / "words-crisis-violence.png"))
    await page.close()
