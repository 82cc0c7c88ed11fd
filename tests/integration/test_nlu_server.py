"""The trained Rasa model behind a real `rasa run` server, through the bot's client.

Uses the session-wide `rasa_server` fixture (tests/conftest.py): one server per test run.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from nlu.client import NluClient, Parse
from nlu.process import (
    RASA_VENV,
    ROOT,
    RasaServer,
    RasaUnavailableError,
    free_port,
    trained_model_path,
)

pytestmark = [
    pytest.mark.rasa,
    pytest.mark.skipif(
        not (RASA_VENV / "bin" / "rasa").exists(),
        reason=".venv-rasa is absent (`make nlu-model` builds it; `make test` always does)",
    ),
]


def process_file(pid: int, name: str) -> bytes:
    """/proc/<pid>/<name> of a process of ours (cmdline, environ)."""
    return (Path("/proc") / str(pid) / name).read_bytes()


@pytest.fixture
async def nlu(rasa_server: RasaServer) -> AsyncIterator[NluClient]:
    # threshold=0: these tests look at what the model says, not at the bot's cut-off.
    async with NluClient(rasa_server.url, rasa_server.token, threshold=0.0) as client:
        yield client


async def parse(client: NluClient, text: str) -> Parse:
    result = await client.parse(text)
    assert result is not None, "the server did not answer"
    return result


@pytest.mark.parametrize(
    "text",
    [
        "me quiero matar",
        "mi esposo me esta golpeando ahorita",
        "me quieren levantar",
        "hay una balacera afuera de mi casa",
    ],
)
async def test_danger_is_emergencia(nlu: NluClient, text: str) -> None:
    result = await parse(nlu, text)
    assert result.intent == "emergencia"


@pytest.mark.parametrize("text", ["ayuda", "me muero de risa", "me mata el calor"])
async def test_the_word_ayuda_and_colloquial_death_words_are_not_emergencia(
    nlu: NluClient, text: str
) -> None:
    result = await parse(nlu, text)
    assert result.intent != "emergencia"


async def test_a_service_request_gives_a_taxonomy_code_and_a_place(nlu: NluClient) -> None:
    result = await parse(nlu, "necesito un psicólogo en cd juárez")
    assert result.intent == "buscar_servicio"
    assert result.entity("tipo_servicio") == "psychological_support"
    assert result.entity("lugar") == "cd juárez"


async def test_slang_for_drugs_maps_to_addiction_treatment(nlu: NluClient) -> None:
    result = await parse(nlu, "kiero dejar el cristal")
    assert result.intent == "buscar_servicio"
    assert result.entity("tipo_servicio") == "addiction_treatment"


async def test_a_follow_up_names_its_case_once(nlu: NluClient) -> None:
    result = await parse(nlu, "seguimiento CASO-0042 ya fue a su primera cita")
    assert result.intent == "registrar_seguimiento"
    assert [e.value for e in result.entities if e.entity == "caso_id"] == ["CASO-0042"]


async def test_a_postal_code_is_an_entity(nlu: NluClient) -> None:
    result = await parse(nlu, "mi cp es 32575")
    assert result.intent == "informar_ubicacion"
    assert result.entity("codigo_postal") == "32575"


async def test_a_referral_carries_age_and_organisation(nlu: NluClient) -> None:
    result = await parse(nlu, "referí a una chava de 15 al centro comunitario por bullying")
    assert result.intent == "registrar_referencia"
    assert result.entity("edad") == "15"
    assert result.entity("organizacion") == "centro comunitario"


def values(result: Parse, name: str) -> list[str]:
    return [e.value for e in result.entities if e.entity == name]


async def test_a_one_message_referral_gives_age_destination_and_need(nlu: NluClient) -> None:
    result = await parse(
        nlu, "referí a un joven de 16 años al Centro Comunitario Riberas por consumo"
    )
    assert result.intent == "registrar_referencia"
    assert result.entity("edad") == "16"
    assert result.entity("organizacion") == "Centro Comunitario Riberas"
    assert result.entity("tipo_servicio") == "addiction_treatment"


async def test_a_follow_up_with_a_status_is_not_a_question_about_the_case(
    nlu: NluClient,
) -> None:
    result = await parse(nlu, "seguimiento CASO-0042: ya asistió a su primera sesión")
    assert result.intent == "registrar_seguimiento"
    assert values(result, "caso_id") == ["CASO-0042"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("CASO-0517 ya fue a su cita", "registrar_seguimiento"),
        ("CASO-0517 ya fue a su cita?", "consultar_caso"),
        ("caso 88 sigue sin contestar", "registrar_seguimiento"),
        ("¿caso 88 sigue sin contestar?", "consultar_caso"),
        ("¿cómo va el CASO-0042?", "consultar_caso"),
        ("historial del CASO-0042", "consultar_caso"),
    ],
)
async def test_a_question_mark_turns_a_case_status_into_a_question(
    nlu: NluClient, text: str, intent: str
) -> None:
    # Rasa's tokenizer drops "?": the pregunta/pregunta_caso regex features carry it.
    result = await parse(nlu, text)
    assert result.intent == intent
    assert len(values(result, "caso_id")) == 1


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("CASO-0042 no llegó, se reagenda para el lunes", "el lunes"),
        ("CASO-0042 volvemos a llamar en 3 días", "en 3 días"),
        ("CASO-0042 cita el 15/12 a las 10", "15/12"),
    ],
)
async def test_relative_dates_come_out_as_written(nlu: NluClient, text: str, date: str) -> None:
    result = await parse(nlu, text)
    assert result.intent == "registrar_seguimiento"
    assert any(date in value for value in values(result, "fecha"))


async def test_filters_in_one_sentence_are_normalised(nlu: NluClient) -> None:
    result = await parse(nlu, "algo gratis para mujeres en Tonalá")
    assert result.intent == "buscar_servicio"
    assert sorted(values(result, "filtro")) == ["free", "women"]
    assert result.entity("lugar") == "Tonalá"


async def test_the_language_at_the_service_is_not_the_conversation_language(
    nlu: NluClient,
) -> None:
    search = await parse(nlu, "busco un psicólogo que hable rarámuri en Chihuahua")
    switch = await parse(nlu, "mejor háblame en inglés")
    assert search.intent == "buscar_servicio"
    assert values(search, "idioma_servicio") == ["tar"]
    assert values(search, "idioma") == []
    assert switch.intent == "cambiar_idioma"
    assert values(switch, "idioma") == ["en"]
    assert values(switch, "idioma_servicio") == []


async def test_language_requests_are_normalised(nlu: NluClient) -> None:
    result = await parse(nlu, "can you speak english?")
    assert result.intent == "cambiar_idioma"
    assert result.entity("idioma") == "en"


async def test_the_api_refuses_requests_without_the_token(rasa_server: RasaServer) -> None:
    async with httpx.AsyncClient(base_url=rasa_server.url, trust_env=False) as http:
        parse_response = await http.post("/model/parse", json={"text": "hola"})
        replace_model = await http.put("/model", json={"model_file": "/tmp/other.tar.gz"})
        wrong_token = await http.get("/status", params={"token": "not-the-token"})
    assert parse_response.status_code == 401
    assert replace_model.status_code == 401
    assert wrong_token.status_code == 401


async def test_no_chat_channel_is_served_only_the_api_behind_the_token(
    rasa_server: RasaServer,
) -> None:
    message = {"sender": "someone", "message": "me quiero morir"}
    async with httpx.AsyncClient(base_url=rasa_server.url, trust_env=False) as http:
        rest_channel = await http.post("/webhooks/rest/webhook", json=message)
        rest_channel_with_token = await http.post(
            "/webhooks/rest/webhook", params={"token": rasa_server.token}, json=message
        )
        any_channel = await http.get("/webhooks/rest")
        without_token = await http.post("/model/parse", json={"text": "hola"})
        with_token = await http.post(
            "/model/parse", params={"token": rasa_server.token}, json={"text": "hola"}
        )
    assert rest_channel.status_code == 404
    assert rest_channel_with_token.status_code == 404
    assert any_channel.status_code == 404
    assert without_token.status_code == 401
    assert with_token.status_code == 200
    assert with_token.json()["intent"]["name"] == "saludo"


def test_the_token_is_not_on_the_servers_command_line(rasa_server: RasaServer) -> None:
    assert rasa_server.pid is not None
    argv = process_file(rasa_server.pid, "cmdline").split(b"\0")
    # The process that serves the port...
    assert [b"--port", str(rasa_server.port).encode()] in [
        argv[i : i + 2] for i in range(len(argv))
    ]
    # ...shows no token to other users of the computer (`ps`).
    assert not any(rasa_server.token.encode() in arg for arg in argv)
    assert not any(arg.startswith(b"--auth-token") for arg in argv)


async def test_a_wrong_token_makes_the_client_answer_none(rasa_server: RasaServer) -> None:
    async with NluClient(rasa_server.url, "not-the-token", threshold=0.0) as client:
        assert await client.parse("hola") is None


def test_starting_on_a_busy_port_fails_clearly(rasa_server: RasaServer) -> None:
    other = RasaServer(trained_model_path(), port=rasa_server.port)
    with pytest.raises(RasaUnavailableError, match="already in use"):
        other.start()
    assert other.pid is None


async def test_rasa_gets_none_of_our_secrets_and_leaves_nothing_when_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secrets = {
        "JUNTOS_SECRET_KEY": "parent-secret-key-0a1b2c",
        "TELEGRAM_BOT_TOKEN": "123456:parent-bot-token-3d4e5f",
        "RASA_TOKEN": "parent-rasa-token-6a7b8c",
        "DATABASE_URL": "postgresql://juntos:parent-db-password-9d0e@127.0.0.1/juntos",
        "TF_TOKEN_app_terraform_io": "parent-terraform-token-1f2a",
        "HTTPS_PROXY": "http://parent-proxy.example:3128",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    # A generated token may start with "-": the launcher must not read it as an option.
    server = RasaServer(trained_model_path(), port=free_port(), token="-starts-with-a-dash-42")
    async with server:
        pid = server.pid
        assert pid is not None
        environ = dict(
            entry.decode().split("=", 1)
            for entry in process_file(pid, "environ").split(b"\0")
            if entry
        )
        async with NluClient(server.url, server.token, threshold=0.0) as client:
            assert await client.parse("hola") is not None
        tmpdir = Path(environ["TMPDIR"])
        # The model's CRF is unpacked into Rasa's own temporary folder, not the user's.
        assert await asyncio.to_thread(lambda: list(tmpdir.glob("model*.crfsuite")))

    for value in secrets.values():
        assert value not in "\0".join(f"{k}={v}" for k, v in environ.items())
    assert server.token not in "\0".join(environ.values())
    assert set(secrets) & set(environ) == set()
    # Its own HOME and temporary folder, not the user's.
    assert environ["HOME"] != os.environ.get("HOME")
    assert Path(environ["HOME"]).is_relative_to(ROOT / "var")
    assert tmpdir.is_relative_to(ROOT / "var")
    assert environ["RASA_TELEMETRY_ENABLED"] == "false"
    # Stopped: no process, the port free, the temporary folder (model*.crfsuite) gone.
    assert not await asyncio.to_thread(tmpdir.exists)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)
    async with NluClient(server.url, server.token, failures_before_open=99) as client:
        assert await client.parse("hola") is None


def test_the_server_refuses_to_listen_beyond_loopback(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="loopback"):
        RasaServer(tmp_path / "model.tar.gz", host="0.0.0.0")
