# Sandbox and browser-test targets (included by the Makefile).
#
# browser-deps: the browser test drives the system Chromium (Debian packages `chromium` and
# `chromium-driver`) through Playwright's Python package; no browser is ever downloaded.
.PHONY: browser-deps sandbox

CHROMIUM := /usr/bin/chromium
CHROMEDRIVER := /usr/bin/chromedriver
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

browser-deps:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
		echo "==> Installing Chromium (Debian packages chromium, chromium-driver)"; \
		$(APT_GET) install -y -q chromium chromium-driver || \
		{ $(APT_GET) update -q && $(APT_GET) install -y -q chromium chromium-driver; }; \
	fi

# Only the emulator and the web chat page, in the foreground (no bot): `make sandbox PORT=8080`.
sandbox: setup
	@$(BIN)/juntos sandbox --port $(or $(PORT),8080)
