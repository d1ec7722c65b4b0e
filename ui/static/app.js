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
      if (close) close.focus(); else panel.scrollIntoView({ block: "nearest" });
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && closeOverlay()) event.preventDefault();
  });
})();
