"""The partners' side through the real bot and the emulator (SQLite and PostgreSQL):
invite -> link -> guided referral -> the receiver accepts -> follow-up -> completed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from domain.people import Role
from domain.services.staff import InviteRequest, issue_invite
from sandbox import PrivateChat, StoredMessage
from tests.bot_harness import BotUnderTest, press, say

SENDER_ORG = "Oficina Municipal Ficticia de Prevención Juárez (demo)"


async def org_id(bot: BotUnderTest, name: str) -> str:
    async with bot.database() as db, db.engine.connect() as conn:
        found = await conn.scalar(text("SELECT id FROM organizations WHERE name = :n"), {"n": name})
    assert found, name
    return str(found)


async def invite(
    bot: BotUnderTest,
    organization: str,
    role: Role = Role.STAFF,
    municipalities: frozenset[str] = frozenset(),
    lifetime: timedelta = timedelta(days=7),
) -> str:
    async with bot.database() as db:
        issued = await issue_invite(
            InviteRequest(role, await org_id(bot, organization), municipalities, lifetime),
            db.uow(),
            bot.clock,
        )
    return issued.code


async def join(bot: BotUnderTest, organization: str, user_id: int, name: str) -> PrivateChat:
    chat = bot.chat(user_id=user_id, first_name=name)
    code = await invite(bot, organization)
    [welcome] = await say(chat, f"/start {code}")
    assert f"vinculada a {organization} como personal" in (welcome.text or "")
    return chat


def buttons_with(message: StoredMessage, prefix: str) -> list[tuple[str, str]]:
    return [
        (label, data)
        for label, data in zip(message.button_texts, message.callback_data, strict=True)
        if data.startswith(prefix)
    ]


async def guided_referral(sender: PrivateChat) -> tuple[str, StoredMessage]:
    """Walk /referir to the confirmation card; returns the receiver's name and the card."""
    [alias] = await say(sender, "/referir")
    assert "alias" in (alias.text or "") and "nunca su nombre completo" in (alias.text or "")
    [bad] = await say(sender, "María Guadalupe Hernández Pérez")
    assert "nunca el nombre completo" in (bad.text or "")
    [age] = await say(sender, "Lupita")
    assert "edad" in (age.text or "")
    [gender] = await say(sender, "tiene 16 años")
    [muni] = await press(sender, "rf:gender:female")
    assert buttons_with(muni, "rf:muni:")[0][0] == "Juárez"
    [need] = await press(sender, "rf:muni:0")
    [where] = await press(sender, "rf:need:psychological_support")
    options = buttons_with(where, "rf:dest:")
    assert options and all(SENDER_ORG not in label for label, _ in options), "other orgs only"
    receiver_label, receiver_data = options[0]
    [urgency] = await press(sender, receiver_data)
    [consent] = await press(sender, "rf:urgent:0")
    assert "Sin su consentimiento no hay referencia" in (consent.text or "")
    [note] = await press(sender, "rf:consent:1")
    [too_long] = await say(sender, "x" * 1001)
    assert "1001 caracteres" in (too_long.text or "")
    [card] = await say(sender, "Prefiere que la busquen por la tarde.")
    return receiver_label.split(" · ")[0], card


async def test_invite_link_refer_accept_follow_up_and_complete(bot: BotUnderTest) -> None:
    sender = await join(bot, SENDER_ORG, 3001, "Rosa")
    receiver_name, card = await guided_referral(sender)
    receiver = await join(bot, receiver_name, 3002, "Tere")
    card_text = card.text or ""
    assert "Alias: Lupita" in card_text and "Edad: 16" in card_text
    assert f"Para: {receiver_name}" in card_text and "Consentimiento: dado" in card_text
    assert card.button_texts == ["Confirmar", "Editar", "Cancelar"]
    [sent] = await press(sender, "rf:do:confirm")
    assert sent.text == f"Listo: CASO-0001 se envió a {receiver_name}. Le aviso cuando respondan."

    [new] = await receiver.wait_for_bot_messages(count=1, timeout=10)
    assert (new.text or "").startswith("Nueva referencia CASO-0001")
    assert f"De: {SENDER_ORG}" in (new.text or "") and "16 años" in (new.text or "")
    accept = buttons_with(new, "sr:a:")[0][1]
    [accepted] = await press(receiver, accept)
    assert "Aceptó CASO-0001" in (accepted.text or "")
    assert "Aceptó CASO-0001" in (new.text or "") and new.buttons == [], "the card is closed"
    [told] = await sender.wait_for_bot_messages(count=1, timeout=10)
    assert told.text == f"CASO-0001: {receiver_name} la cambió a “aceptada”."
    # The same button pressed again (a stale copy on another phone) changes nothing.
    await receiver.forge_callback_query(accept)
    [again] = await receiver.wait_for_bot_messages(count=1, timeout=10)
    assert "ya fue respondida" in (again.text or "")

    [follow] = await say(receiver, "/seguimiento caso 1")
    assert "Seguimiento de CASO-0001 (ahora: aceptada)" in (follow.text or "")
    await receiver.press("ff:status:in_progress")
    await receiver.press("ff:due:7")
    [ask] = await press(receiver, "ff:note:add")
    assert "Escriba la nota" in (ask.text or "")
    [shown] = await say(receiver, "Ya asistió a su primera sesión.")
    assert "Nuevo estado: en atención" in (shown.text or "")
    assert "Nota: Ya asistió a su primera sesión." in (shown.text or "")
    assert "Próximo seguimiento: 11 mar" in (shown.text or "")
    [saved] = await press(receiver, "ff:do:save")
    assert saved.text == "Guardé el seguimiento de CASO-0001."
    [moved] = await sender.wait_for_bot_messages(count=1, timeout=10)
    assert "“en atención”" in (moved.text or "")

    [listing] = await say(receiver, "/casos")
    assert "1 caso abierto" in (listing.text or "")
    assert "CASO-0001 · Lupita · Apoyo psicológico · en atención" in (listing.text or "")
    assert f"de {SENDER_ORG}" in (listing.text or "")

    await say(receiver, "/seguimiento CASO-0001")
    await receiver.press("ff:status:completed")
    [done] = await press(receiver, "ff:do:save")
    assert done.text == "Guardé el seguimiento de CASO-0001."
    [closed] = await sender.wait_for_bot_messages(count=1, timeout=10)
    assert "“concluida”" in (closed.text or "")
    [history] = await say(sender, "/caso CASO-0001")
    history_text = history.text or ""
    assert "Lupita · 16 años · Mujer · Juárez" in history_text
    assert "estado: aceptada" in history_text and "estado: concluida" in history_text
    assert "Prefiere que la busquen por la tarde." in history_text
    [none_open] = await say(receiver, "/casos")
    assert none_open.text == "No hay casos abiertos. /referir para referir a alguien."


async def test_members_revoked_staff_and_bad_codes_are_refused_kindly(bot: BotUnderTest) -> None:
    member = bot.chat(user_id=3100)
    [refused] = await say(member, "/referir")
    assert "Eso es para el personal de organizaciones aliadas" in (refused.text or "")
    await member.forge_callback_query("sr:a:1")
    [button] = await member.wait_for_bot_messages(count=1, timeout=10)
    assert "Eso es para el personal" in (button.text or "")

    [unknown] = await say(member, "/start not-a-real-code")
    assert "no es válido" in (unknown.text or "")
    expired = await invite(bot, SENDER_ORG, lifetime=timedelta(hours=1))
    bot.clock.advance(timedelta(hours=2))
    [late] = await say(member, f"/start {expired}")
    assert (late.text or "").startswith("Ese código de invitación ya venció. Pida uno nuevo.")
    for attempt in range(4):  # with the expired one: five wrong codes within the hour
        await say(member, f"/start wrong-{attempt}")
    good = await invite(bot, SENDER_ORG)
    [locked] = await say(member, f"/start {good}")
    assert (locked.text or "").startswith(
        "Demasiados códigos incorrectos. Intente de nuevo en una hora."
    )
    bot.clock.advance(timedelta(minutes=61))
    [welcome] = await say(member, f"/start {good}")
    assert "vinculada a" in (welcome.text or "")
    [used] = await say(bot.chat(user_id=3101), f"/start {good}")
    assert (used.text or "").startswith("Ese código de invitación ya se usó. Pida uno nuevo.")
    # Staff are members too: the member menu and search work unchanged; /ayuda adds theirs,
    # and their chat's command menu lists the staff commands.
    [_start, menu] = await say(member, "/start", replies=2)
    assert "Buscar ayuda cerca" in menu.button_texts
    [_member_help, staff_help] = await say(member, "/ayuda", replies=2)
    assert "/referir – referir a una persona (paso a paso)" in (staff_help.text or "")
    [call] = [
        c
        for c in bot.emulator.calls("setMyCommands")
        if "scope" in c.params and "chat" in str(c.params["scope"])
    ]
    names = [c["command"] for c in call.params["commands"]]
    assert {"casos", "referir", "seguimiento", "start", "salir"} <= set(names)


async def test_a_case_of_another_organisation_reads_as_not_found(bot: BotUnderTest) -> None:
    sender = await join(bot, SENDER_ORG, 3001, "Rosa")
    receiver_name, _card = await guided_referral(sender)
    await press(sender, "rf:do:confirm")
    outsider = await join(bot, "Fundación Empresarial Inventada Horizonte Juárez (demo)", 3003, "X")
    [hidden] = await say(outsider, "/caso CASO-0001")
    [absent] = await say(outsider, "/caso CASO-0999")
    assert hidden.text == "No encuentro CASO-0001 entre los casos de su organización."
    assert absent.text == "No encuentro CASO-0999 entre los casos de su organización."
    # Nor can an outsider answer it by forging the receiver's button.
    await outsider.forge_callback_query("sr:a:1")
    [refused] = await outsider.wait_for_bot_messages(count=1, timeout=10)
    assert refused.text == "Su rol no permite eso. No se cambió nada."
    async with bot.database() as db, db.engine.connect() as conn:
        status = await conn.scalar(text("SELECT status FROM referrals WHERE id = 1"))
    assert status == "requested"
    del receiver_name


async def test_cancelling_and_declining_consent_save_nothing(bot: BotUnderTest) -> None:
    sender = await join(bot, SENDER_ORG, 3001, "Rosa")
    await say(sender, "/referir")
    await say(sender, "Lupita")
    [cancelled] = await say(sender, "/cancelar")
    assert cancelled.text == "Referencia cancelada. No se guardó nada."
    await guided_referral(sender)
    await press(sender, "rf:do:edit")
    [consent_again] = await press(sender, "rf:edit:urgent")
    assert "¿Es urgente?" in (consent_again.text or "")
    [card] = await press(sender, "rf:urgent:1")
    assert "Urgente: sí" in (card.text or "")
    # Back to consent by hand: a forged "no" at the card changes nothing.
    await sender.forge_callback_query("rf:consent:0")
    [asked_again] = await sender.wait_for_bot_messages(count=1, timeout=10)
    assert "Revise la referencia" in (asked_again.text or "")
    async with bot.database() as db, db.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM cases")) == 0
    await say(sender, "/cancelar")
    await say(sender, "/referir")
    for answer in ("Lupita", "16"):
        await say(sender, answer)
    await press(sender, "rf:gender:female")
    await press(sender, "rf:muni:0")
    [where] = await press(sender, "rf:need:legal_aid")
    await press(sender, buttons_with(where, "rf:dest:")[0][1])
    await press(sender, "rf:urgent:0")
    [no] = await press(sender, "rf:consent:0")
    assert "no puedo hacer la referencia y no se guardó nada" in (no.text or "")
    async with bot.database() as db, db.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM cases")) == 0


async def test_staff_describing_danger_get_one_line_and_their_referral_turns_urgent(
    bot: BotUnderTest,
) -> None:
    sender = await join(bot, SENDER_ORG, 3001, "Rosa")
    await say(sender, "/referir")
    [line, next_question] = await say(sender, "la joven dice que se quiere matar", replies=2)
    assert line.text is not None and line.text.startswith("☎️ Si la persona está en peligro ahora:")
    assert "800 911 2000" in line.text and "911" in line.text
    assert "Marqué esta referencia como urgente." in line.text
    assert line.button_texts == [], "no member crisis menu for staff"
    # The flow went on: the text was taken as the answer it was waiting for (and refused as
    # an alias), so the staff member is asked again, not thrown out of the referral.
    assert "alias" in (next_question.text or "")
    await say(sender, "Lupita")
    await say(sender, "16")
    await press(sender, "rf:gender:female")
    await press(sender, "rf:muni:0")
    [where] = await press(sender, "rf:need:psychological_support")
    [consent] = await press(sender, buttons_with(where, "rf:dest:")[0][1])
    assert "consentimiento" in (consent.text or ""), "urgency was already answered"
    await press(sender, "rf:consent:1")
    [card] = await press(sender, "rf:note:none")
    assert "Urgente: sí" in (card.text or "")


async def test_stale_and_forged_staff_buttons_change_nothing(bot: BotUnderTest) -> None:
    sender = await join(bot, SENDER_ORG, 3001, "Rosa")
    for data in ("ff:do:save", "rf:do:confirm", "sc:o:999", "sr:x:1:no_capacity", "rf:need:x"):
        await sender.forge_callback_query(data)
        [reply] = await sender.wait_for_bot_messages(count=1, timeout=10)
        assert reply.text in (
            "Ese botón ya no es válido. No se cambió nada.",
            "No encuentro CASO-0999 entre los casos de su organización.",
            "Su rol no permite eso. No se cambió nada.",
        ), (data, reply.text)
    async with bot.database() as db, db.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM cases")) == 0
