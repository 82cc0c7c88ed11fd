# Sandbox and browser-test targets (included by the Makefile).
#
# browser-deps: the browser test drives the system Chromium (Debian packages `chromium` and
# `chromium-driver`) through Playwright's Python package; no browser is ever downloaded.
# The emoji font only makes screenshots show the bot's emoji instead of empty boxes.
.PHONY: browser-deps sandbox

CHROMIUM := /usr/bin/chromium
CHROMEDRIVER := /usr/bin/chromedriver
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
BROWSER_PACKAGES := chromium chromium-driver fonts-noto-color-emoji
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

browser-deps:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ] || [ ! -f $(EMOJI_FONT) ]; then \
		echo "==> Installing Chromium for the browser test ($(BROWSER_PACKAGES))"; \
		$(APT_GET) install -y -q $(BROWSER_PACKAGES) || \
		{ $(APT_GET) update -q && $(APT_GET) install -y -q $(BROWSER_PACKAGES); }; \
	fi

# Only the emulator and the web chat page, in the foreground (no bot): `make sandbox PORT=8080`.
sandbox: setup
	@$(BIN)/juntos sandbox --port $(or $(PORT),8080)
