"""A shared (or live) location: placed in a municipality, then handed to the conversation.

The point stays in this process's memory only (bot/points.py), never in the persisted state.
"""

from __future__ import annotations

from telegram import Update

from bot import keyboards, texts
from bot.context import JuntosContext, services_of
from bot.flows import conversation, inputs
from bot.handlers.common import say, translator
from domain.geo import Point
from domain.services.places import place_point


async def receive_location(update: Update, context: JuntosContext) -> None:
    """Place the location in a municipality we know, or say it is outside and keep nothing."""
    message = update.effective_message
    if message is None or message.location is None or update.effective_chat is None:
        return
    location = message.location
    municipality = place_point(location.latitude, location.longitude, services_of(context).places)
    if municipality is None:
        # Far outside the municipalities we know (or not a point on Earth): say so, keep nothing.
        t = translator(update, context)
        await say(update, texts.location_outside(t), keyboards.share_location(t))
        return
    point = Point(location.latitude, location.longitude)
    await conversation.handle(update, context, inputs.from_location(point, municipality))
