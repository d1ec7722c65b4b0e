// The embed page's form: the snippet, the allowed sites and the preview follow the chosen profile, theme
// and position. Text goes in with textContent, never as markup.
(function () {
  "use strict";
  var form = document.getElementById("snippet-form");
  if (!form) return;
  var base = form.getAttribute("data-base");

  function chosen(name) { return form.elements[name].value; }

  function update() {
    var profile = chosen("profile"), theme = chosen("theme"), position = chosen("position");
    var line = '<script src="' + base + '/embed.js"';
    if (!profile) line += ' data-label="Ask the articles"';
    if (profile) line += ' data-profile="' + profile + '"';
    if (theme) line += ' data-theme="' + theme + '"';
    if (position) line += ' data-position="' + position + '"';
    document.getElementById("script-snippet").textContent = line + " defer></script>";

    var origins = form.elements.profile.selectedOptions[0].getAttribute("data-origins").split(" ").filter(Boolean);
    var list = document.getElementById("origins");
    list.textContent = "";
    var intro = document.createElement("p");
    intro.textContent = origins.length ? "These sites, and this server's own pages:"
      : "Only this server's own pages: the operator adds sites to the profile's origins in assistant.toml.";
    list.appendChild(intro);
    if (origins.length) {
      var items = document.createElement("ul");
      origins.forEach(function (origin) {
        var item = document.createElement("li"), code = document.createElement("code");
        code.textContent = origin;
        item.appendChild(code);
        items.appendChild(item);
      });
      list.appendChild(items);
    }
    var query = new URLSearchParams({ profile: profile, theme: theme, position: position });
    document.getElementById("preview").src = "/embed/preview?" + query.toString();
  }

  form.addEventListener("change", update);
  update();
})();
