"""A staff trainer runs the referral story in the sandbox page, in a real (headless, system)
Chromium: two staff personas join through their invitations, one refers, the other accepts.

The screenshot `test-output/sandbox-staff.png` is the one docs/sandbox-staff.png is taken from.
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


async def answer(chat: Locator, expected: str, button: str | None = None) -> None:
    await expect(chat.locator(".message.from-bot").last).to_contain_text(expected, timeout=WAIT_MS)
    if button is not None:
        await chat.get_by_role("button", name=button).last.click()


async def test_two_staff_personas_refer_and_accept_in_the_browser(
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
    rosa, tere = page.locator("#chat-2001"), page.locator("#chat-2002")

    for chat in (rosa, tere):
        await expect(chat.get_by_text("enlace de invitación")).to_be_visible()
        await chat.get_by_role("button", name="Abrir la invitación").click()
        await answer(chat, "como personal")

    await send(rosa, "Rosa", "/referir")
    await answer(rosa, "alias")
    await send(rosa, "Rosa", "Lupita")
    await answer(rosa, "edad")
    await send(rosa, "Rosa", "16")
    await answer(rosa, "Género", "Mujer")
    await answer(rosa, "municipio", "Juárez")
    await answer(rosa, "tipo de ayuda", "Apoyo psicológico")
    await answer(rosa, "refiere")
    await rosa.get_by_role("button", name=re.compile("^Colectivo Vecinal")).last.click()
    await answer(rosa, "urgente", "No urgente")
    await answer(rosa, "consentimiento", "Sí, aceptó")
    await answer(rosa, "nota")
    await send(rosa, "Rosa", "Prefiere que la busquen por la tarde.")
    await answer(rosa, "Revise la referencia", "Confirmar")
    await answer(rosa, "Listo: CASO-0001 se envió")

    await answer(tere, "Nueva referencia CASO-0001", "Aceptar")
    await answer(tere, "Aceptó CASO-0001")
    await answer(rosa, "“aceptada”")
    await page.screenshot(path=str(OUTPUT / "sandbox-staff.png"))
