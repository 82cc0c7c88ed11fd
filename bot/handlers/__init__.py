"""Feature modules: each handler is `async def verb_noun(update, context)`."""
