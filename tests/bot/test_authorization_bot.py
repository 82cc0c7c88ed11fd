"""The authorization matrix against the whole bot (SQLite and PostgreSQL): every staff,
coordinator and admin command and every kind of button the bot understands, pressed or typed
by every kind of person, and what that person notices.

The world: a member asked to be contacted and the shelter ("the receiver") accepted and wrote
to them (CASO-0001, relay thread 1); the municipal office ("the sender") referred two people
of Juárez to the shelter (CASO-0002, CASO-0003: still `requested`), with a note. Each actor
(a member who was never linked, revoked staff of the receiver, staff of the receiver, of the
sender, of an unrelated organisation, a coordinator of Juárez, of Monterrey, an admin) then
goes through every row of ROWS on a fresh copy of that world. An allowed row must do its thing
(what the reply says, and what changed); a refused one must get a kind refusal in the actor's
language and change nothing. Nobody outside the case's organisations and municipality ever
reads its code, alias, note, organisations or the relayed words in any reply.

The rows are checked against what the bot understands: the command table of bot/app.py and the
action types of each button parser registered there. A command or a kind of button added
later without a row here fails `test_every_command_and_button_kind_has_a_row`.
"""

from __future__ import annotations

import asyncio
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin, get_type_hints

import pytest
from sqlalchemy import text
from telegram.ext import CallbackQueryHandler

from bot import app as bot_app
from bot.i18n import Catalogs, Translator
from bot.indicators import callbacks as icb
from bot.indicators import texts as itexts
from bot.relay import callbacks as rcb
from bot.relay import texts as rtexts
from bot.staff import callbacks as scb
from bot.staff import demand
from bot.staff import demand_texts as dt
from bot.staff import texts as stexts
from domain.cases import format_case_code
from domain.people import Role
from domain.services.referrals import NewReferral, refer_person
from domain.services.staff import revoke_staff, staff_for_chat
from domain.taxonomy import Category
from sandbox import PrivateChat, StoredMessage
from tests.bot.test_relay import SHELTER_ORG, member_and_staff, staff_writes
from tests.bot.test_staff_side import SENDER_ORG, invite, org_id
from tests.bot_harness import BotUnderTest
from tests.fakes import FakeNotifier

OTHER_ORG = "Fundación Empresarial Inventada Horizonte Juárez (demo)"
JUAREZ, MONTERREY = "08037", "19039"
SENDER_CHAT = 7001
NOTE = "NOTA-PRIVADA vive por la colonia Bellavista"
RELAYED = "Hola, soy de la organización. ¿Cómo estás?"

#: Commands anyone may use (members' own features: their data, language, help...).
MEMBER_COMMANDS = frozenset(
    {"start", "ayuda", "idioma", "privacidad", "mis_datos", "estado", "borrar", "salir", "cancelar"}
)


@dataclass(frozen=True)
class Actor:
    name: str
    chat_id: int
    language: str
    #: May read the cases of the world (CASO-0001..3): staff of the two organisations,
    #: the coordinator of Juárez, the admin.
    sees_cases: bool


ACTORS = [
    Actor("member", 7100, "en", False),
    Actor("revoked staff of the receiver", 7200, "es", False),
    Actor("staff of the receiver", 7300, "es", True),
    Actor("staff of the sender", 7400, "es", True),
    Actor("staff of another organisation", 7500, "en", False),
    Actor("coordinator of Juárez", 7600, "es", True),
    Actor("coordinator of Monterrey", 7700, "en", False),
    Actor("admin", 7800, "es", True),
]


@dataclass(frozen=True)
class World:
    shelter: str
    shelter_service: str
    member_case: int
    thread: int


async def build_world(bot: BotUnderTest) -> tuple[World, PrivateChat]:
    member, receiver = await member_and_staff(bot)  # CASO-0001 accepted by the shelter
    await member.wait_for_bot_messages(count=1, timeout=10)
    await staff_writes(receiver, RELAYED)  # relay thread 1
    await member.wait_for_bot_messages(count=1, timeout=10)
    shelter = await org_id(bot, SHELTER_ORG)
    sender_chat = bot.chat(user_id=SENDER_CHAT, first_name="Rosa")
    await sender_chat.send_text(f"/start {await invite(bot, SENDER_ORG)}")
    await sender_chat.wait_for_bot_messages(count=1, timeout=10)
    async with bot.database() as db:
        sender = await staff_for_chat(SENDER_CHAT, db.uow())
        assert sender is not None
        for alias in ("Lupita", "Chava"):
            new = NewReferral(alias, Category.SHELTER, shelter, True, JUAREZ, age=16, note=NOTE)
            await refer_person(new, sender, db.uow(), bot.clock, FakeNotifier())
    async with bot.database() as db, db.engine.connect() as conn:
        service = await conn.scalar(
            text("SELECT id FROM services WHERE organization_id = :o ORDER BY id LIMIT 1"),
            {"o": shelter},
        )
    return World(shelter, str(service), member_case=1, thread=1), receiver


async def actor_chat(bot: BotUnderTest, actor: Actor, receiver: PrivateChat) -> PrivateChat:
    """The actor's chat, linked (or not) as the actor is."""
    if actor.name == "staff of the receiver":
        return receiver
    if actor.name == "staff of the sender":
        chat = bot.emulator.chat(SENDER_CHAT)
        assert chat is not None
        return chat
    chat = bot.chat(user_id=actor.chat_id, first_name="Actor", language_code=actor.language)
    role, org, places = Role.STAFF, OTHER_ORG, frozenset[str]()
    if actor.name == "member":
        return chat
    if actor.name == "revoked staff of the receiver":
        org = SHELTER_ORG
    elif actor.name.startswith("coordinator"):
        role, places = (
            Role.COORDINATOR,
            frozenset({JUAREZ if "Juárez" in actor.name else MONTERREY}),
        )
    elif actor.name == "admin":
        role = Role.ADMIN
    await chat.send_text(f"/start {await invite(bot, org, role, places)}")
    await chat.wait_for_bot_messages(count=1, timeout=10)
    if actor.name.startswith("revoked"):
        async with bot.database() as db:
            staff = await staff_for_chat(actor.chat_id, db.uow())
            assert staff is not None
            await revoke_staff(staff.id or 0, db.uow(), bot.clock)
    return chat


@dataclass(frozen=True)
class Row:
    #: A command key of bot/app.COMMANDS, or the name of a button action type.
    kind: str
    #: What the actor sends: "/command args" or button data ({service} is filled in).
    send: str


ROWS = [
    Row("casos", "/casos"),
    Row("caso", "/caso CASO-0002"),
    Row("OpenCase", "sc:o:2"),
    Row("CasesPage", "sc:p:0"),
    Row("indicadores", "/indicadores"),
    Row("ChoosePeriod", "ix:p:month"),
    Row("ChooseMonth", "ix:m:2026-02"),
    Row("demanda", "/demanda"),
    Row("ChooseMunicipality", f"dm:m:{JUAREZ}"),
    Row("ShowReport", f"dm:month:{JUAREZ}"),
    Row("CapacityInput", "sc:k:{service}:l"),
    Row("Answer", "sr:a:2"),
    Row("RejectWith", "sr:x:3:no_capacity"),
    Row("Write", "rl:w:1"),
    Row("SendAnyway", "rl:y:1"),
    Row("Reply", "rl:r:1"),
    Row("Block", "rl:B:1"),
    Row("Outcome", "rl:o:1:u"),
    Row("NextOption", "rl:n:1:{service}"),
    Row("Close", "rl:c:1"),
    Row("seguimiento", "/seguimiento CASO-0002"),
    Row("FollowUpInput", "ff:do:save"),
    Row("FollowCase", "sc:f:3"),
    Row("referir", "/referir"),
    Row("ReferralInput", "rf:do:cancel"),
]


def _action_types(parser: Any) -> set[str]:
    returned = get_type_hints(parser)["return"]
    found = set()
    for option in get_args(returned) if get_origin(returned) in (Union, types.UnionType) else ():
        if option is not type(None):
            found.add(option.__name__)
    return found


def test_every_command_and_button_kind_has_a_row() -> None:
    kinds = {row.kind for row in ROWS}
    staff_commands = set(bot_app.COMMANDS) - MEMBER_COMMANDS
    assert staff_commands <= kinds, staff_commands - kinds
    parsers: dict[str, Callable[..., Any]] = {
        scb.PATTERN: scb.parse,
        rcb.PATTERN: rcb.parse,
        icb.PATTERN: icb.parse,
        demand.PATTERN: demand.parse,
    }
    # Every button handler of the application is one of these parsers' (or the member's
    # catch-all, tested state by state in test_flow_machine).
    app = bot_app.build_application(bot_app.BotConfig(token="1:x"), None, None)  # type: ignore[arg-type]
    patterns = {
        getattr(h.pattern, "pattern", h.pattern)
        for group in app.handlers.values()
        for h in group
        if isinstance(h, CallbackQueryHandler)
    }
    assert patterns - {None} == set(parsers), patterns
    buttons = set().union(*(_action_types(p) for p in parsers.values()))
    assert buttons <= kinds, buttons - kinds
    assert kinds <= buttons | staff_commands, kinds - buttons - staff_commands


async def snapshot(bot: BotUnderTest) -> dict[str, list[Any]]:
    """What a refused action must not change."""
    queries = {
        "cases": "SELECT id, code, member_id, organization_id FROM cases ORDER BY id",
        "referrals": "SELECT id, status, status_changed_at FROM referrals ORDER BY id",
        "follow_ups": "SELECT id, due_date, done_at FROM follow_ups ORDER BY id",
        "notes": "SELECT count(*) FROM notes",
        "relay": "SELECT id, status FROM relay_threads ORDER BY id",
        "relay_messages": "SELECT count(*) FROM relay_messages",
        "capacity": "SELECT count(*) FROM service_capacity",
        "reminders": "SELECT id, status FROM reminders ORDER BY id",
        "staff": "SELECT id, active FROM staff_members ORDER BY id",
    }
    found: dict[str, list[Any]] = {}
    async with bot.database() as db, db.engine.connect() as conn:
        for name, query in queries.items():
            found[name] = [tuple(r) for r in (await conn.execute(text(query))).all()]
    return found


def _screen(chat: PrivateChat) -> dict[int, str]:
    return {m.message_id: repr(m.raw) for m in chat.bot_messages()}


async def replies_to(chat: PrivateChat, send: str) -> list[StoredMessage]:
    """Every message the bot sent or edited in answer, once it has been quiet for a moment."""
    before = _screen(chat)
    if send.startswith("/"):
        await chat.send_text(send)
    else:
        await chat.forge_callback_query(send)
    seen, quiet_since, waited = before, 0.0, 0.0
    while waited < 20:
        await asyncio.sleep(0.05)
        waited += 0.05
        now = _screen(chat)
        if now != seen:
            seen, quiet_since = now, waited
        elif seen != before and waited - quiet_since >= 0.4:
            changed = {k for k, v in seen.items() if before.get(k) != v}
            return [m for m in chat.bot_messages() if m.message_id in changed]
    raise TimeoutError(send)


#: What each actor notices, row by row: DOES (the action works), or the refusal it gets.
DOES = "does"
ROLE_REFUSALS: dict[str, Callable[[Translator, str], str]] = {
    "staff only": lambda t, code: stexts.staff_only(t),
    "coordinators only": lambda t, code: itexts.coordinators_only(t, member=False),
    "demand: coordinators only": lambda t, code: dt.demand_only_coordinators(t),
    "demand: not your municipality": lambda t, code: dt.not_your_municipality(t),
    "not allowed": lambda t, code: stexts.not_allowed(t),
    "not found": lambda t, code: stexts.case_not_found(t, code),
    "stale": lambda t, code: stexts.stale(t),
    "no longer possible": lambda t, code: rtexts.cannot_now(t),
    "not writable": lambda t, code: rtexts.not_writable(t),
    "no cases": lambda t, code: stexts.no_cases(t),
}
_NOT_LINKED = {
    **dict.fromkeys((r.kind for r in ROWS), "staff only"),
    **dict.fromkeys(("indicadores", "ChoosePeriod", "ChooseMonth"), "coordinators only"),
    **dict.fromkeys(
        ("SendAnyway", "Reply", "Block", "Outcome", "NextOption", "Close"), "no longer possible"
    ),
}
_MEMBER_SIDE_OF_THE_RELAY = dict.fromkeys(("Block", "Outcome", "NextOption"), "not allowed")
_NOT_PARTY_TO_THE_RELAY = {
    "SendAnyway": "stale",  # no message of theirs waits for "send anyway"
    **dict.fromkeys(("Reply", "Close"), "not allowed"),
    **_MEMBER_SIDE_OF_THE_RELAY,
}
_OUTSIDER = {
    **dict.fromkeys((r.kind for r in ROWS), DOES),
    **dict.fromkeys(("casos", "CasesPage"), "no cases"),
    **dict.fromkeys(("caso", "OpenCase", "seguimiento", "FollowCase", "Write"), "not found"),
    **dict.fromkeys(("indicadores", "ChoosePeriod", "ChooseMonth"), "coordinators only"),
    **dict.fromkeys(("demanda", "ChooseMunicipality", "ShowReport"), "demand: coordinators only"),
    **dict.fromkeys(("CapacityInput", "Answer", "RejectWith"), "not allowed"),
    **_NOT_PARTY_TO_THE_RELAY,
    "FollowUpInput": "stale",  # no follow-up card was opened
}
_PARTNER = {
    **dict.fromkeys((r.kind for r in ROWS), DOES),
    **dict.fromkeys(("indicadores", "ChoosePeriod", "ChooseMonth"), "coordinators only"),
    **dict.fromkeys(("demanda", "ChooseMunicipality", "ShowReport"), "demand: coordinators only"),
}
_OVERSEER = {  # sees the cases, answers nobody's referral, writes to nobody
    **dict.fromkeys((r.kind for r in ROWS), DOES),
    **dict.fromkeys(("CapacityInput", "Answer", "RejectWith"), "not allowed"),
    "Write": "not writable",
    **_NOT_PARTY_TO_THE_RELAY,
}
EXPECTED: dict[str, dict[str, str]] = {
    "member": _NOT_LINKED,
    "revoked staff of the receiver": _NOT_LINKED,
    "staff of the receiver": {**_PARTNER, "SendAnyway": "stale", **_MEMBER_SIDE_OF_THE_RELAY},
    "staff of the sender": {
        **_PARTNER,
        "Write": "not found",  # CASO-0001 is the member's request to the shelter
        **dict.fromkeys(("CapacityInput", "Answer", "RejectWith"), "not allowed"),
        **_NOT_PARTY_TO_THE_RELAY,
    },
    "staff of another organisation": _OUTSIDER,
    "coordinator of Juárez": _OVERSEER,
    "coordinator of Monterrey": {
        **_OUTSIDER,
        # Their own municipality's figures, where none of these cases counts.
        **dict.fromkeys(("indicadores", "ChoosePeriod", "ChooseMonth", "demanda"), DOES),
        **dict.fromkeys(("ChooseMunicipality", "ShowReport"), "demand: not your municipality"),
    },
    "admin": {**_OVERSEER, "Answer": DOES, "RejectWith": DOES},
}
#: What an allowed row changes (everything else: nothing).
CHANGES = {
    "Answer": ["referrals", "reminders"],
    "RejectWith": ["referrals", "reminders"],
    "CapacityInput": ["capacity"],
    "Close": ["relay"],
}
#: What an allowed row shows, in either language.
SHOWS = {
    "casos": r"CASO-0002 · Lupita",
    "CasesPage": r"CASO-0002 · Lupita",
    "caso": r"CASO-0002 · Lupita · 16",
    "OpenCase": r"CASO-0002 · Lupita · 16",
    "Answer": r"(Aceptó|Accepted) CASO-0002",
    "RejectWith": r"(Rechazó|Rejected) CASO-0003",
    "Write": r"CASO-0001",
    "Reply": r"CASO-0001",
    "Close": r"CASO-0001",
    "seguimiento": r"CASO-0002",
    "FollowCase": r"CASO-0003",
    "referir": r"alias",
    "ReferralInput": r"(cancelada|cancelled)",
    "ChooseMunicipality": r"Juárez",
    "demanda": r"(Juárez|Monterrey|municipio|municipality)",
    "indicadores": r"(Juárez|Monterrey|Todos los municipios|All municipalities)",
}
#: What only those who may read the world's cases may ever see.
PRIVATE = [
    "Lupita",
    "Chava",
    "NOTA-PRIVADA",
    "Bellavista",
    RELAYED,
    "¿Cómo estás?",
    SENDER_ORG,
    SHELTER_ORG,
    "Anabel",
    "Teresa",
    "Rosa",
]


def test_every_actor_has_an_answer_for_every_row() -> None:
    assert {a.name for a in ACTORS} == set(EXPECTED)
    for name, answers in EXPECTED.items():
        assert set(answers) == {r.kind for r in ROWS}, name
        assert set(answers.values()) <= {DOES, *ROLE_REFUSALS}, name


def _echoed_codes(send: str) -> list[str]:
    """Case codes the actor's own input names, in order (a forged id is echoed as a code)."""
    numbers = re.findall(r"(?<![0-9A-Za-z])\d{1,4}(?![0-9A-Za-z])", send)
    return [format_case_code(int(n)) for n in numbers if int(n) > 0]


@pytest.mark.parametrize("actor", ACTORS, ids=[a.name for a in ACTORS])
async def test_authorization_through_the_bot(bot: BotUnderTest, actor: Actor) -> None:
    world, receiver = await build_world(bot)
    chat = await actor_chat(bot, actor, receiver)
    t = Catalogs().get(actor.language)
    for row in ROWS:
        sent = row.send.format(service=world.shelter_service)
        before = await snapshot(bot)
        try:
            got = await replies_to(chat, sent)
        except TimeoutError as exc:
            raise AssertionError(f"{actor.name}: no answer to {sent}") from exc
        after = await snapshot(bot)
        changed = sorted(k for k in before if before[k] != after[k])
        said = [m.text or m.caption or "" for m in got]
        expected = EXPECTED[actor.name][row.kind]
        where = f"{actor.name} · {row.kind} ({sent}): {said}"
        if expected == DOES:
            assert changed == CHANGES.get(row.kind, []), where
            refusals = {r(t, "CASO-0002") for r in ROLE_REFUSALS.values()}
            assert not any(s in refusals for s in said), where
            if row.kind in SHOWS:
                assert any(re.search(SHOWS[row.kind], s) for s in said), where
        else:
            assert changed == [], where
            code = next(iter(_echoed_codes(sent)), "")
            refusal = ROLE_REFUSALS[expected](t, code)
            assert any(s == refusal or s.startswith(refusal) for s in said), (where, refusal)
        if not actor.sees_cases:
            echoed = _echoed_codes(sent)
            for text_ in said:
                for private in PRIVATE:
                    assert private not in text_, (where, private)
                for code in re.findall(r"CASO-\d{4}", text_):
                    assert code in echoed, (where, code)
