"""Closing the loop with the member, through the real bot and the emulator (SQLite and
PostgreSQL): the member hears back, and the member and the organisation write to each other
through the bot without either seeing the other's Telegram account.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text

from sandbox import PrivateChat, StoredMessage
from tests.bot.test_staff_side import buttons_with, invite
from tests.bot_harness import RIBERAS_DEL_BRAVO, BotUnderTest, press, say

SHELTER_ORG = "Colectivo Vecinal Puentes de Paz Juárez (demo)"
MEMBER: dict[str, Any] = {
    "user_id": 4101,
    "first_name": "Anabel",
    "last_name": "Quiroga",
    "username": "ana_q_16",
}
STAFF: dict[str, Any] = {
    "user_id": 4201,
    "first_name": "Teresa",
    "last_name": "Galindo",
    "username": "tere_gal",
}


async def member_and_staff(bot: BotUnderTest) -> tuple[PrivateChat, PrivateChat]:
    """A member whose request reached the shelter's organisation, and its linked staff."""
    staff = bot.emulator.private_chat(**STAFF)
    await say(staff, f"/start {await invite(bot, SHELTER_ORG)}")
    member = bot.emulator.private_chat(**MEMBER)
    await say(member, "/start", replies=2)
    await press(member, "m:search")
    await press(member, "c:shelter")
    await member.send_location(*RIBERAS_DEL_BRAVO)
    await member.wait_for_bot_messages(count=1, timeout=10)
    await press(member, "k:0")
    await press(member, "y:consent:1")
    [card] = await staff.wait_for_bot_messages(count=1, timeout=10)
    assert (card.text or "").startswith("Nueva referencia CASO-0001")
    await press(staff, buttons_with(card, "sr:a:")[0][1])
    return member, staff


async def staff_writes(staff: PrivateChat, words: str) -> list[StoredMessage]:
    [card] = await say(staff, "/caso CASO-0001")
    [prompt] = await press(staff, "rl:w:1")
    assert prompt.force_reply
    await staff.send_text(words, reply_to=prompt)
    return await staff.wait_for_bot_messages(count=1, timeout=10)


async def test_request_accepted_written_answered_completed_and_rated(bot: BotUnderTest) -> None:
    member, staff = await member_and_staff(bot)
    [accepted] = await member.wait_for_bot_messages(count=1, timeout=10)
    assert (accepted.text or "").startswith("Tienes un mensaje nuevo de Juntos.\n\n")
    assert f"{SHELTER_ORG} aceptó tu solicitud CASO-0001" in (accepted.text or "")
    assert "no verán tu cuenta de Telegram" in (accepted.text or "")

    [sent] = await staff_writes(staff, "Hola, soy de la organización. ¿Cómo estás?")
    assert sent.text == "✓ Enviado a la persona de CASO-0001."
    [relayed] = await member.wait_for_bot_messages(count=1, timeout=10)
    assert relayed.text == (
        f"Tienes un mensaje nuevo de Juntos.\n\n{SHELTER_ORG} te escribe:\n"
        "Hola, soy de la organización. ¿Cómo estás?"
    )
    assert relayed.raw.get("forward_origin") is None and "forward_from" not in relayed.raw

    [prompt] = await press(member, buttons_with(relayed, "rl:r:")[0][1])
    assert prompt.force_reply and "No verán tu nombre ni tu cuenta" in (prompt.text or "")
    await member.send_text("Bien, gracias. ¿Me pueden llamar mañana?", reply_to=prompt)
    [ack] = await member.wait_for_bot_messages(count=1, timeout=10)
    assert ack.text == f"Se lo envié a {SHELTER_ORG}."
    [answer] = await staff.wait_for_bot_messages(count=1, timeout=10)
    assert answer.text == "💬 CASO-0001 · Telegram:\nBien, gracias. ¿Me pueden llamar mañana?"
    # A reply straight to the relayed message reaches the other side too.
    await staff.send_text("Claro, mañana a las 10.", reply_to=answer)
    [ok] = await staff.wait_for_bot_messages(count=1, timeout=10)
    assert ok.text == "✓ Enviado a la persona de CASO-0001."
    [second] = await member.wait_for_bot_messages(count=1, timeout=10)
    assert second.text is not None and second.text.endswith("Claro, mañana a las 10.")

    await say(staff, "/seguimiento CASO-0001")
    await staff.press("ff:status:in_progress")
    await press(staff, "ff:do:save")
    await say(staff, "/seguimiento CASO-0001")
    await staff.press("ff:status:completed")
    await press(staff, "ff:do:save")
    [done] = await member.wait_for_bot_messages(count=1, timeout=10)
    assert "dio por terminada tu solicitud. ¿Te sirvió?" in (done.text or "")
    assert done.button_texts == ["Sí", "Más o menos", "No"]
    [thanks] = await press(member, buttons_with(done, "rl:o:")[0][1])
    assert "Gracias por contarme" in (thanks.text or "")
    async with bot.database() as db, db.engine.connect() as conn:
        row = (await conn.execute(text("SELECT outcome, first_contact_at FROM referrals"))).one()
        stored = (await conn.execute(text("SELECT text FROM relay_messages"))).scalars().all()
        audit = (await conn.execute(text("SELECT action, detail FROM audit_entries"))).all()
    assert row.outcome == "useful" and row.first_contact_at is not None
    assert len(stored) == 3 and not any("gracias" in s.casefold() for s in stored), "encrypted"
    relay_events = [a for a, _d in audit if a.startswith("relay.")]
    assert relay_events.count("relay.to_member") == 2 and relay_events.count("relay.to_staff") == 1
    assert "¿Cómo estás?" not in str(audit), "the audit trail records events, never content"


async def test_neither_side_ever_sees_the_others_account(bot: BotUnderTest) -> None:
    member, staff = await member_and_staff(bot)
    await staff_writes(staff, "Hola")
    relayed = (await member.wait_for_bot_messages(count=2, timeout=10))[-1]
    [prompt] = await press(member, buttons_with(relayed, "rl:r:")[0][1])
    await member.send_text("Hola, gracias", reply_to=prompt)
    await member.wait_for_bot_messages(count=1, timeout=10)
    await staff.wait_for_bot_messages(count=1, timeout=10)
    member_saw = " ".join(str(m.raw) for m in member.bot_messages())
    staff_saw = " ".join(str(m.raw) for m in staff.bot_messages())
    for secret in (
        STAFF["first_name"],
        STAFF["last_name"],
        STAFF["username"],
        str(STAFF["user_id"]),
    ):
        assert secret not in member_saw, secret
    for secret in (
        MEMBER["first_name"],
        MEMBER["last_name"],
        MEMBER["username"],
        str(MEMBER["user_id"]),
    ):
        assert secret not in staff_saw, secret


async def test_a_crisis_in_the_relay_reaches_both_sides(bot: BotUnderTest) -> None:
    member, staff = await member_and_staff(bot)
    await staff_writes(staff, "¿Cómo sigues?")
    relayed = (await member.wait_for_bot_messages(count=2, timeout=10))[-1]
    [prompt] = await press(member, buttons_with(relayed, "rl:r:")[0][1])
    await member.send_text("ya no puedo mas me quiero matar hoy", reply_to=prompt)
    [lines] = await member.wait_for_bot_messages(count=1, timeout=10)
    assert "800 911 2000" in (lines.text or "")
    [alert] = await staff.wait_for_bot_messages(count=1, timeout=10)
    assert (alert.text or "").startswith("⚠️ Posible crisis — CASO-0001")
    assert "A la persona se le mostraron las líneas de emergencia." in (alert.text or "")
    assert member.unread_bot_messages() == [], "the crisis reply is the only answer"


async def test_quick_exit_mid_thread_deletes_the_messages_and_tells_the_staff(
    bot: BotUnderTest,
) -> None:
    member, staff = await member_and_staff(bot)
    await staff_writes(staff, "Hola")
    await member.wait_for_bot_messages(count=2, timeout=10)
    await member.send_text("/salir")
    [bye] = await member.wait_for_bot_messages(count=1, timeout=10)
    await member.wait_until(lambda: member.visible_messages() == [bye], timeout=10)
    [left] = await staff.wait_for_bot_messages(count=1, timeout=10)
    assert left.text == "CASO-0001: la persona salió de la conversación (salida rápida)."
    # The staff cannot reopen what the member closed.
    [card] = await say(staff, "/caso CASO-0001")
    [refused] = await press(staff, "rl:w:1")
    assert "CASO-0001: la persona" in (refused.text or "")
    assert member.unread_bot_messages() == []


async def test_deleting_my_data_mid_thread_withdraws_and_closes(bot: BotUnderTest) -> None:
    member, staff = await member_and_staff(bot)
    await staff_writes(staff, "Hola")
    await member.wait_for_bot_messages(count=2, timeout=10)
    await say(member, "/borrar")
    [gone] = await press(member, "y:delete:1")
    assert gone.text is not None
    notices = await staff.wait_for_bot_messages(count=2, timeout=10)
    texts = {m.text for m in notices}
    assert "CASO-0001: la persona retiró su solicitud y borró sus datos." in texts
    async with bot.database() as db, db.engine.connect() as conn:
        status = await conn.scalar(text("SELECT status FROM referrals"))
        messages = await conn.scalar(text("SELECT count(*) FROM relay_messages"))
        member_id = await conn.scalar(text("SELECT member_id FROM cases"))
    assert (status, messages, member_id) == ("cancelled", 0, None)
    [card] = await say(staff, "/caso CASO-0001")
    assert "rl:w:1" not in card.callback_data, "nobody left to write to"


async def test_blocking_an_organisation_and_a_blocked_bot(bot: BotUnderTest) -> None:
    member, staff = await member_and_staff(bot)
    await staff_writes(staff, "Hola")
    relayed = (await member.wait_for_bot_messages(count=2, timeout=10))[-1]
    [question] = await press(member, buttons_with(relayed, "rl:b:")[0][1])
    assert "No se puede deshacer" in (question.text or "")
    [blocked] = await press(member, buttons_with(question, "rl:B:")[0][1])
    assert blocked.text == f"Listo: {SHELTER_ORG} ya no te puede escribir."
    [told] = await staff.wait_for_bot_messages(count=1, timeout=10)
    assert told.text == "CASO-0001: la persona ya no quiere mensajes de su organización."
    [card] = await say(staff, "/caso CASO-0001")
    [refused] = await press(staff, "rl:w:1")
    assert refused.text == "CASO-0001: la persona ya no quiere mensajes de su organización."
    assert member.unread_bot_messages() == []


async def test_a_member_who_blocked_the_bot_closes_the_thread(bot: BotUnderTest) -> None:
    member, staff = await member_and_staff(bot)
    await member.wait_for_bot_messages(count=1, timeout=10)
    member.block()
    [sent] = await staff_writes(staff, "Hola")
    assert sent.text == (
        "CASO-0001: el mensaje no se pudo entregar (la persona bloqueó el bot). "
        "La conversación se cerró."
    )


async def test_a_confidential_address_needs_the_staff_members_confirmation(
    bot: BotUnderTest,
) -> None:
    member, staff = await member_and_staff(bot)
    async with bot.database() as db, db.engine.connect() as conn:
        address = await conn.scalar(
            text(
                "SELECT a.address_1 FROM addresses a JOIN services_at_location sal "
                "ON sal.location_id = a.location_id JOIN services s ON s.id = sal.service_id "
                "WHERE s.name = 'Casa Refugio Temporal Juárez (demo)'"
            )
        )
    [warning] = await staff_writes(staff, f"Te esperamos en {address}, toca el timbre.")
    assert "la dirección de un lugar confidencial" in (warning.text or "")
    member_before = len(member.bot_messages())
    [not_sent] = await press(staff, buttons_with(warning, "rl:x:")[0][1])
    assert not_sent.text == "No se envió."
    assert len(member.bot_messages()) == member_before
    [warning_again] = await staff_writes(staff, f"Te esperamos en {address}.")
    [ok] = await press(staff, buttons_with(warning_again, "rl:y:")[0][1])
    assert ok.text == "✓ Enviado a la persona de CASO-0001."
    relayed = (await member.wait_for_bot_messages(count=2, timeout=10))[-1]
    assert address in (relayed.text or "")


async def test_other_organisations_and_members_cannot_use_a_thread(bot: BotUnderTest) -> None:
    member, staff = await member_and_staff(bot)
    await staff_writes(staff, "Hola")
    await member.wait_for_bot_messages(count=2, timeout=10)
    outsider = bot.chat(user_id=4301, first_name="Otra")
    await say(
        outsider,
        f"/start {await invite(bot, 'Fundación Empresarial Inventada Horizonte Juárez (demo)')}",
    )
    await outsider.forge_callback_query("rl:w:1")
    [no] = await outsider.wait_for_bot_messages(count=1, timeout=10)
    assert no.text in (
        "No encuentro CASO-0001 entre los casos de su organización.",
        "Solo la organización que aceptó la referencia puede escribir a la persona, "
        "mientras esté aceptada o en atención.",
    )
    stranger = bot.chat(user_id=4401, first_name="Nadie")
    await say(stranger, "/start", replies=2)
    for data in ("rl:r:1", "rl:c:1", "rl:B:1", "rl:o:1:u", "rl:y:1"):
        await stranger.forge_callback_query(data)
        [reply] = await stranger.wait_for_bot_messages(count=1, timeout=10)
        assert "911" in (reply.text or ""), (data, reply.text)
    async with bot.database() as db, db.engine.connect() as conn:
        assert await conn.scalar(text("SELECT status FROM relay_threads")) == "open"
    assert re.search(r"Nadie|4401", " ".join(str(m.raw) for m in staff.bot_messages())) is None


async def test_a_rejected_request_offers_the_next_option_in_one_tap(bot: BotUnderTest) -> None:
    staff = bot.emulator.private_chat(**STAFF)
    await say(staff, f"/start {await invite(bot, SHELTER_ORG)}")
    member = bot.emulator.private_chat(**MEMBER)
    await say(member, "/start", replies=2)
    await press(member, "m:search")
    await press(member, "c:gender_violence")
    await member.send_location(*RIBERAS_DEL_BRAVO)
    [results] = await member.wait_for_bot_messages(count=1, timeout=10)
    assert "k:0" in results.callback_data
    await press(member, "k:0")
    await press(member, "y:consent:1")
    [card] = await staff.wait_for_bot_messages(count=1, timeout=10)
    await press(staff, buttons_with(card, "sr:n:")[0][1])
    await press(staff, "sr:x:1:no_capacity")
    [news] = await member.wait_for_bot_messages(count=1, timeout=10)
    assert "no pudo tomar tu solicitud" in (news.text or "")
    offered = buttons_with(news, "rl:n:")
    assert offered, news.text
    [asked] = await press(member, offered[0][1])
    assert (asked.text or "").startswith("Listo: se lo pedí a")
    assert "CASO-0001" in (asked.text or "")
    async with bot.database() as db, db.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT status FROM referrals ORDER BY id"))).scalars()
        assert list(rows) == ["rejected", "requested"]
