"""The anonymous relay on Telegram: members and staff write through the bot (domain/relay.py)."""
