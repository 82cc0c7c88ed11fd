"""Searches and crisis replies through the real bot move the anonymous demand counters, and
nothing finer than their keys is written (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import text

from tests.bot_harness import RIBERAS_DEL_BRAVO, BotUnderTest, press, say

JUAREZ = "08037"


async def search_rows(bot: BotUnderTest) -> list[dict[str, object]]:
    await bot.save_state()  # waits until no update is being handled (the count follows the reply)
    async with bot.database() as db, db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT * FROM demand_searches ORDER BY need"))
        return [dict(r) for r in rows.mappings()]


async def crisis_rows(bot: BotUnderTest) -> list[dict[str, object]]:
    await bot.save_state()
    async with bot.database() as db, db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT * FROM demand_crises ORDER BY kind"))
        return [dict(r) for r in rows.mappings()]


async def search_by_location(bot: BotUnderTest, user_id: int, need: str) -> None:
    chat = bot.chat(user_id=user_id)
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, f"c:{need}")
    await chat.send_location(*RIBERAS_DEL_BRAVO)
    await chat.wait_for_bot_messages(count=1, timeout=10)


async def test_each_completed_search_adds_one_to_its_anonymous_counter(
    bot: BotUnderTest,
) -> None:
    assert await search_rows(bot) == []
    for user_id in (2001, 2002, 2003):
        await search_by_location(bot, user_id, "psychological_support")
    await search_by_location(bot, 2004, "legal_aid")

    rows = await search_rows(bot)
    assert sum(int(r["count"]) for r in rows) == 4  # type: ignore[call-overload]
    by_need = {r["need"]: r for r in rows}
    psychological = by_need["psychological_support"]
    assert psychological["count"] == 3
    assert psychological["week"] == "2026-W10"  # the bot's clock: Wednesday 4 March 2026
    assert psychological["municipality_code"] == JUAREZ
    assert psychological["age_band"] == "unknown"
    # The nearest demo psychologist is 25-50 km from Riberas del Bravo: unmet within 10 km;
    # legal aid is 5-10 km away.
    assert psychological["within_10km"] in (False, 0)
    assert psychological["distance_band"] == "25_50"
    assert by_need["legal_aid"]["within_10km"] in (True, 1)
    assert by_need["legal_aid"]["distance_band"] == "5_10"
    assert len(str(psychological["cell"])) == 15  # an H3 cell, not a point

    # A typed place counts too; the next page and an age filter of the same search do not.
    chat = bot.chat(user_id=2005)
    await say(chat, "/start", replies=2)
    await press(chat, "m:search")
    await press(chat, "c:*")
    await say(chat, "cd juarez")  # the place note inside the results message
    await press(chat, "r:more")
    await press(chat, "r:age")
    await press(chat, "a:18_29")
    rows = await search_rows(bot)
    assert sum(int(r["count"]) for r in rows) == 5  # type: ignore[call-overload]
    assert [r["count"] for r in rows if r["need"] == "any"] == [1]


async def test_crisis_lines_are_counted_by_kind_only_where_the_place_is_known(
    bot: BotUnderTest,
) -> None:
    stranger = bot.chat(user_id=2101)
    await say(stranger, "ya no quiero vivir, me quiero matar")
    assert await crisis_rows(bot) == [], "no place in the conversation: nothing counted"

    await search_by_location(bot, 2102, "psychological_support")
    member = bot.chat(user_id=2102)
    await say(member, "ya no quiero vivir, me quiero matar")
    [row] = await crisis_rows(bot)
    assert row == {
        "week": "2026-W10",
        "municipality_code": JUAREZ,
        "kind": "suicide_self_harm",
        "count": 1,
    }
