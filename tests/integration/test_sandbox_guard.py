"""Other web pages open on the same computer cannot use the sandbox; bots and its page can.

A page in another browser tab reaches 127.0.0.1 too: by a cross-site request (the browser
adds `Origin` and `Sec-Fetch-Site`) or by DNS rebinding (its own name, resolved to 127.0.0.1,
arrives as `Host`). Real HTTP against the emulator; python-telegram-bot as the bot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot

from sandbox import BotApiEmulator, masked_token, new_token

TOKEN = "424200:GUARD-TEST"
OLD_CONSTANT_TOKEN = "1000000001:sandbox-local-token-not-a-secret"

# Headers a browser sends for a request made by a page of another site; "{port}" is the
# emulator's port (a rebound name keeps it).
FOREIGN = {
    "other site's form": (
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        403,
    ),
    "other site, Origin only": ({"Origin": "http://evil.example"}, 403),
    "sandboxed frame (Origin null)": ({"Origin": "null"}, 403),
    "no-cors fetch (Sec-Fetch-Site only)": ({"Sec-Fetch-Site": "cross-site"}, 403),
    "another port on 127.0.0.1": (
        {"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"},
        403,
    ),
    "DNS rebinding": ({"Host": "rebound.example:{port}"}, 421),
    "DNS rebinding, other port": ({"Host": "rebound.example"}, 421),
}


def foreign_headers(case: str, port: int | None) -> tuple[dict[str, str], int]:
    headers, status = FOREIGN[case]
    return {key: value.format(port=port) for key, value in headers.items()}, status


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, port=0) as emu:
        yield emu


@pytest.fixture
async def http(emulator: BotApiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=emulator.origin, trust_env=False, timeout=10) as client:
        yield client


@pytest.mark.parametrize("case", FOREIGN)
async def test_another_site_cannot_read_or_confirm_the_bots_updates(
    emulator: BotApiEmulator, http: httpx.AsyncClient, case: str
) -> None:
    chat = emulator.private_chat(1001, "Ana")
    await chat.send_text("me siento sola")
    pending = emulator.pending_updates
    assert len(pending) == 1
    headers, status = foreign_headers(case, emulator.port)

    # An offset past the update would confirm (drop) it, were the request served.
    offset = pending[0]["update_id"] + 1
    response = await http.get(
        f"/bot{TOKEN}/getUpdates", params={"offset": offset, "timeout": 0}, headers=headers
    )

    assert response.status_code == status
    assert response.json()["ok"] is False
    assert "me siento sola" not in response.text
    assert emulator.pending_updates == pending
    assert emulator.calls() == []


@pytest.mark.parametrize("case", FOREIGN)
async def test_another_site_cannot_send_a_message_as_the_bot(
    emulator: BotApiEmulator, http: httpx.AsyncClient, case: str
) -> None:
    chat = emulator.private_chat(1001, "Ana")
    headers, status = foreign_headers(case, emulator.port)

    # What an HTML form on another site posts (no CORS needed for this content type).
    response = await http.post(
        f"/bot{TOKEN}/sendMessage",
        data={"chat_id": "1001", "text": "Haz clic aquí"},
        headers=headers,
    )

    assert response.status_code == status
    assert chat.visible_messages() == []
    assert emulator.calls() == []


async def test_another_site_cannot_download_the_chats_files(
    emulator: BotApiEmulator, http: httpx.AsyncClient
) -> None:
    emulator.private_chat(1001, "Ana")
    async with Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url) as bot:
        sent = await bot.send_document(1001, document=b"datos privados", filename="nota.txt")
        file = await bot.get_file(sent.document.file_id if sent.document else "")
    url = file.file_path  # PTB makes it the whole download URL
    assert url is not None and url.startswith(f"{emulator.base_file_url}{TOKEN}/")
    assert (await http.get(url)).content == b"datos privados"

    for case in FOREIGN:
        headers, status = foreign_headers(case, emulator.port)
        response = await http.get(url, headers=headers)
        assert response.status_code == status, case
        assert b"datos privados" not in response.content


async def test_a_cors_preflight_from_another_site_is_refused(
    emulator: BotApiEmulator, http: httpx.AsyncClient
) -> None:
    emulator.private_chat(1001, "Ana")
    response = await http.options(
        f"/bot{TOKEN}/sendMessage",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    assert emulator.calls() == []


async def test_the_bot_still_works_after_refused_requests(
    emulator: BotApiEmulator, http: httpx.AsyncClient
) -> None:
    chat = emulator.private_chat(1001, "Ana")
    await http.post(
        f"/bot{TOKEN}/sendMessage",
        data={"chat_id": "1001", "text": "falso"},
        headers={"Origin": "https://evil.example"},
    )
    await chat.send_text("hola")
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        [update] = await bot.get_updates(timeout=0)
        assert update.message is not None and update.message.text == "hola"
        await bot.send_message(1001, "¡Hola, Ana!")
    assert [m.text for m in chat.visible_messages()] == ["hola", "¡Hola, Ana!"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-Fetch-Site": "none"},  # typed in the address bar
        {"Sec-Fetch-Site": "same-origin"},
    ],
    ids=["a bot (no browser headers)", "address bar", "same origin"],
)
async def test_bots_and_the_sandboxs_own_origin_are_served(
    emulator: BotApiEmulator, http: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    emulator.private_chat(1001, "Ana")
    own = {"Origin": emulator.origin} if headers.get("Sec-Fetch-Site") == "same-origin" else {}
    response = await http.post(
        f"/bot{TOKEN}/sendMessage", data={"chat_id": "1001", "text": "hola"}, headers=headers | own
    )
    assert response.status_code == 200
    assert response.json()["result"]["text"] == "hola"


@pytest.mark.parametrize("case", FOREIGN)
async def test_the_page_api_refuses_other_sites_even_to_read(
    emulator: BotApiEmulator, http: httpx.AsyncClient, case: str
) -> None:
    chat = emulator.private_chat(1001, "Ana")
    await chat.send_text("algo privado")
    headers, status = foreign_headers(case, emulator.port)

    response = await http.get("/sandbox/api/chats/1001", headers=headers)

    assert response.status_code == status
    assert "algo privado" not in response.text


async def test_the_page_opens_from_a_link_on_another_site_and_reads_its_own_api(
    emulator: BotApiEmulator, http: httpx.AsyncClient
) -> None:
    navigation = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    page = await http.get("/", headers=navigation)
    assert page.status_code == 200 and "<html" in page.text

    own = {"Sec-Fetch-Site": "same-origin", "Origin": emulator.origin}
    assert (await http.get("/sandbox/api/setup", headers=own)).status_code == 200
    sent = await http.post("/sandbox/api/chats/1001/text", json={"text": "hola"}, headers=own)
    assert sent.status_code == 200


async def test_every_emulator_gets_its_own_random_token() -> None:
    async with BotApiEmulator(port=0) as first, BotApiEmulator(port=0) as second:
        assert first.token != second.token
        for emulator in (first, second):
            bot_id, secret = emulator.token.split(":")
            assert bot_id.isdigit() and len(secret) >= 32
            async with httpx.AsyncClient(base_url=emulator.origin, trust_env=False) as http:
                assert (await http.get(f"/bot{emulator.token}/getMe")).status_code == 200
                old = await http.get(f"/bot{OLD_CONSTANT_TOKEN}/getMe")
                assert old.status_code == 401
                other = first if emulator is second else second
                assert (await http.get(f"/bot{other.token}/getMe")).status_code == 401


def test_a_masked_token_shows_the_bot_id_and_hides_the_secret() -> None:
    token = new_token()
    bot_id, secret = token.split(":")
    shown = masked_token(token)
    assert shown.startswith(f"{bot_id}:")
    assert secret not in shown
    assert len(shown) < len(bot_id) + 8
    assert masked_token("42:CLI") == "42:…"  # a short secret is not shown at all
