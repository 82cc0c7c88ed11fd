"""Confidential places, asking to be contacted, quick exit, forgetting, restarts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from domain.cases import ReferralStatus
from domain.people import Role, StaffMember
from domain.services.members import member_data
from juntos.database import Database
from storage.engine import create_engine, session_factory
from tests.bot_harness import RIBERAS_DEL_BRAVO, BotUnderTest, press, say


def database(bot: BotUnderTest) -> Database:
    engine = create_engine(bot.database_url)
    return Database(engine=engine, sessions=session_factory(engine))


async def shelter_results(bot: BotUnderTest, user_id: int = 1001):
    chat = bot.chat(user_id=user_id)
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:shelter")
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    [results] = await chat.wait_for_bot_messages(count=1, timeout=10)
    return chat, results


async def test_a_shelter_is_named_by_municipality_without_address_distance_or_map(
    bot: BotUnderTest,
) -> None:
    chat, results = await shelter_results(bot)
    text_ = results.text or ""
    assert "En Juárez hay un lugar confidencial que te puede ayudar." in text_
    assert "🔒 A. Colectivo Vecinal Puentes de Paz Juárez (demo)" in text_
    assert "km" not in text_  # no distance, no bound
    assert "Calle Ficticia" not in text_
    assert "C.P." not in text_
    assert not any(b.startswith("Mapa") for b in results.button_texts)
    assert "Que me contacten: A" in results.button_texts
    # A forged "map" press sends no venue: there is no public result to show.
    await chat.forge_callback_query("v:0", results)
    [answer] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert answer.venue is None
    assert all(m.venue is None for m in chat.visible_messages())


async def test_asking_to_be_contacted_needs_consent_and_creates_a_pseudonymous_case(
    bot: BotUnderTest,
) -> None:
    chat, _results = await shelter_results(bot)
    [consent] = await press(chat, "k:0")
    assert "(demo)" in (consent.text or "")  # names the organisation
    assert "nunca tu nombre ni tu teléfono" in (consent.text or "")
    # Who writes, how and roughly when; the limit of confidentiality (no age given).
    assert "te escribirá aquí, con un mensaje a través de Juntos" in (consent.text or "")
    assert "No es una llamada" in (consent.text or "")
    assert "puede estar obligada a avisar a las autoridades" in (consent.text or "")
    assert "/borrar" in (consent.text or "")
    assert consent.button_texts == ["Sí, acepto", "No, gracias"]
    [done] = await press(chat, "y:consent:1")
    assert "Tu clave es CASO-0001" in (done.text or "")
    assert "folio" not in (done.text or "")

    [status] = await say(chat, "/estado")
    assert "CASO-0001" in (status.text or "") and "esperando respuesta" in (status.text or "")

    db = database(bot)
    try:
        data = await member_data(chat.chat_id, db.uow(), bot.clock)
        assert [(c.code, c.status) for c in data.cases] == [("CASO-0001", ReferralStatus.REQUESTED)]
        async with db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT * FROM members"))).all()
        assert len(rows) == 1
        assert str(chat.chat_id) not in str(rows)  # stored encrypted and hashed
    finally:
        await db.close()


async def test_declining_consent_stores_nothing(bot: BotUnderTest) -> None:
    chat, _results = await shelter_results(bot)
    await press(chat, "k:0")
    replies = await press(chat, "y:consent:0", replies=1)
    assert "no compartí nada" in (replies[0].text or "")
    db = database(bot)
    try:
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM cases"))).scalar() == 0
            assert (await conn.execute(text("SELECT count(*) FROM members"))).scalar() == 0
    finally:
        await db.close()


async def test_contact_from_the_crisis_reply_asks_need_and_place_first(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await say(chat, "me estan golpeando")
    [need] = await press(chat, "k:-")
    assert need.text == "¿Qué tipo de ayuda buscas?"
    assert all(d.startswith("cc:") for d in need.callback_data)
    [where] = await press(chat, "cc:gender_violence")
    assert "¿Dónde estás?" in (where.text or "")
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    [consent] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert consent.button_texts == ["Sí, acepto", "No, gracias"]
    [done] = await press(chat, "y:consent:1")
    assert "CASO-0001" in (done.text or "")


async def test_quick_exit_deletes_both_sides_and_leaves_one_neutral_line(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:legal_aid")
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    await chat.wait_for_bot_messages(count=1, timeout=10)
    assert len(chat.visible_messages()) >= 7
    [neutral] = await say(chat, "/salir")
    assert neutral.text == "Hasta pronto."
    await chat.wait_until(lambda: chat.visible_messages() == [neutral], timeout=10)
    # The conversation state is gone too: a location now asks for the need again.
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    [again] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert again.text == "¿Qué tipo de ayuda buscas?"


async def test_quick_exit_leaves_messages_older_than_48_hours(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await say(chat, "/start", replies=2)
    chat_data = bot.application.chat_data[chat.chat_id]
    # The bot notes a reply's id when the Bot API's answer arrives, which may be just after
    # the member sees it.
    await chat.wait_until(lambda: len(chat_data.get("log", [])) == 3, timeout=10)
    for entry in chat_data["log"]:
        entry[1] -= 49 * 3600  # pretend they were sent two days ago
    await chat.send_text("/salir")
    await chat.wait_until(
        lambda: any(m.text == "Hasta pronto." for m in chat.visible_messages()), timeout=10
    )
    # The three old messages (the member's /start and both replies) + the neutral line.
    assert chat.visible_messages()[0].text == "/start"
    assert len(chat.visible_messages()) == 4
    assert all(call.status == 200 for call in bot.emulator.calls("deleteMessages"))


async def test_restart_mid_conversation_keeps_the_step(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:addiction_treatment")
    await bot.restart()
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    [results] = await chat.wait_for_bot_messages(count=1, timeout=10)
    assert "Atención a adicciones" in (results.text or "")
    # ...and /salir after the restart still deletes messages from before it.
    await chat.send_text("/salir")
    await chat.wait_until(lambda: len(chat.visible_messages()) == 1, timeout=10)


async def test_persisted_state_is_encrypted(bot: BotUnderTest) -> None:
    chat = bot.chat()
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:legal_aid")
    await bot.stop()  # flushes the persistence
    db = database(bot)
    try:
        async with db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT kind, key_hash, payload FROM bot_state"))).all()
    finally:
        await db.close()
        await bot.start()
    assert {r.kind for r in rows} >= {"user", "chat"}
    dump = str(rows)
    assert str(chat.chat_id) not in dump and "legal_aid" not in dump


async def test_my_data_then_delete_forgets_the_member_but_keeps_the_case_code(
    bot: BotUnderTest,
) -> None:
    chat, _ = await shelter_results(bot)
    await press(chat, "k:0")
    await press(chat, "y:consent:1")
    [mine] = await say(chat, "/mis_datos")
    text_ = mine.text or ""
    assert "Idioma: español" in text_
    assert "Permiso para que te contacten: dado el" in text_
    assert "CASO-0001" in text_
    [confirm] = await say(chat, "/borrar")
    assert confirm.button_texts == ["Sí, borrar", "No, conservar"]
    [done] = await press(chat, "y:delete:1")
    assert (done.text or "").startswith("Listo, borré tus datos.")
    assert "Ninguna organización te podrá escribir" in (done.text or "")
    [mine_again] = await say(chat, "/mis_datos")
    assert "no dado" in (mine_again.text or "")
    assert "CASO-0001" not in (mine_again.text or "")
    db = database(bot)
    try:
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM members"))).scalar() == 0
            row = (await conn.execute(text("SELECT code, member_id FROM cases"))).one()
        assert tuple(row) == ("CASO-0001", None)
    finally:
        await db.close()


async def test_staff_hear_of_a_request_and_are_reminded_when_nobody_answers(
    bot: BotUnderTest,
) -> None:
    chat, _ = await shelter_results(bot)
    [consent] = await press(chat, "k:0")
    db = database(bot)
    try:
        # The shelter's organisation, as the consent prompt names it.
        async with db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, name FROM organizations"))).all()
        organization_id = next(oid for oid, name in rows if name in (consent.text or ""))
        staff_chat = bot.emulator.private_chat(user_id=5005, first_name="Staff")
        async with db.uow() as uow:
            await uow.people.add_staff(
                StaffMember(
                    id=None,
                    display_name="Rosa (demo)",
                    role=Role.STAFF,
                    organization_id=organization_id,
                    chat_id=staff_chat.chat_id,
                )
            )
            await uow.commit()
    finally:
        await db.close()
    await press(chat, "y:consent:1")
    [notice] = await staff_chat.wait_for_bot_messages(count=1, timeout=10)
    assert notice.text is not None and notice.text.startswith("Nueva referencia CASO-0001")
    assert "pidió por Juntos que la contacten" in notice.text
    assert "Refugio" in notice.text
    assert notice.button_texts[:2] == ["Aceptar", "Rechazar"]

    bot.clock.advance(timedelta(hours=49))
    [job] = bot.application.job_queue.get_jobs_by_name("reminders")
    await job.run(bot.application)
    [reminder] = await staff_chat.wait_for_bot_messages(count=1, timeout=10)
    assert (reminder.text or "").startswith("Recordatorio: la solicitud CASO-0001")
    await job.run(bot.application)  # a second sweep sends nothing more
    assert staff_chat.unread_bot_messages() == []
