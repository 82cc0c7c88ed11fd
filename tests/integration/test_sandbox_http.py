"""The emulator's HTTP surface: Telegram's parameter encodings and error shapes, byte for byte."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox import BotApiEmulator

TOKEN = "654321:HTTP-TEST"
KEYBOARD = {"inline_keyboard": [[{"text": "Sí", "callback_data": "yes"}]]}


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, port=0) as emu:
        emu.private_chat(1001, "Ana")
        yield emu


@pytest.fixture
async def client(emulator: BotApiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=emulator.origin, trust_env=False) as http:
        yield http


def api(method: str, token: str = TOKEN) -> str:
    return f"/bot{token}/{method}"


async def test_unknown_method_is_404_in_telegrams_shape_and_logged_by_name_only(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sandbox"):
        response = await client.post(api("sendDice"), data={"chat_id": "1001", "emoji": "secreto"})
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    assert "senddice" in caplog.text.lower()
    assert "secreto" not in caplog.text
    assert "1001" not in caplog.text


async def test_wrong_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post(api("getMe", token="654321:WRONG"))
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


@pytest.mark.parametrize(
    ("fields", "description"),
    [
        ({"text": "hola"}, "Bad Request: chat_id is empty"),
        ({"chat_id": "1001"}, "Bad Request: message text is empty"),
        ({"chat_id": "1001", "text": "   "}, "Bad Request: message text is empty"),
        ({"chat_id": "777", "text": "hola"}, "Bad Request: chat not found"),
        ({"chat_id": "@ana", "text": "hola"}, "Bad Request: chat not found"),
        ({"chat_id": "1001", "text": "x" * 4097}, "Bad Request: message is too long"),
        (
            {"chat_id": "1001", "text": "hola", "reply_markup": "{no"},
            "Bad Request: can't parse reply_markup JSON object",
        ),
        (
            {"chat_id": "1001", "text": "hola", "parse_mode": "BBCode"},
            "Bad Request: unsupported parse_mode 'BBCode'",
        ),
        (
            {"chat_id": "1001", "text": "<div>hola</div>", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "div"',
        ),
    ],
)
async def test_bad_parameters_are_400_with_telegrams_description(
    client: httpx.AsyncClient, fields: dict[str, str], description: str
) -> None:
    response = await client.post(api("sendMessage"), data=fields)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": description}


async def test_json_form_and_query_encodings_send_the_same_message(
    emulator: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    by_json = await client.post(
        api("sendMessage"), json={"chat_id": 1001, "text": "hola", "reply_markup": KEYBOARD}
    )
    by_form = await client.post(
        api("sendMessage"),
        data={"chat_id": "1001", "text": "hola", "reply_markup": json.dumps(KEYBOARD)},
    )
    by_query = await client.get(
        api("sendMessage"),
        params={"chat_id": "1001", "text": "hola", "reply_markup": json.dumps(KEYBOARD)},
    )
    results = [r.json()["result"] for r in (by_json, by_form, by_query)]
    assert [r["message_id"] for r in results] == [1, 2, 3]
    for result in results:
        assert result["text"] == "hola"
        assert result["reply_markup"] == KEYBOARD
        assert result["from"]["is_bot"]
        assert result["chat"] == {
            "id": 1001,
            "type": "private",
            "first_name": "Ana",
        }
    assert [m.callback_data for m in emulator.private_chat(1001).visible_messages()] == [
        ["yes"]
    ] * 3


async def test_method_names_are_case_insensitive(client: httpx.AsyncClient) -> None:
    response = await client.post(api("GETME"))
    assert response.json()["result"]["username"] == "juntos_sandbox_bot"


async def test_multipart_upload_by_attach_reference(
    emulator: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        api("sendDocument"),
        data={"chat_id": "1001", "document": "attach://guide", "caption": "Guía"},
        files={"guide": ("guia.pdf", b"%PDF-1.4 fake", "application/pdf")},
    )
    document = response.json()["result"]["document"]
    assert (document["file_name"], document["mime_type"]) == ("guia.pdf", "application/pdf")
    assert emulator.store.files[document["file_id"]].data == b"%PDF-1.4 fake"


async def test_a_malformed_json_body_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.post(
        api("sendMessage"), content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: can't parse JSON body"


async def test_parse_modes_become_entities(client: httpx.AsyncClient) -> None:
    html = await client.post(
        api("sendMessage"),
        json={"chat_id": 1001, "text": "☎️ <b>911</b> &amp; <i>Línea</i>", "parse_mode": "HTML"},
    )
    result = html.json()["result"]
    assert result["text"] == "☎️ 911 & Línea"
    assert [(e["type"], e["offset"], e["length"]) for e in result["entities"]] == [
        ("bold", 3, 3),
        ("italic", 9, 5),
    ]
    markdown = await client.post(
        api("sendMessage"),
        json={"chat_id": 1001, "text": "Llama al *911*.", "parse_mode": "MarkdownV2"},
    )
    assert markdown.status_code == 400
    assert "Character '.' is reserved" in markdown.json()["description"]


async def test_commands_and_links_get_automatic_entities(
    emulator: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        api("sendMessage"), json={"chat_id": 1001, "text": "Usa /salir o https://example.org"}
    )
    entities = response.json()["result"]["entities"]
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bot_command", 4, 6),
        ("url", 13, 19),
    ]
    user = await emulator.private_chat(1001).send_text("/start@juntos_sandbox_bot hola")
    assert user.entities == [{"type": "bot_command", "offset": 0, "length": 25}]


async def test_webhook_methods_report_polling_mode(
    emulator: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    await emulator.private_chat(1001).send_text("pendiente")
    info = (await client.post(api("getWebhookInfo"))).json()["result"]
    assert info == {"url": "", "has_custom_certificate": False, "pending_update_count": 1}
    dropped = await client.post(api("deleteWebhook"), data={"drop_pending_updates": "true"})
    assert dropped.json() == {"ok": True, "result": True}
    assert emulator.pending_updates == []


async def test_calls_are_recorded_with_decoded_parameters(
    emulator: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    await client.post(
        api("sendMessage"),
        data={"chat_id": "1001", "text": "hola", "reply_markup": json.dumps(KEYBOARD)},
    )
    [call] = emulator.calls("sendmessage")
    assert call.status == 200
    assert call.params["reply_markup"] == KEYBOARD
