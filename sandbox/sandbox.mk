# Sandbox and browser-test targets (filled in by the sandbox work).
.PHONY: browser-deps
browser-deps:
	@true
