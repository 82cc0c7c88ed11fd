"""Forgetting on time: conversation state is kept only while a person is using the bot.

A member's flow (what help they looked for, an approximate point, where they were in a
conversation) helps only while they are chatting. After a period without any activity it is
deleted, so a phone found or a database copied months later says nothing about them.
"""

from __future__ import annotations

from datetime import timedelta

from domain.ports import Clock, ConversationStates, ForgottenState

#: JUNTOS_STATE_RETENTION_DAYS by default.
DEFAULT_RETENTION = timedelta(days=30)


async def forget_idle_conversations(
    states: ConversationStates, clock: Clock, retention: timedelta = DEFAULT_RETENTION
) -> list[ForgottenState]:
    """Delete every conversation state idle for longer than `retention`; say whose it was."""
    if retention <= timedelta(0):
        raise ValueError(f"retention must be positive, got {retention}")
    return await states.forget_idle_since(clock.now() - retention)
