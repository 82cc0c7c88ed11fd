"""The relay's threads, messages (encrypted) and deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.relay import Direction, RelayDelivery, RelayMessage, RelayThread
from storage.tables import relay_deliveries, relay_messages, relay_threads


class SqlRelayRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_thread(self, thread: RelayThread) -> RelayThread:
        self.session.add(thread)
        await self.session.flush()
        return thread

    async def get_thread(self, thread_id: int) -> RelayThread | None:
        return await self.session.get(RelayThread, thread_id)

    async def thread_for_referral(self, referral_id: int) -> RelayThread | None:
        found: RelayThread | None = await self.session.scalar(
            select(RelayThread).where(relay_threads.c.referral_id == referral_id)
        )
        return found

    async def threads_of_case(self, case_id: int) -> list[RelayThread]:
        rows = await self.session.scalars(
            select(RelayThread)
            .where(relay_threads.c.case_id == case_id)
            .order_by(relay_threads.c.id)
        )
        return list(rows)

    async def add_message(self, message: RelayMessage) -> RelayMessage:
        self.session.add(message)
        await self.session.flush()
        return message

    async def count_since(self, thread_id: int, direction: Direction, since: datetime) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(relay_messages)
            .where(
                relay_messages.c.thread_id == thread_id,
                relay_messages.c.direction == direction,
                relay_messages.c.at >= since,
            )
        )
        return int(count or 0)

    async def add_delivery(self, delivery: RelayDelivery) -> None:
        self.session.add(delivery)
        await self.session.flush()

    async def thread_of_delivery(self, recipient: str, message_id: int) -> RelayThread | None:
        thread_id = await self.session.scalar(
            select(relay_deliveries.c.thread_id)
            .where(
                relay_deliveries.c.recipient == recipient,
                relay_deliveries.c.message_id == message_id,
            )
            .order_by(relay_deliveries.c.id.desc())
            .limit(1)
        )
        return await self.get_thread(thread_id) if thread_id is not None else None

    async def purge_messages(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(relay_messages).where(relay_messages.c.at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def delete_messages_of_case(self, case_id: int) -> int:
        threads = select(relay_threads.c.id).where(relay_threads.c.case_id == case_id)
        result = await self.session.execute(
            delete(relay_messages).where(relay_messages.c.thread_id.in_(threads))
        )
        await self.session.execute(
            delete(relay_deliveries).where(relay_deliveries.c.thread_id.in_(threads))
        )
        return int(getattr(result, "rowcount", 0) or 0)
