// The news assistant widget: <script src="https://SERVER/embed.js" data-label="Ask the articles" defer></script>
// Adds a launcher button that opens the chat (the server's /widget/ page) in a panel. Everything it needs
// comes from the server named in its own src; it holds no secret and reads nothing from the host page.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || document.getElementById("news-assistant-launcher")) return;
  var origin = new URL(script.src, document.baseURI).origin;
  var label = script.getAttribute("data-label") || "Ask the articles";
  var side = script.getAttribute("data-position") === "left" ? "left" : "right";

  var launcher = document.createElement("button");
  launcher.id = "news-assistant-launcher";
  launcher.type = "button";
  launcher.textContent = label;
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "news-assistant-panel");
  launcher.style.cssText = "position:fixed;bottom:16px;" + side + ":16px;z-index:2147483646;padding:12px 18px;" +
    "border:0;border-radius:24px;background:#2563eb;color:#fff;font:600 15px/1.2 system-ui,sans-serif;" +
    "box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer;";

  var panel = document.createElement("div");
  panel.id = "news-assistant-panel";
  panel.hidden = true;
  panel.style.cssText = "position:fixed;bottom:72px;" + side + ":16px;z-index:2147483647;" +
    "width:min(420px,calc(100vw - 32px));height:min(640px,calc(100vh - 96px));border-radius:12px;overflow:hidden;" +
    "box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff;";

  var frame = document.createElement("iframe");
  frame.title = label;
  frame.style.cssText = "width:100%;height:100%;border:0;";
  frame.setAttribute("allow", "clipboard-write");

  function toggle(open) {
    if (open && !frame.src) {
      frame.src = origin + "/widget/";
      panel.appendChild(frame);
    }
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) frame.focus();
  }
  launcher.addEventListener("click", function () { toggle(panel.hidden); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { toggle(false); launcher.focus(); }
  });

  function mount() { document.body.appendChild(panel); document.body.appendChild(launcher); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
