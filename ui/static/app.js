// Citation links ([n], article titles) open the article in the side panel frame instead of a new tab.
// A capturing listener on the document, so it also catches links inside the chat's rendered messages.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a.source-link") : null;
    var frame = document.getElementById("source-frame");
    if (!link || !frame || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var url = new URL(link.href);
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    event.stopPropagation();
    var dark = document.body.classList.contains("dark") || document.documentElement.classList.contains("dark");
    url.searchParams.set("theme", dark ? "dark" : "light");
    frame.src = url.pathname + url.search + url.hash;
    var panel = document.getElementById("source-panel");
    if (panel) { panel.hidden = false; panel.scrollIntoView({ block: "nearest" }); }
  }, true);
})();
