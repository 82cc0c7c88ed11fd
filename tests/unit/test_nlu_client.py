"""The NLU client on a fake Rasa (httpx.MockTransport): what the bot gets back, and when None."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from nlu.client import Entity, NluClient, Parse

URL = "http://rasa.test"
TOKEN = "secret-token"
SECRET_TEXT = "mi novio me pega y vivo en la colonia anapra"


def rasa_reply(
    intent: str = "buscar_servicio",
    confidence: float = 0.91,
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "text": "ignored",
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities if entities is not None else [],
        "intent_ranking": [],
    }


class FakeRasa:
    """Answers /model/parse like Rasa, or fails the way it is told to."""

    def __init__(self) -> None:
        self.calls = 0
        self.requests: list[httpx.Request] = []
        self.reply: dict[str, Any] = rasa_reply()
        self.failure: Callable[[httpx.Request], httpx.Response] | None = None
        self.delay = 0.0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.requests.append(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failure is not None:
            return self.failure(request)
        return httpx.Response(200, json=self.reply)

    def down(self) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        self.failure = refuse

    def up(self) -> None:
        self.failure = None


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


class Ticker:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Ticker:
    return Ticker()


def make_client(rasa: FakeRasa, clock: Ticker | None = None, **options: object) -> NluClient:
    extra: dict[str, Any] = dict(options)
    if clock is not None:
        extra["clock"] = clock
    return NluClient(URL, TOKEN, transport=httpx.MockTransport(rasa.handle), **extra)


async def test_parse_returns_intent_and_normalised_entities(rasa: FakeRasa) -> None:
    rasa.reply = rasa_reply(
        "buscar_servicio",
        0.88,
        [
            {
                "entity": "tipo_servicio",
                "value": "psychological_support",
                "start": 10,
                "end": 19,
                "confidence_entity": 0.97,
                "extractor": "CRFEntityExtractor",
                "processors": ["EntitySynonymMapper"],
            },
            {"entity": "lugar", "value": "cd juárez", "start": 23, "end": 32},
        ],
    )
    async with make_client(rasa) as client:
        result = await client.parse("necesito un psicólogo en cd juárez")

    assert result == Parse(
        intent="buscar_servicio",
        confidence=0.88,
        entities=(
            Entity("tipo_servicio", "psychological_support", 10, 19, 0.97),
            Entity("lugar", "cd juárez", 23, 32, None),
        ),
    )
    assert result.entity("tipo_servicio") == "psychological_support"
    assert result.entity("lugar") == "cd juárez"
    assert result.entity("caso_id") is None


async def test_first_value_wins_when_an_entity_repeats(rasa: FakeRasa) -> None:
    rasa.reply = rasa_reply(
        entities=[
            {"entity": "lugar", "value": "zona norte", "start": 0, "end": 10},
            {"entity": "lugar", "value": "tijuana", "start": 14, "end": 21},
        ]
    )
    async with make_client(rasa) as client:
        result = await client.parse("zona norte de tijuana")
    assert result is not None
    assert result.entity("lugar") == "zona norte"


async def test_request_carries_the_token_and_the_text(rasa: FakeRasa) -> None:
    async with make_client(rasa) as client:
        await client.parse("hola")
    request = rasa.requests[0]
    assert request.method == "POST"
    assert request.url.path == "/model/parse"
    assert request.url.params["token"] == TOKEN
    assert json.loads(request.content) == {"text": "hola"}


async def test_no_token_parameter_when_none_is_configured(rasa: FakeRasa) -> None:
    client = NluClient(URL, None, transport=httpx.MockTransport(rasa.handle))
    async with client:
        await client.parse("hola")
    assert "token" not in rasa.requests[0].url.params


async def test_below_threshold_is_none_and_does_not_trip_the_breaker(rasa: FakeRasa) -> None:
    rasa.reply = rasa_reply("emergencia", 0.2)
    async with make_client(rasa, threshold=0.5, failures_before_open=1) as client:
        assert await client.parse("algo ambiguo") is None
        assert await client.parse("algo ambiguo") is None
        assert not client.circuit_open
    assert rasa.calls == 2


async def test_at_threshold_is_answered(rasa: FakeRasa) -> None:
    rasa.reply = rasa_reply("saludo", 0.5)
    async with make_client(rasa, threshold=0.5) as client:
        result = await client.parse("hola")
    assert result is not None
    assert result.intent == "saludo"


async def test_blank_text_is_not_sent(rasa: FakeRasa) -> None:
    async with make_client(rasa) as client:
        assert await client.parse("   ") is None
    assert rasa.calls == 0


async def test_rasa_down_gives_none(rasa: FakeRasa) -> None:
    rasa.down()
    async with make_client(rasa) as client:
        assert await client.parse("hola") is None


async def test_slow_rasa_gives_none_within_the_timeout(rasa: FakeRasa) -> None:
    rasa.delay = 5.0
    async with make_client(rasa, timeout=0.05) as client:
        started = asyncio.get_running_loop().time()
        assert await client.parse("hola") is None
        assert asyncio.get_running_loop().time() - started < 1.0


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, text="Internal Server Error"),
        httpx.Response(401, json={"message": "User is not authenticated."}),
        httpx.Response(200, text="<html>not json</html>"),
        httpx.Response(200, json={"intent": None, "entities": []}),
        httpx.Response(200, json={"entities": []}),
    ],
    ids=["server-error", "bad-token", "not-json", "no-intent", "missing-intent"],
)
async def test_bad_answers_give_none(rasa: FakeRasa, response: httpx.Response) -> None:
    rasa.failure = lambda request: response
    async with make_client(rasa) as client:
        assert await client.parse("hola") is None


async def test_breaker_opens_after_consecutive_failures(rasa: FakeRasa, clock: Ticker) -> None:
    rasa.down()
    async with make_client(rasa, clock, failures_before_open=3, open_seconds=30) as client:
        for _ in range(3):
            assert await client.parse("hola") is None
        assert client.circuit_open
        rasa.up()
        assert await client.parse("hola") is None  # short-circuited
        assert await client.parse("hola") is None
    assert rasa.calls == 3


async def test_server_ready_closes_an_open_circuit_at_once(rasa: FakeRasa, clock: Ticker) -> None:
    rasa.down()
    async with make_client(rasa, clock, failures_before_open=3, open_seconds=30) as client:
        for _ in range(3):
            await client.parse("hola")
        opened = client.circuit_open
        rasa.up()
        client.server_ready()  # e.g. `juntos run` saw Rasa finish loading
        assert (opened, client.circuit_open) == (True, False)
        assert await client.parse("hola") is not None
    assert rasa.calls == 4


async def test_a_success_resets_the_failure_count(rasa: FakeRasa, clock: Ticker) -> None:
    async with make_client(rasa, clock, failures_before_open=3) as client:
        rasa.down()
        await client.parse("a")
        await client.parse("b")
        rasa.up()
        assert await client.parse("c") is not None
        rasa.down()
        await client.parse("d")
        await client.parse("e")
        assert not client.circuit_open


async def test_half_open_probe_success_closes_the_circuit(rasa: FakeRasa, clock: Ticker) -> None:
    rasa.down()
    async with make_client(rasa, clock, failures_before_open=2, open_seconds=30) as client:
        await client.parse("a")
        await client.parse("b")
        rasa.up()
        clock.advance(24)  # still open
        assert await client.parse("c") is None
        assert rasa.calls == 2
        clock.advance(12)  # 36 s: one probe may go
        assert await client.parse("d") is not None
        assert not client.circuit_open
        assert await client.parse("e") is not None
    assert rasa.calls == 4


async def test_half_open_probe_failure_reopens_for_a_full_period(
    rasa: FakeRasa, clock: Ticker
) -> None:
    rasa.down()
    async with make_client(rasa, clock, failures_before_open=2, open_seconds=30) as client:
        await client.parse("a")
        await client.parse("b")
        clock.advance(31)
        assert await client.parse("probe") is None
        assert rasa.calls == 3
        assert client.circuit_open
        clock.advance(29)
        assert await client.parse("too soon") is None
        assert rasa.calls == 3
        clock.advance(2)
        rasa.up()
        assert await client.parse("again") is not None
    assert rasa.calls == 4


async def test_only_one_probe_goes_out_while_half_open(rasa: FakeRasa, clock: Ticker) -> None:
    rasa.down()
    async with make_client(rasa, clock, failures_before_open=1, open_seconds=30) as client:
        await client.parse("a")
        clock.advance(31)
        rasa.up()
        rasa.delay = 0.05
        results = await asyncio.gather(*(client.parse(f"m{i}") for i in range(5)))
    assert sum(r is not None for r in results) == 1
    assert rasa.calls == 2


async def test_a_cancelled_probe_does_not_leave_the_circuit_stuck(
    rasa: FakeRasa, clock: Ticker
) -> None:
    rasa.down()
    async with make_client(rasa, clock, failures_before_open=1, open_seconds=30) as client:
        await client.parse("a")
        clock.advance(31)
        rasa.up()
        rasa.delay = 1.0
        probe = asyncio.create_task(client.parse("probe"))
        await asyncio.sleep(0.01)
        probe.cancel()
        with pytest.raises(asyncio.CancelledError):
            await probe
        rasa.delay = 0.0
        assert await client.parse("next") is not None


async def test_message_text_never_reaches_the_logs(
    rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with make_client(rasa, failures_before_open=3) as client:
        await client.parse(SECRET_TEXT)  # success
        rasa.failure = lambda request: httpx.Response(500, text=SECRET_TEXT)
        await client.parse(SECRET_TEXT)  # an error page echoing the text
        rasa.down()
        await client.parse(SECRET_TEXT)
        await client.parse(SECRET_TEXT)  # opens the circuit
        await client.parse(SECRET_TEXT)  # short-circuited
    assert caplog.records, "the client should log outcomes"
    for record in caplog.records:
        message = record.getMessage()
        assert "anapra" not in message
        assert "novio" not in message


async def test_the_token_is_masked_in_httpx_request_logs(
    rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    async with make_client(rasa) as client:
        await client.parse("hola")
    logged = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any("/model/parse" in message for message in logged)
    assert not any(TOKEN in message for message in logged)


def test_a_span_is_read_from_the_text_not_from_the_synonym() -> None:
    from nlu.client import Entity, Parse

    text = "referí a Lupita al Centro de Salud Norte el lunes"
    parse = Parse(
        "registrar_referencia",
        0.9,
        (
            Entity("organizacion", "health", start=19, end=40),
            Entity("fecha", "el lunes", start=41, end=49),
        ),
    )
    assert parse.entity("organizacion") == "health"
    assert parse.span("organizacion", text) == "Centro de Salud Norte"
    assert parse.span("fecha", text) == "el lunes"
    assert parse.span("lugar", text) is None
    assert Parse("x", 1.0, (Entity("fecha", "mañana"),)).span("fecha", "") == "mañana"


async def test_several_servers_take_turns_and_a_dead_one_is_skipped() -> None:
    from nlu.process import host_and_port

    seen: list[str] = []
    dead = {"http://rasa-a.test"}

    async def handle(request: httpx.Request) -> httpx.Response:
        origin = f"{request.url.scheme}://{request.url.host}"
        seen.append(origin)
        if origin in dead:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json=rasa_reply())

    client = NluClient(
        "http://rasa-a.test, http://rasa-b.test/",
        TOKEN,
        transport=httpx.MockTransport(handle),
        open_seconds=60,
    )
    async with client:
        assert client.servers == ["http://rasa-a.test", "http://rasa-b.test"]
        results = [await client.parse("necesito un abogado") for _ in range(8)]
    assert all(r is not None and r.intent == "buscar_servicio" for r in results)
    # a failed 3 times (each call then tried b), then was left alone; b answered every call.
    assert seen.count("http://rasa-a.test") == 3
    assert seen.count("http://rasa-b.test") == 8
    assert not client.circuit_open
    assert host_and_port("http://127.0.0.1:5006,http://127.0.0.1:5007") == ("127.0.0.1", 5006)
