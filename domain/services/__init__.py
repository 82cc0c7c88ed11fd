"""Use-case services: plain async functions of (command, uow, ...). Handlers and jobs call these."""
