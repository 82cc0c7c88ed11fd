"""The staff side of the bot: partner organisations' staff and coordinators on Telegram."""
