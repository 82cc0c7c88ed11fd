"""Telegram side of Juntos: handlers, keyboards, texts, flows and the application wiring."""
