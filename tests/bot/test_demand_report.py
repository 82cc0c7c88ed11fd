"""/demanda through the real bot: a coordinator gets the map, the summary and the CSV of their
municipality, every small count as "< 5"; anyone else is refused and sees nothing."""

from __future__ import annotations

import csv
import io

from domain.demand import AgeBand, DistanceBand, SearchKey
from domain.people import Role
from sandbox import BotApiEmulator, PrivateChat, StoredMessage
from tests.bot.test_staff_side import SENDER_ORG, invite, join
from tests.bot_harness import BotUnderTest, press, say


async def forge(chat: PrivateChat, data: str) -> list[StoredMessage]:
    """Press a button the bot never sent (callback data is client-controlled)."""
    await chat.forge_callback_query(data)
    return await chat.wait_for_bot_messages(count=1, timeout=10.0)


JUAREZ, MONTERREY = "08037", "19039"
#: Two cells of Juárez (H3, resolution 7), ~8 km apart.
BUSY_CELL, QUIET_CELL = "8748c6d51ffffff", "8748c6d0bffffff"


async def seed(bot: BotUnderTest, code: str = JUAREZ) -> None:
    """Counts of this week (the bot's clock: 2026-W10) as searches would have left them."""

    def key(cell: str, need: str, within: bool) -> SearchKey:
        band = DistanceBand.UNDER_2 if within else DistanceBand.FROM_25_TO_50
        return SearchKey("2026-W10", code, cell, need, AgeBand.UNKNOWN, within, band)

    async with bot.database() as db, db.uow() as uow:
        await uow.demand.add_search(key(BUSY_CELL, "psychological_support", False), 12)
        await uow.demand.add_search(key(QUIET_CELL, "legal_aid", False), 3)
        await uow.demand.add_search(key(BUSY_CELL, "health", True), 7)
        await uow.commit()


async def coordinator(bot: BotUnderTest, user_id: int = 3001) -> PrivateChat:
    chat = bot.chat(user_id=user_id, first_name="Coordinación")
    code = await invite(bot, SENDER_ORG, Role.COORDINATOR, frozenset({JUAREZ}))
    [welcome] = await say(chat, f"/start {code}")
    assert "coordinación" in (welcome.text or "").lower()
    return chat


async def test_a_coordinator_gets_the_map_the_summary_and_the_csv(
    bot: BotUnderTest, emulator: BotApiEmulator
) -> None:
    await seed(bot)
    chat = await coordinator(bot)
    [question] = await say(chat, "/demanda")
    assert "Juárez" in (question.text or "")
    assert question.button_texts == ["Este mes", "Últimos 3 meses", "Este año"]

    photo, summary, document = await press(chat, f"dm:month:{JUAREZ}", replies=3)
    assert photo.photo is not None
    png = emulator.store.files[photo.photo[-1]["file_id"]].data
    assert png is not None and png.startswith(b"\x89PNG")
    assert "Dónde falta ayuda: Juárez" in (photo.caption or "")

    text = summary.text or ""
    assert "Apoyo psicológico · A1: 12" in text  # the largest unmet need, ranked first
    assert "Asesoría legal" not in text.split("Atendidas")[0], "3 searches: never ranked"
    assert "1 grupo más con menos de 5" in text
    assert "Salud: 100 % de 7" in text or "Salud: 100% de 7" in text
    assert "Asesoría legal: < 5 búsquedas" in text

    assert document.document is not None
    assert document.document["file_name"].endswith(".csv")
    data = emulator.store.files[document.document["file_id"]].data
    assert data is not None
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "necesidad"
    counts = [row[5:7] for row in rows[1:]]
    assert ["12", "12"] in counts and ["< 5", "< 5"] in counts
    assert all(c == "< 5" or int(c) >= 5 for pair in counts for c in pair), "no small number"


async def test_another_municipality_is_refused_and_an_empty_period_says_so(
    bot: BotUnderTest,
) -> None:
    await seed(bot, MONTERREY)
    chat = await coordinator(bot)
    # A forged button for a municipality this coordinator does not cover.
    [refused] = await forge(chat, f"dm:month:{MONTERREY}")
    assert "solo de los municipios que coordina" in (refused.text or "")
    [unknown] = await say(chat, "/demanda qwzx kkkpp")
    assert "No encontré ese municipio" in (unknown.text or "")
    [refused_by_name] = await say(chat, "/demanda Monterrey")
    [refused_again] = await press(chat, f"dm:year:{MONTERREY}")
    assert "solo de los municipios que coordina" in (refused_again.text or "")
    assert "Monterrey" in (refused_by_name.text or "")
    # Juárez has no counts yet: said, no empty map.
    [empty] = await forge(chat, f"dm:quarter:{JUAREZ}")
    assert "No se contaron búsquedas en Juárez" in (empty.text or "")
    assert chat.unread_bot_messages() == []
    [stale] = await forge(chat, "dm:week:08037")
    assert "ya no" in (stale.text or "").lower() or "vencido" in (stale.text or "").lower()


async def test_members_and_partner_staff_cannot_see_the_demand(bot: BotUnderTest) -> None:
    await seed(bot)
    member = bot.chat(user_id=3101)
    [reply] = await say(member, "/demanda")
    assert "911" in (reply.text or ""), "no dead end for a member"
    [forged] = await forge(member, f"dm:month:{JUAREZ}")
    assert forged.photo is None and "personal de organizaciones" in (forged.text or "")
    staff = await join(bot, SENDER_ORG, 3102, "Beto")
    [staff_reply] = await say(staff, "/demanda")
    assert "coordinadores" in (staff_reply.text or "")


async def test_a_coordinator_of_two_municipalities_chooses_one_first(bot: BotUnderTest) -> None:
    chat = bot.chat(user_id=3201, first_name="Coordinación")
    code = await invite(bot, SENDER_ORG, Role.COORDINATOR, frozenset({JUAREZ, MONTERREY}))
    await say(chat, f"/start {code}")
    [which] = await say(chat, "/demanda")
    assert which.text == "¿Qué municipio?"
    assert which.button_texts == ["Juárez", "Monterrey"]
    [period] = await press(chat, f"dm:m:{MONTERREY}")
    assert "Monterrey" in (period.text or "")
    assert period.callback_data == [f"dm:{p}:{MONTERREY}" for p in ("month", "quarter", "year")]
