"""Rasa killed in the middle of a conversation, and several Rasa servers (RASA_URL lists them):
every message is still answered, a crisis still caught, and free text understood again as
soon as a server answers. Rasa is the real trained model; "killed" is its port going dead
(a proxy in front of it stops listening and drops its connections, as a dead process does)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from nlu.process import RasaServer
from sandbox import BotApiEmulator, PrivateChat
from tests.bot_harness import BotUnderTest, say

pytestmark = pytest.mark.rasa

NOT_UNDERSTOOD = "no entendí"
#: RASA_RETRY_SECONDS in these tests.
RETRY = 0.5


class DeadablePort:
    """A TCP port in front of Rasa that can die (refuse and reset) and come back."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def kill(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._open):
            writer.transport.abort()
        await self._server.wait_closed()
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._open |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._open -= {writer, up_writer}


@contextlib.asynccontextmanager
async def ports(rasa: RasaServer, count: int) -> AsyncIterator[list[DeadablePort]]:
    found = []
    for _ in range(count):
        port = DeadablePort(int(rasa.url.rsplit(":", 1)[1]))
        await port.start()
        found.append(port)
    try:
        yield found
    finally:
        for port in found:
            if port._server is not None:
                await port.kill()


async def understood(chat: PrivateChat, text: str = "necesito un abogado") -> bool:
    await say(chat, "/cancelar")  # from the menu each time (an answer may ask where)
    replies = await say(chat, text)
    return NOT_UNDERSTOOD not in (replies[0].text or "")


async def test_rasa_killed_mid_conversation(
    emulator: BotApiEmulator, demo_database_url: str, rasa_server: RasaServer
) -> None:
    async with ports(rasa_server, 1) as [port]:
        bot = BotUnderTest(
            emulator,
            demo_database_url,
            rasa_url=port.url,
            rasa_token=rasa_server.token,
            rasa_retry_seconds=RETRY,
        )
        await bot.start()
        try:
            chat = bot.chat()
            await say(chat, "/start", replies=2)
            assert await understood(chat)
            await port.kill()
            for _ in range(4):  # answered every time: the menu, kindly
                await say(chat, "/cancelar")
                [reply] = await say(chat, "necesito un abogado")
                assert NOT_UNDERSTOOD in (reply.text or "")
                assert "Buscar ayuda cerca" in reply.button_texts
            [lines] = await say(chat, "me quiero morir")
            assert "\n911 — " in (lines.text or "")
            await port.start()  # Rasa is back on its port
            await asyncio.sleep(RETRY + 0.1)
            assert await understood(chat)
        finally:
            await bot.stop()


async def test_two_rasa_servers_one_down(
    emulator: BotApiEmulator, demo_database_url: str, rasa_server: RasaServer
) -> None:
    async with ports(rasa_server, 2) as [first, second]:
        bot = BotUnderTest(
            emulator,
            demo_database_url,
            rasa_url=f"{first.url},{second.url}",
            rasa_token=rasa_server.token,
            rasa_retry_seconds=RETRY,
        )
        await bot.start()
        try:
            chat = bot.chat()
            await say(chat, "/start", replies=2)
            await first.kill()
            # Each message is understood: the dead server is skipped (or its failure retried
            # on the other within the same call).
            for _ in range(5):
                assert await understood(chat)
            await first.start()
            await second.kill()
            await asyncio.sleep(RETRY + 0.1)
            for _ in range(5):
                assert await understood(chat)
        finally:
            await bot.stop()
