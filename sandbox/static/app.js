// Juntos sandbox page: one chat per persona, talking to the local Bot API emulator.
// Plain browser JavaScript, no build step, nothing loaded from outside this server.
"use strict";

(() => {
  const API = "/sandbox/api";
  const TYPING_SHOWN_MS = 5000;
  const TOAST_MS = 4000;
  const chats = new Map(); // chat_id -> ChatView
  let places = [];
  let botUsername = "";
  let botName = "Juntos";

  // -- small helpers ----------------------------------------------------------------------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  async function getJSON(path) {
    const response = await fetch(API + path, { cache: "no-store" });
    if (!response.ok) throw new Error(`${response.status} ${path}`);
    return response.json();
  }

  async function postJSON(path, body = {}) {
    const response = await fetch(API + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${response.status} ${path}`);
    return response.json();
  }

  const ICONS = {
    pin: "M12 2a7 7 0 0 0-7 7c0 5.3 7 13 7 13s7-7.7 7-13a7 7 0 0 0-7-7zm0 9.6A2.6 2.6 0 1 1 12 6.4a2.6 2.6 0 0 1 0 5.2z",
    file: "M6 2h8l6 6v14H6zm7 1.5V9h5.5zM8 13h10v1.6H8zm0 3.5h10v1.6H8z",
  };

  function icon(name) {
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", "icon-svg");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  const numberFormat = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 1 });
  const coordFormat = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 5 });
  const timeFormat = new Intl.DateTimeFormat("es-MX", { hour: "2-digit", minute: "2-digit" });

  function distanceKm(a, b) {
    const rad = (d) => (d * Math.PI) / 180;
    const dLat = rad(b.lat - a.lat);
    const dLon = rad(b.lon - a.lon);
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
    return 2 * 6371 * Math.asin(Math.sqrt(h));
  }

  // -- message text with Telegram entities (offsets are UTF-16, like JS strings) --------------

  function renderText(text, entities, onCommand) {
    const container = el("span", { class: "body" });
    if (!text) return container;
    const cuts = new Set([0, text.length]);
    for (const e of entities) {
      cuts.add(e.offset);
      cuts.add(Math.min(text.length, e.offset + e.length));
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i < points.length - 1; i++) {
      const start = points[i];
      const end = points[i + 1];
      const piece = text.slice(start, end);
      const covering = entities.filter((e) => e.offset <= start && e.offset + e.length >= end);
      container.append(wrapPiece(piece, covering, onCommand));
    }
    return container;
  }

  function wrapPiece(piece, covering, onCommand) {
    let node = document.createTextNode(piece);
    for (const entity of covering) {
      let wrapper = null;
      switch (entity.type) {
        case "bold": wrapper = el("strong"); break;
        case "italic": wrapper = el("em"); break;
        case "underline": wrapper = el("u"); break;
        case "strikethrough": wrapper = el("s"); break;
        case "spoiler": wrapper = el("span", { class: "spoiler", tabindex: 0, title: "Texto oculto" }); break;
        case "code": wrapper = el("code"); break;
        case "pre": wrapper = el("pre"); break;
        case "blockquote":
        case "expandable_blockquote": wrapper = el("blockquote"); break;
        case "bot_command":
          wrapper = el("button", {
            type: "button",
            class: "command",
            title: "Enviar este comando",
            onclick: () => onCommand(piece.split("@")[0]),
          });
          break;
        case "text_link":
        case "url": {
          const href = entity.type === "url" ? piece : entity.url;
          wrapper = /^(https?:|tel:|mailto:)/i.test(href || "")
            ? el("a", { href, target: "_blank", rel: "noopener noreferrer" })
            : el("span");
          break;
        }
        default: break;
      }
      if (wrapper) {
        wrapper.append(node);
        node = wrapper;
      }
    }
    return node;
  }

  // -- a link-free drawing of one or two points --------------------------------------------

  function miniMap(target, here) {
    const NS = "http://www.w3.org/2000/svg";
    const points = [{ ...target, kind: "target" }];
    if (here) points.push({ ...here, kind: "here" });
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 240 140");
    svg.setAttribute("class", "minimap");
    svg.setAttribute("role", "img");
    let label = `Mapa esquemático: ${target.title || "punto"} en ${coordFormat.format(target.lat)}, ${coordFormat.format(target.lon)}`;
    if (here) label += `; tu ubicación a ${numberFormat.format(distanceKm(here, target))} km`;
    svg.setAttribute("aria-label", label);
    const shape = (name, attrs) => {
      const node = document.createElementNS(NS, name);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
      svg.append(node);
      return node;
    };
    for (let x = 20; x < 240; x += 40) shape("line", { x1: x, y1: 0, x2: x, y2: 140, stroke: "#cbd8cd" });
    for (let y = 20; y < 140; y += 40) shape("line", { x1: 0, y1: y, x2: 240, y2: y, stroke: "#cbd8cd" });
    const cosLat = Math.cos((target.lat * Math.PI) / 180);
    const xs = points.map((p) => p.lon * cosLat);
    const ys = points.map((p) => p.lat);
    const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 0.002);
    const scale = Math.min(180 / span, 90 / span);
    const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
    const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
    for (const p of points) {
      const x = 120 + (p.lon * cosLat - cx) * scale;
      const y = 70 - (p.lat - cy) * scale;
      const color = p.kind === "target" ? "#a3222b" : "#1d5fd1";
      shape("circle", { cx: x, cy: y, r: 7, fill: color, stroke: "#fff", "stroke-width": 2 });
      const right = x > 150;
      const text = shape("text", {
        x: right ? x - 10 : x + 10, y: y + 4, "font-size": 11, fill: "#1b1f24",
        "text-anchor": right ? "end" : "start",
      });
      const name = p.kind === "target" ? (p.title || "Lugar") : "Tú";
      text.textContent = name.length > 18 ? `${name.slice(0, 17)}…` : name;
    }
    if (here) {
      const text = shape("text", { x: 8, y: 132, "font-size": 11, fill: "#1b1f24" });
      text.textContent = `${numberFormat.format(distanceKm(here, target))} km`;
    }
    return svg;
  }

  // -- one chat ----------------------------------------------------------------------------

  class ChatView {
    constructor(persona, index) {
      this.persona = persona;
      this.id = persona.user_id;
      this.rendered = new Map(); // message id -> { key, node }
      this.seenAnswers = null;
      this.lastLocation = null;
      this.pendingLocationButton = null;
      this.replyTo = null; // the prompt the next message answers (force reply)
      this.answered = null;
      this.typingTimer = null;
      this.toastTimer = null;
      const fragment = document.getElementById("chat-template").content.cloneNode(true);
      this.root = fragment.querySelector(".chat");
      this.root.id = `chat-${this.id}`;
      this.root.dataset.chatId = String(this.id);
      this.root.setAttribute("aria-label", `Chat de ${persona.label}`);
      this.q(".chat-title").textContent = persona.label;
      const roles = {
        member: "Persona usuaria",
        staff: "Personal de una organización aliada",
        coordinator: "Coordinación municipal",
      };
      this.q(".chat-subtitle").textContent =
        `${roles[persona.role] || persona.role} · idioma ${persona.language_code}`;
      this.q(".messages").setAttribute("aria-label", `Mensajes con ${persona.first_name}`);
      this.q(".reply-keyboard").setAttribute("aria-label", `Teclado de respuestas para ${persona.first_name}`);
      this.labelFor(".text-label", ".text-input", "text");
      this.labelFor(".preset-label", ".preset", "preset");
      this.labelFor(".lat-label", ".lat", "lat");
      this.labelFor(".lon-label", ".lon", "lon");
      this.q(".text-input").setAttribute("aria-label", `Mensaje de ${persona.first_name}`);
      this.fillPlaces();
      this.bind();
      this.tab = el("button", {
        type: "button", role: "tab", id: `tab-${this.id}`, "aria-controls": this.root.id,
        "aria-selected": index === 0 ? "true" : "false", text: persona.label,
        onclick: () => selectChat(this.id),
      });
      this.root.setAttribute("aria-labelledby", this.tab.id);
      if (index !== 0) this.root.classList.add("inactive");
    }

    q(selector) { return this.root.querySelector(selector); }

    labelFor(labelSelector, inputSelector, suffix) {
      const id = `${suffix}-${this.id}`;
      this.q(inputSelector).id = id;
      this.q(labelSelector).setAttribute("for", id);
    }

    fillPlaces() {
      const select = this.q(".preset");
      for (const [i, place] of places.entries()) {
        select.append(el("option", { value: i, text: place.label }));
      }
      const home = places.findIndex((p) => p.municipality === this.persona.city);
      if (home >= 0) select.value = String(home);
    }

    bind() {
      this.q(".composer").addEventListener("submit", (event) => {
        event.preventDefault();
        const input = this.q(".text-input");
        const text = input.value.trim();
        if (!text) return;
        input.value = "";
        this.sendText(text);
      });
      this.q(".start").addEventListener("click", () => this.sendText("/start"));
      this.q(".cancel-reply").addEventListener("click", () => { this.replyTo = null; this.renderReplyBar(); });
      const code = this.persona.invite_code;
      if (code) {
        // What tapping a t.me/<bot>?start=<code> link does: the app sends "/start <code>".
        this.q(".invite").hidden = false;
        this.q(".invite-role").textContent =
          this.persona.role === "coordinator" ? "coordinación del municipio" : "personal de tu organización";
        this.q(".invite-link").textContent = `t.me/${botUsername}?start=${code}`;
        this.q(".join").hidden = false;
        this.q(".join").addEventListener("click", () => this.sendText(`/start ${code}`));
      }
      this.q(".reset").addEventListener("click", () => this.act("/reset"));
      this.q(".menu-button").addEventListener("click", () => this.togglePanel(".commands-panel", ".menu-button"));
      this.q(".location-button").addEventListener("click", () => this.openLocation(null));
      this.q(".close-location").addEventListener("click", () => this.closeLocation());
      this.q(".send-preset").addEventListener("click", () => {
        const place = places[Number(this.q(".preset").value)];
        if (place) this.shareLocation(place.latitude, place.longitude);
      });
      this.q(".send-coords").addEventListener("click", () => {
        const lat = Number.parseFloat(this.q(".lat").value.replace(",", "."));
        const lon = Number.parseFloat(this.q(".lon").value.replace(",", "."));
        const valid = Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
        this.q(".coords-error").hidden = valid;
        if (valid) this.shareLocation(lat, lon);
      });
      this.q(".alert-ok").addEventListener("click", () => { this.q(".alert").hidden = true; });
    }

    async act(path, body) {
      try {
        return await postJSON(`/chats/${this.id}${path}`, body);
      } catch (error) {
        this.toast("No se pudo enviar. ¿Sigue abierto el sandbox?");
        return null;
      }
    }

    sendText(text) {
      // A prompt that asked for an answer ("force reply"): the message answers it, as the
      // Telegram app does after such a prompt.
      const body = { text };
      if (this.replyTo !== null && !text.startsWith("/")) body.reply_to = this.replyTo;
      this.replyTo = null;
      this.renderReplyBar();
      return this.act("/text", body);
    }

    renderReplyBar() {
      const bar = this.q(".reply-bar");
      bar.hidden = this.replyTo === null;
      if (this.replyTo !== null) {
        const prompt = this.q(`[data-message-id="${this.replyTo}"] .body`);
        this.q(".reply-to").textContent = prompt ? prompt.textContent.slice(0, 80) : "";
      }
    }

    togglePanel(panelSelector, buttonSelector) {
      const panel = this.q(panelSelector);
      panel.hidden = !panel.hidden;
      this.q(buttonSelector).setAttribute("aria-expanded", String(!panel.hidden));
    }

    openLocation(button) {
      this.pendingLocationButton = button;
      const panel = this.q(".location-panel");
      panel.hidden = false;
      this.q(".location-heading").textContent = button ? button.text : "Compartir ubicación";
      this.q(".location-hint").textContent = "Elige un lugar de ejemplo o escribe coordenadas.";
      this.q(".location-button").setAttribute("aria-expanded", "true");
      this.q(".preset").focus();
    }

    closeLocation() {
      this.pendingLocationButton = null;
      this.q(".location-panel").hidden = true;
      this.q(".coords-error").hidden = true;
      this.q(".location-button").setAttribute("aria-expanded", "false");
    }

    async shareLocation(latitude, longitude) {
      const button = this.pendingLocationButton;
      this.closeLocation();
      if (button) await this.act("/reply-button", { text: button.text, latitude, longitude });
      else await this.act("/location", { latitude, longitude });
    }

    async refresh() {
      const state = await getJSON(`/chats/${this.id}`);
      this.render(state);
    }

    render(state) {
      this.lastLocation = state.last_location
        ? { lat: state.last_location[0], lon: state.last_location[1] }
        : null;
      this.renderMessages(state.messages);
      const asking = [...state.messages].reverse().find((m) => m.from_bot);
      if (asking && asking.force_reply && asking.id !== this.answered) {
        this.answered = asking.id;
        this.replyTo = asking.id;
      }
      this.renderReplyBar();
      this.renderReplyKeyboard(state.reply_keyboard, state.keyboard_placeholder);
      this.renderCommands(state.commands);
      this.renderTyping(state.action);
      this.renderAnswers(state.callback_answers);
    }

    renderMessages(messages) {
      const list = this.q(".messages");
      const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
      const keep = new Set();
      let previous = null;
      let added = false;
      for (const message of messages) {
        const key = JSON.stringify(message) + JSON.stringify(this.lastLocation);
        keep.add(message.id);
        let entry = this.rendered.get(message.id);
        if (!entry || entry.key !== key) {
          const node = this.renderMessage(message);
          if (entry) entry.node.replaceWith(node);
          entry = { key, node };
          this.rendered.set(message.id, entry);
          added = true;
        }
        const expected = previous ? previous.nextSibling : list.firstChild;
        if (entry.node !== expected) {
          list.insertBefore(entry.node, expected);
          added = true;
        }
        previous = entry.node;
      }
      for (const [id, entry] of this.rendered) {
        if (!keep.has(id)) {
          entry.node.remove();
          this.rendered.delete(id);
        }
      }
      this.q(".empty").hidden = messages.length > 0;
      this.root.classList.toggle("is-empty", messages.length === 0);
      if (added && nearBottom) list.scrollTop = list.scrollHeight;
    }

    renderMessage(message) {
      const side = message.from_bot ? "from-bot" : "from-user";
      const item = el("li", { class: `message ${side}`, "data-message-id": message.id });
      item.append(el("span", { class: "visually-hidden", text: message.from_bot ? `${botName}:` : "Tú:" }));
      if (message.photo) {
        item.append(message.photo.url
          ? el("img", { src: message.photo.url, alt: message.text ? `Imagen: ${message.text}` : "Imagen enviada" })
          : el("p", { class: "other", text: `Imagen de ${message.photo.external_url} (no se descarga en el sandbox)` }));
      }
      if (message.document) {
        const name = message.document.file_name;
        item.append(message.document.url
          ? el("a", { class: "file", href: message.document.url, download: name, "aria-label": `Documento ${name}` },
            icon("file"), document.createTextNode(name))
          : el("p", { class: "other", text: `Documento ${name} (no se descarga en el sandbox)` }));
      }
      if (message.text) {
        item.append(renderText(message.text, message.entities || [], (command) => this.sendText(command)));
      }
      if (message.venue) item.append(this.renderPlace(message.venue.location, message.venue.title, message.venue.address));
      else if (message.location) item.append(this.renderPlace(message.location, message.from_bot ? "Ubicación" : "Tu ubicación", null, !message.from_bot));
      if (message.other) item.append(el("p", { class: "other", text: `Mensaje de tipo ${message.other}` }));
      if (message.inline_keyboard && message.inline_keyboard.length) {
        item.append(this.renderInlineKeyboard(message));
      }
      const when = message.date ? timeFormat.format(new Date(message.date * 1000)) : "";
      item.append(el("span", { class: "meta", text: message.edited ? `editado · ${when}` : when }));
      return item;
    }

    renderPlace(location, title, address, own = false) {
      const box = el("div", { class: own ? "place own" : "place venue" });
      if (title) box.append(el("div", { class: "title" }, icon("pin"), document.createTextNode(title)));
      if (address) box.append(el("div", { class: "address", text: address }));
      const point = { lat: location.latitude, lon: location.longitude, title };
      box.append(el("div", { class: "coords", text: `${coordFormat.format(point.lat)}, ${coordFormat.format(point.lon)}` }));
      box.append(miniMap(point, own ? null : this.lastLocation));
      return box;
    }

    renderInlineKeyboard(message) {
      const group = el("div", { class: "inline-keyboard", role: "group", "aria-label": "Opciones del mensaje" });
      message.inline_keyboard.forEach((row, r) => {
        const line = el("div", { class: "row" });
        row.forEach((button, c) => {
          if (button.callback_data !== undefined) {
            line.append(el("button", {
              type: "button", text: button.text, "data-callback": button.callback_data,
              onclick: () => this.act("/press", { message_id: message.id, row: r, column: c }),
            }));
          } else if (button.url) {
            line.append(el("a", { href: button.url, target: "_blank", rel: "noopener noreferrer", text: `${button.text} ↗` }));
          } else {
            line.append(el("button", { type: "button", text: button.text, disabled: true, title: "No disponible en el sandbox" }));
          }
        });
        group.append(line);
      });
      return group;
    }

    renderReplyKeyboard(rows, placeholder) {
      const box = this.q(".reply-keyboard");
      box.replaceChildren();
      box.hidden = !rows || rows.length === 0;
      this.q(".text-input").placeholder = placeholder || "Escribe un mensaje";
      if (box.hidden) return;
      for (const row of rows) {
        const line = el("div", { class: "row" });
        for (const button of row) {
          const asksLocation = Boolean(button.request_location);
          line.append(el("button", {
            type: "button",
            "data-request-location": asksLocation ? "true" : null,
            onclick: () => asksLocation
              ? this.openLocation(button)
              : this.act("/reply-button", { text: button.text }),
          }, asksLocation ? icon("pin") : null,
          document.createTextNode(asksLocation ? ` ${button.text}` : button.text)));
        }
        box.append(line);
      }
    }

    renderCommands(commands) {
      const list = this.q(".commands");
      list.replaceChildren();
      for (const command of commands) {
        list.append(el("li", {}, el("button", {
          type: "button",
          onclick: () => { this.togglePanel(".commands-panel", ".menu-button"); this.sendText(`/${command.command}`); },
        }, el("span", { class: "name", text: `/${command.command}` }), document.createTextNode(` ${command.description}`))));
      }
      this.q(".no-commands").hidden = commands.length > 0;
    }

    renderTyping(action) {
      const line = this.q(".typing");
      clearTimeout(this.typingTimer);
      const words = { typing: "está escribiendo…", find_location: "está buscando lugares…", upload_document: "está enviando un archivo…", upload_photo: "está enviando una imagen…" };
      line.hidden = !action;
      if (!action) return;
      line.textContent = `${botName} ${words[action] || "está trabajando…"}`;
      this.typingTimer = setTimeout(() => { line.hidden = true; }, TYPING_SHOWN_MS);
    }

    renderAnswers(answers) {
      if (this.seenAnswers === null) {
        this.seenAnswers = new Set(answers.map((a) => a.query_id));
        return;
      }
      for (const answer of answers) {
        if (this.seenAnswers.has(answer.query_id)) continue;
        this.seenAnswers.add(answer.query_id);
        if (!answer.text) continue;
        if (answer.show_alert) {
          this.q(".alert-text").textContent = answer.text;
          this.q(".alert").hidden = false;
          this.q(".alert-ok").focus();
        } else {
          this.toast(answer.text);
        }
      }
    }

    toast(text) {
      const box = this.q(".toast");
      box.textContent = text;
      box.hidden = false;
      clearTimeout(this.toastTimer);
      this.toastTimer = setTimeout(() => { box.hidden = true; }, TOAST_MS);
    }
  }

  // -- page --------------------------------------------------------------------------------

  function selectChat(id) {
    for (const view of chats.values()) {
      const active = view.id === id;
      view.tab.setAttribute("aria-selected", String(active));
      view.root.classList.toggle("inactive", !active);
    }
  }

  function setStatus(connected) {
    const status = document.getElementById("bot-status");
    status.classList.toggle("online", connected);
    status.classList.toggle("offline", !connected);
    status.textContent = connected
      ? `${botName} está conectado`
      : `${botName} no está conectado todavía: los mensajes esperan a que el bot arranque`;
  }

  async function refreshChats(ids) {
    await Promise.all(ids.filter((id) => chats.has(id)).map((id) => chats.get(id).refresh()));
  }

  function listen() {
    const events = new EventSource(`${API}/events`);
    events.addEventListener("status", (event) => setStatus(JSON.parse(event.data).bot_connected));
    events.addEventListener("change", (event) => {
      const data = JSON.parse(event.data);
      refreshChats(data.all ? [...chats.keys()] : data.chats).catch(() => {});
    });
    events.addEventListener("open", () => refreshChats([...chats.keys()]).catch(() => {}));
    events.addEventListener("error", () => {
      const status = document.getElementById("bot-status");
      status.classList.remove("online");
      status.classList.add("offline");
      status.textContent = "Sin conexión con el sandbox (¿se detuvo?). Reintentando…";
    });
  }

  async function main() {
    const setup = await getJSON("/setup");
    places = setup.places;
    botName = setup.bot.first_name;
    botUsername = setup.bot.username || "";
    document.title = `${botName} · sandbox local`;
    setStatus(setup.bot_connected);
    const tabs = document.querySelector(".tabs");
    const main = document.getElementById("chats");
    setup.personas.filter((p) => p.shown).forEach((persona, index) => {
      const view = new ChatView(persona, index);
      chats.set(view.id, view);
      tabs.append(view.tab);
      main.append(view.root);
    });
    await refreshChats([...chats.keys()]);
    listen();
    document.body.dataset.ready = "true";
  }

  main().catch(() => {
    document.getElementById("bot-status").textContent = "No se pudo cargar el sandbox. Recarga la página.";
  });
})();
