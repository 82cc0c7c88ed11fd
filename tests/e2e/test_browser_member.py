"""A person tries Juntos in the sandbox page, in a real (headless, system) Chromium, with the
real bot and the real Rasa model behind it — what `make run` shows.

Screenshots go to test-output/ (`sandbox-member.png` is the one docs/sandbox.png is taken
from). Needs the Debian package `chromium` (`make browser-deps`) and the trained NLU model.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from sandbox import PRESET_PLACES
from tests.bot_harness import BotUnderTest
from tests.e2e.conftest import OUTPUT

pytestmark = [pytest.mark.browser, pytest.mark.rasa]

WAIT_MS = 15_000
JUAREZ = next(p for p in PRESET_PLACES if p.municipality == "Juárez")


def last_bot_message(chat: Locator) -> Locator:
    return chat.locator(".message.from-bot").last


async def send(chat: Locator, name: str, text: str) -> None:
    await chat.get_by_label(f"Mensaje de {name}").fill(text)
    await chat.get_by_role("button", name="Enviar", exact=True).click()


async def test_ana_finds_help_and_sees_the_crisis_lines_in_the_browser(
    bot_with_rasa: BotUnderTest, browser: Browser
) -> None:
    OUTPUT.mkdir(exist_ok=True)
    sandbox = bot_with_rasa.emulator
    requests: list[str] = []
    page: Page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="es-MX")
    page.on("request", lambda request: requests.append(request.url))
    await page.goto(sandbox.page_url)
    await expect(page.locator("body[data-ready='true']")).to_have_count(1, timeout=WAIT_MS)
    await expect(page.locator("#bot-status")).to_have_text(
        re.compile("conectado$"), timeout=WAIT_MS
    )
    ana = page.locator("#chat-1001")

    # "hola" goes through Rasa: a greeting and the menu.
    await send(ana, "Ana", "hola")
    await expect(ana.get_by_text("¡Hola! Soy Juntos, un bot")).to_be_visible(timeout=WAIT_MS)

    # Two taps: find help near me, then the kind of help.
    await ana.get_by_role("button", name="Buscar ayuda cerca").last.click()
    await expect(ana.get_by_text("¿Qué tipo de ayuda buscas?")).to_be_visible(timeout=WAIT_MS)
    await ana.get_by_role("button", name="Apoyo psicológico").click()
    location_button = ana.get_by_role("button", name="📍 Compartir mi ubicación")
    await expect(location_button).to_be_visible(timeout=WAIT_MS)

    # Share the preset point in Juárez through the bot's location button.
    await location_button.click()
    await expect(ana.get_by_label("Lugar de ejemplo")).to_have_value(
        str(PRESET_PLACES.index(JUAREZ))
    )
    await ana.get_by_role("button", name="Enviar este lugar").click()
    results = last_bot_message(ana)
    await expect(results).to_contain_text("Apoyo psicológico", timeout=WAIT_MS)
    text = await results.inner_text()
    names = re.findall(r"^\d\. (.+?) — ", text, flags=re.MULTILINE)
    assert len(names) >= 1 and all(name.endswith("(demo)") for name in names), text
    assert len(re.findall(r"[\d.,]+ km", text)) == len(names)
    await expect(location_button).to_be_hidden()

    # Luis, in Tijuana, says it in one sentence: Rasa finds the need and the place.
    luis = page.locator("#chat-1002")
    await send(luis, "Luis", "busco asesoria legal en tijuana")
    luis_results = last_bot_message(luis)
    await expect(luis_results).to_contain_text("Asesoría legal", timeout=WAIT_MS)
    await expect(luis_results).to_contain_text("Tijuana (demo)")
    await page.screenshot(path=str(OUTPUT / "sandbox-member.png"))

    # The map button shows the place as a venue, drawn locally (no map tiles).
    await results.get_by_role("button", name=re.compile("^Mapa")).first.click()
    venue = ana.locator(".venue").last
    await expect(venue).to_be_visible(timeout=WAIT_MS)
    await expect(venue).to_contain_text("(demo)")

    # Danger: the lines come first, as text a phone can dial.
    await send(ana, "Ana", "me quiero morir")
    crisis = last_bot_message(ana)
    await expect(crisis).to_contain_text("800 911 2000", timeout=WAIT_MS)
    await expect(crisis).to_contain_text("911 —")
    await expect(crisis.get_by_role("button", name="Quiero que me contacten")).to_be_visible()
    await page.screenshot(path=str(OUTPUT / "sandbox-member-crisis.png"))

    # On a phone-sized screen the same chat is readable on its own.
    await page.set_viewport_size({"width": 390, "height": 844})
    await ana.locator(".messages").evaluate("list => { list.scrollTop = list.scrollHeight; }")
    await expect(crisis).to_be_in_viewport()
    await page.screenshot(path=str(OUTPUT / "sandbox-member-phone.png"))
    await page.close()

    outside = [url for url in requests if not url.startswith(sandbox.origin)]
    assert outside == [], "the page must load nothing from outside the sandbox"
