// The news assistant widget: <script src="https://SERVER/embed.js" data-profile="geo101" defer></script>
// Adds a launcher button that opens the chat (the server's /widget/ page) in a panel. Everything it needs
// comes from the server named in its own src; it holds no secret and reads nothing from the host page.
//
// It first asks the server whether this site may show the profile (GET /embed/profile): if not, the panel
// says why instead of showing a frame the browser would leave blank. The launcher and the panel live in a
// shadow root whose host resets every inherited style, so the course page's own CSS cannot reach them. The
// open panel is a modal dialog: focus stays inside it until it closes (the close button, Escape here or in
// the chat) and then returns to the launcher.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || document.querySelector("news-assistant-widget")) return;
  var origin = new URL(script.src, document.baseURI).origin;
  function data(name, allowed) {
    var value = script.getAttribute("data-" + name);
    return value && (!allowed || allowed.indexOf(value) >= 0) ? value : "";
  }
  var asked = {
    profile: data("profile"), label: data("label"),
    theme: data("theme", ["light", "dark", "auto"]), position: data("position", ["left", "right"])
  };

  var STYLE = [
    ":host { all: initial !important; }",
    "* { box-sizing: border-box; }",
    ".launcher { all: initial; position: fixed; bottom: 16px; z-index: 2147483646; display: inline-block;",
    "  padding: 12px 18px; border-radius: 24px; background: var(--accent); color: #fff; cursor: pointer;",
    "  font: 600 15px/1.2 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; box-shadow: 0 4px 14px rgba(0,0,0,.25); }",
    ".launcher:focus-visible, .close:focus-visible { outline: 3px solid var(--ring); outline-offset: 3px; }",
    ".panel { position: fixed; bottom: 72px; z-index: 2147483647; display: flex; flex-direction: column;",
    "  width: min(420px, calc(100vw - 32px)); height: min(640px, calc(100vh - 96px)); border-radius: 12px;",
    "  overflow: hidden; background: var(--bg); color: var(--fg); box-shadow: 0 8px 30px rgba(0,0,0,.3);",
    "  font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; transition: opacity .2s ease, transform .2s ease; }",
    ".panel[hidden] { display: none; }",
    ".panel.opening { opacity: 0; transform: translateY(12px); }",
    ".bar { display: flex; align-items: center; gap: 8px; padding: 6px 6px 6px 14px; border-bottom: 1px solid var(--line); }",
    "h2 { all: unset; flex: 1; font-weight: 600; font-size: 15px; }",
    ".close { all: initial; cursor: pointer; padding: 4px 10px; border-radius: 6px; color: var(--fg);",
    "  font: 600 20px/1 system-ui, sans-serif; }",
    ".close:hover { background: var(--line); }",
    "iframe { all: initial; display: block; flex: 1; width: 100%; border: 0; background: var(--bg); }",
    ".refusal { margin: 0; padding: 16px; }",
    ".edge { position: absolute; width: 1px; height: 1px; overflow: hidden; }",
    ".light { --bg: #ffffff; --fg: #1f2328; --line: #d0d7de; --ring: #1f2328; }",
    ".dark { --bg: #111418; --fg: #e6e6e6; --line: #3b424b; --ring: #e6e6e6; }",
    ".auto { --bg: #ffffff; --fg: #1f2328; --line: #d0d7de; --ring: #1f2328; }",
    "@media (prefers-color-scheme: dark) { .auto { --bg: #111418; --fg: #e6e6e6; --line: #3b424b; --ring: #e6e6e6; } }",
    "@media (max-width: 480px) { .panel { left: 8px; right: 8px; bottom: 70px; top: 8px; width: auto; height: auto; } }",
    "@media (prefers-reduced-motion: reduce) { .panel { transition: none; } }"
  ].join("\n");

  function element(tag, attributes, text) {
    var made = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { made.setAttribute(name, attributes[name]); });
    if (text) made.textContent = text;
    return made;
  }

  function build(profile) {
    var theme = asked.theme || profile.theme, side = asked.position || profile.position;
    var title = profile.title || "News assistant";
    var host = document.createElement("news-assistant-widget");
    var root = host.attachShadow({ mode: "open" });
    var style = element("style", {});
    style.textContent = STYLE;
    var launcher = element("button", {
      id: "news-assistant-launcher", type: "button", class: "launcher " + theme,
      "aria-expanded": "false", "aria-controls": "news-assistant-panel", "aria-haspopup": "dialog"
    }, asked.label || profile.label);
    var panel = element("div", {
      id: "news-assistant-panel", class: "panel " + theme, role: "dialog", "aria-modal": "true",
      "aria-labelledby": "news-assistant-title"
    });
    panel.hidden = true;
    [launcher, panel].forEach(function (part) { part.style.setProperty(side, "16px"); });
    launcher.style.setProperty("--accent", profile.accent);
    var bar = element("div", { class: "bar" });
    var close = element("button", { type: "button", class: "close", "aria-label": "Close the chat" }, "×");
    bar.appendChild(element("h2", { id: "news-assistant-title" }, title));
    bar.appendChild(close);
    var start = element("span", { class: "edge", tabindex: "0" }), end = element("span", { class: "edge", tabindex: "0" });
    var frame = null, body;
    if (profile.allowed) {
      var url = new URL(origin + "/widget/");
      if (asked.profile) url.searchParams.set("profile", asked.profile);
      if (theme !== "auto") url.searchParams.set("__theme", theme);
      frame = element("iframe", { title: title, allow: "clipboard-write" });
      frame.dataset.src = url.href;
      body = frame;
    } else {
      body = element("p", { class: "refusal", role: "alert" }, profile.reason);
    }
    [start, bar, body, end].forEach(function (part) { panel.appendChild(part); });
    [style, launcher, panel].forEach(function (part) { root.appendChild(part); });

    function focusChat() {
      if (!frame) { close.focus(); return; }
      frame.focus();
      if (frame.contentWindow) frame.contentWindow.postMessage({ type: "news-assistant:focus" }, origin);
    }
    var focusWhenReady = false;
    function toggle(open, moveFocus) {
      if (open && frame && !frame.src) {
        focusWhenReady = moveFocus;
        frame.src = frame.dataset.src;
      }
      panel.hidden = !open;
      launcher.setAttribute("aria-expanded", String(open));
      if (open) {
        panel.classList.add("opening");
        void panel.offsetWidth;  // start the transition from the closed look
        panel.classList.remove("opening");
        if (moveFocus) focusChat();
      } else if (moveFocus) {
        launcher.focus();
      }
    }
    launcher.addEventListener("click", function () { toggle(panel.hidden, true); });
    close.addEventListener("click", function () { toggle(false, true); });
    start.addEventListener("focus", function () { if (frame) frame.focus(); else close.focus(); });
    end.addEventListener("focus", function () { close.focus(); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) toggle(false, true);
    });
    window.addEventListener("message", function (event) {
      if (!frame || event.source !== frame.contentWindow || event.origin !== origin || !event.data) return;
      if (event.data.type === "news-assistant:close") toggle(false, true);
      if (event.data.type === "news-assistant:ready" && focusWhenReady && !panel.hidden) focusChat();
    });
    document.body.appendChild(host);
    if (profile.open_on_load) toggle(true, false);
  }

  function load() {
    fetch(origin + "/embed/profile?id=" + encodeURIComponent(asked.profile), { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(build, function () {
        build({ allowed: false, reason: "The assistant's server could not be reached. Try again later.",
                label: "Ask the articles", theme: "auto", position: "right", accent: "#1d4ed8" });
      });
  }
  if (document.body) load(); else document.addEventListener("DOMContentLoaded", load);
})();
