// Citation links ([n], article titles) open the article in the source panel frame instead of a new tab.
// A capturing listener on the document, so it also catches links inside the chat's rendered messages.
// In the widget the panel covers the chat; "Back to the chat" or Escape closes it and returns focus.
(function () {
  "use strict";
  var opener = null;

  function closeOverlay() {
    var panel = document.getElementById("source-panel");
    if (!panel || !panel.classList.contains("source-overlay") || panel.hidden) return false;
    panel.hidden = true;
    if (opener) opener.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (target && target.closest(".source-close")) { closeOverlay(); return; }
    var link = target ? target.closest("a.source-link") : null;
    var frame = document.getElementById("source-frame");
    if (!link || !frame || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var url = new URL(link.href);
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    event.stopPropagation();
    var dark = document.body.classList.contains("dark") || document.documentElement.classList.contains("dark");
    url.searchParams.set("theme", dark ? "dark" : "light");
    frame.src = url.pathname + url.search + url.hash;
    opener = link;
    var panel = document.getElementById("source-panel");
    if (panel) {
      panel.hidden = false;
      var close = panel.querySelector(".source-close");
      if (close) {
        close.focus();
        // The source page focuses its highlighted passage as it loads: keep the reader on "Back to the chat".
        frame.addEventListener("load", function () { if (!panel.hidden) close.focus(); }, { once: true });
      } else {
        panel.scrollIntoView({ block: "nearest" });
      }
    }
  }, true);

  // Escape closes the source first; with nothing left to close, the widget asks the page around it
  // (embed.js) to close the panel and give focus back to its launcher.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (closeOverlay()) { event.preventDefault(); return; }
    if (window.parent !== window) window.parent.postMessage({ type: "news-assistant:close" }, "*");
  });

  // The launcher opened the panel: the question box takes focus as soon as the chat has drawn it. Gradio
  // adds this script after the frame's load event, so the chat says when it listens.
  if (window.parent !== window) window.parent.postMessage({ type: "news-assistant:ready" }, "*");
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.type !== "news-assistant:focus") return;
    var tries = 0;
    (function focusBox() {
      var box = document.querySelector("#question textarea");
      if (box) box.focus(); else if (++tries < 100) setTimeout(focusBox, 100);
    })();
  });
})();

// A screen reader hears each answer once it is finished (the live region in ui/templates/chat/live_region.html),
// not every streamed word; and the widget takes its profile's accent colour from the header the server rendered.
(function () {
  "use strict";
  var FINISHED = /\banswer-(plain|checked|refused|error)\b/;
  var announced = new WeakSet();

  function announce() {
    var region = document.getElementById("announcer");
    var answers = document.querySelectorAll("#chat .answer");
    var last = answers[answers.length - 1];
    if (!region || !last || announced.has(last) || !FINISHED.test(last.className)) return;
    announced.add(last);
    var label = last.querySelector(".answer-label");
    var text = last.querySelector(".answer-text") || last;
    region.textContent = (label ? label.textContent + ": " : "Answer: ") + text.textContent;
  }

  function accent() {
    var header = document.querySelector(".widget-header[data-accent]");
    var colour = header ? header.getAttribute("data-accent") : "";
    if (!/^#[0-9a-f]{6}$/.test(colour || "")) return;
    // White text on it passes WCAG AA (the profile's accent is checked when the settings load).
    [document.documentElement, document.body].forEach(function (element) {
      ["--button-primary-background-fill", "--button-primary-background-fill-hover",
       "--button-primary-border-color"].forEach(function (name) { element.style.setProperty(name, colour); });
    });
  }

  new MutationObserver(function () { announce(); accent(); })
    .observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
})();
