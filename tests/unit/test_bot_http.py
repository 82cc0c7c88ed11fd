"""The Bot API client (bot/http.py): parameters and files as Telegram reads them, and a slow or
unreachable server reported the way PTB expects (the send lane retries those)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.http import AiohttpRequest
from nlu.process import free_port


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, object]]]]:
    seen: list[dict[str, object]] = []

    async def answer(request: web.Request) -> web.Response:
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            fields: dict[str, object] = {}
            for name, value in form.items():
                fields[name] = value.file.read() if isinstance(value, web.FileField) else value
            seen.append(fields)
        else:
            seen.append(dict(await request.post()))
        if request.match_info["method"] == "slow":
            await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/botTOKEN", seen
    finally:
        await runner.cleanup()


async def test_parameters_and_files_reach_the_bot_api(
    server: tuple[str, list[dict[str, object]]],
) -> None:
    base, seen = server
    request = AiohttpRequest()
    await request.initialize()
    try:
        text = RequestData(
            [
                RequestParameter.from_input("chat_id", 42),
                RequestParameter.from_input("text", "¿Dónde?"),
            ]
        )
        status, body = await request.do_request(f"{base}/sendMessage", "POST", text)
        assert status == 200 and b'"ok": true' in body
        photo = RequestData(
            [
                RequestParameter.from_input("chat_id", 42),
                RequestParameter.from_input("photo", InputFile(b"\x89PNG...", "chart.png")),
            ]
        )
        await request.do_request(f"{base}/sendPhoto", "POST", photo)
    finally:
        await request.shutdown()
    assert seen[0] == {"chat_id": "42", "text": "¿Dónde?"}
    assert seen[1]["chat_id"] == "42" and seen[1]["photo"] == b"\x89PNG..."


async def test_a_slow_answer_is_a_timeout_and_no_server_a_network_error(
    server: tuple[str, list[dict[str, object]]],
) -> None:
    base, _ = server
    request = AiohttpRequest(read_timeout=0.2, write_timeout=0.1)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"{base}/slow", "POST", RequestData([]))
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{free_port()}/botX/getMe", "POST")
    finally:
        await request.shutdown()
