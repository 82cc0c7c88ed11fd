"""A staff trainer runs a whole referral story on the sandbox page (its JSON API, as the
browser calls it): staff personas join through the invitations `juntos demo load` issues."""

from __future__ import annotations

import httpx

from juntos.sandbox_invites import issue_persona_invites
from sandbox import PERSONAS, BotApiEmulator
from sandbox.personas import with_invites
from tests.bot_harness import BotUnderTest
from tests.e2e.test_sandbox_member import PageUser, buttons

ROSA = next(p for p in PERSONAS if p.first_name == "Rosa")
TERE = next(p for p in PERSONAS if p.first_name == "Tere")
MARCO = next(p for p in PERSONAS if p.first_name == "Marco")


async def test_staff_personas_join_by_invitation_and_refer(
    bot: BotUnderTest, emulator: BotApiEmulator, page: httpx.AsyncClient
) -> None:
    async with bot.database() as db:
        codes = await issue_persona_invites(db, bot.clock)
        again = await issue_persona_invites(db, bot.clock)
    assert set(codes) == {ROSA.user_id, TERE.user_id, MARCO.user_id}
    emulator.personas = with_invites(PERSONAS, codes)
    setup = (await page.get("/sandbox/api/setup")).json()
    shown = {p["first_name"]: p for p in setup["personas"]}
    assert shown["Rosa"]["invite_code"] == codes[ROSA.user_id]
    assert (
        shown["Rosa"]["label"]
        == "Rosa, personal, Oficina Municipal Ficticia de Prevención Juárez (demo)"
    )
    assert shown["Ana"]["invite_code"] is None

    rosa, tere, marco = (PageUser(page, p) for p in (ROSA, TERE, MARCO))
    [joined] = await rosa.say(f"/start {codes[ROSA.user_id]}")
    assert "como personal" in joined["text"]
    [joined] = await tere.say(f"/start {again[TERE.user_id]}")  # the newest code works too
    assert "Colectivo Vecinal Puentes de Paz Juárez (demo) como personal" in joined["text"]
    [joined] = await marco.say(f"/start {codes[MARCO.user_id]}")
    assert "como coordinación" in joined["text"]
    async with bot.database() as db:
        assert await issue_persona_invites(db, bot.clock) == {}, "linked personas get none"

    await rosa.say("/referir")
    await rosa.say("Lupita")
    await rosa.say("16")
    await rosa.press("Mujer")
    await rosa.press("Juárez")
    [where] = await rosa.press("Apoyo psicológico")
    colectivo = next(b for b in buttons(where) if b.startswith("Colectivo Vecinal"))
    await rosa.press(colectivo)
    await rosa.press("No urgente")
    await rosa.press("Sí, aceptó")
    [card] = await rosa.press("Sin nota")
    assert "Revise la referencia" in card["text"]
    [sent] = await rosa.press("Confirmar")
    assert sent["text"].startswith("Listo: CASO-0001 se envió a Colectivo Vecinal")

    [new] = await tere.replies(1)
    assert new["text"].startswith("Nueva referencia CASO-0001")
    await tere.press("Aceptar", replies=1)
    [told] = await rosa.replies(1)
    assert "“aceptada”" in told["text"]
    [also_told] = await marco.replies(1)  # Marco works at Rosa's organisation too
    assert also_told["text"] == told["text"]
    [cases] = await marco.say("/casos")
    assert "CASO-0001 · Lupita" in cases["text"], "the coordinator sees the municipality's cases"
