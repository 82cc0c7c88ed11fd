"""'I want someone to contact me': explicit consent, then a pseudonymous case and referral."""

from __future__ import annotations

from telegram import Update

from bot import keyboards, texts
from bot.context import JuntosContext, services_of
from bot.handlers import search
from bot.handlers.common import say, search_point, show_menu, translator, user_data
from bot.state import Flow, Purpose, Step, load_flow, save_flow
from domain.services.members import (
    ContactRequest,
    find_contact_target,
    member_data,
    request_contact,
)


async def stale(update: Update, context: JuntosContext) -> None:
    """A button that no longer matches the conversation (old, or forged)."""
    t = translator(update, context)
    await show_menu(update, t, texts.stale_button(t))


async def ask_contact(update: Update, context: JuntosContext, index: int | None) -> None:
    """Start a contact request, about a listed result or about the member's need."""
    flow = load_flow(user_data(context))
    t = translator(update, context)
    flow.purpose = Purpose.CONTACT
    if index is not None:
        # The confidential place of the results with this letter (public places show a map).
        if index >= len(flow.offers):
            await stale(update, context)
            return
        offer = flow.offers[index]
        flow.contact_service_id = offer.service_id
        flow.contact_organization = offer.organization_name
        save_flow(user_data(context), flow)
        await offer_consent(update, context)
        return
    flow.contact_service_id = None
    flow.contact_organization = None
    if flow.category is None:
        flow.step = Step.NEED
        save_flow(user_data(context), flow)
        await say(update, texts.category_prompt(t), keyboards.categories(t, for_contact=True))
        return
    await search.continue_with_place(update, context, flow)


def _request(update: Update, context: JuntosContext, flow: Flow, locale: str) -> ContactRequest:
    chat = update.effective_chat
    assert chat is not None
    return ContactRequest(
        chat_id=chat.id,
        locale=locale,
        category=flow.category,
        municipality_code=flow.inegi_code,
        point=search_point(update, context, flow),
        age=flow.age,
        service_id=flow.contact_service_id,
    )


async def _find_organisation(
    update: Update, context: JuntosContext, flow: Flow, locale: str
) -> bool:
    """Choose the organisation that would receive the request, so consent can name it."""
    if flow.contact_service_id is not None:
        return True
    services = services_of(context)
    target = await find_contact_target(_request(update, context, flow, locale), services.uow())
    if target is None:
        return False
    flow.contact_service_id = target.service_id
    flow.contact_organization = target.organization_name
    return True


async def offer_consent(update: Update, context: JuntosContext) -> None:
    """Say exactly what will be shared, with whom, and how to take it back; ask yes or no."""
    flow = load_flow(user_data(context))
    t = translator(update, context)
    if not await _find_organisation(update, context, flow, t.locale):
        flow.step = Step.IDLE
        save_flow(user_data(context), flow)
        await say(update, texts.contact_unavailable(t), keyboards.main_menu(t))
        return
    flow.step = Step.CONSENT
    save_flow(user_data(context), flow)
    await say(
        update,
        texts.consent_prompt(t, flow.contact_organization, has_age=flow.age is not None),
        keyboards.confirm(t, "consent"),
    )


async def answer_consent(update: Update, context: JuntosContext, yes: bool) -> None:
    flow = load_flow(user_data(context))
    t = translator(update, context)
    if flow.step is not Step.CONSENT or flow.contact_service_id is None:
        await stale(update, context)
        return
    if not yes:
        flow.step = Step.IDLE
        flow.purpose = Purpose.SEARCH
        save_flow(user_data(context), flow)
        await show_menu(update, t, texts.consent_declined(t))
        return
    services = services_of(context)
    result = await request_contact(
        _request(update, context, flow, t.locale),
        services.uow(),
        services.clock,
        services.notifier,
    )
    flow.step = Step.IDLE
    flow.purpose = Purpose.SEARCH
    flow.contact_service_id = None
    save_flow(user_data(context), flow)
    if result is None:
        await say(update, texts.contact_unavailable(t), keyboards.main_menu(t))
        return
    await say(update, texts.contact_requested(t, result.case_code, result.organization_name))


async def show_status(update: Update, context: JuntosContext) -> None:
    """The member's own requests and where each one stands."""
    chat = update.effective_chat
    if chat is None:
        return
    t = translator(update, context)
    services = services_of(context)
    data = await member_data(chat.id, services.uow(), services.clock)
    if not data.cases:
        await show_menu(update, t, texts.no_requests(t))
        return
    await say(update, texts.requests_list(t, data.cases))
