// Rating and export, in the app and the widget. Each answer ends with an empty
// <div class="answer-tools answer-id-ID feedback-on comment-max-N"> (ui/feedback_api.py; class names, as the
// chat's sanitiser keeps nothing else): this script puts thumbs up/down and an optional comment there (when
// feedback-on), posting to /api/feedback; the Export buttons post the
// ids of the answers on the page to /api/export and download the file. Elements are built with the DOM,
// never innerHTML; what each answer's buttons showed is kept by id, so a re-rendered chat keeps it.
(function () {
  "use strict";
  var state = {}; // answer id -> {rating, status}

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (response.ok) return response;
      return response.json().then(
        function (error) { throw new Error(typeof error.detail === "string" ? error.detail : "The server refused it."); },
        function () { throw new Error("The server answered " + response.status + "."); }
      );
    });
  }

  function mark(tools, prefix) {
    for (var i = 0; i < tools.classList.length; i++) {
      if (tools.classList[i].indexOf(prefix) === 0) return tools.classList[i].slice(prefix.length);
    }
    return "";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function build(tools) {
    var id = mark(tools, "answer-id-");
    var mine = state[id] || (state[id] = { rating: null, status: "" });
    var box = el("div", { class: "feedback", role: "group", "aria-label": "Rate this answer" });
    box.appendChild(el("span", { class: "feedback-label" }, "Helpful?"));
    var status = el("p", { class: "feedback-status", role: "status" }, mine.status);
    var form = el("form", { class: "feedback-comment" });
    var area = el("textarea", {
      class: "feedback-text", rows: "2", maxlength: mark(tools, "comment-max-") || "2000",
      "aria-label": "Comment (optional)", placeholder: "What was good or wrong? (optional)",
    });
    form.appendChild(area);
    form.appendChild(el("button", { type: "submit", class: "feedback-send" }, "Send comment"));
    form.hidden = !mine.rating;

    function show(text) { mine.status = text; status.textContent = text; }
    function send(rating, comment) {
      var body = { answer_id: id, rating: rating };
      if (comment) body.comment = comment;
      return post("/api/feedback", body);
    }
    [["up", "Yes", "Helpful"], ["down", "No", "Not helpful"]].forEach(function (choice) {
      var button = el("button", {
        type: "button", class: "feedback-" + choice[0], title: choice[2], "aria-label": choice[2],
        "aria-pressed": String(mine.rating === choice[0]),
      }, choice[1]);
      button.addEventListener("click", function () {
        show("Saving…");
        send(choice[0], "").then(function () {
          mine.rating = choice[0];
          box.querySelectorAll("button[aria-pressed]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
          button.setAttribute("aria-pressed", "true");
          form.hidden = false;
          show("Thanks, saved. A comment is welcome too.");
        }, function (error) { show(error.message); });
      });
      box.appendChild(button);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var comment = area.value.trim();
      if (!comment || !mine.rating) return;
      show("Saving…");
      send(mine.rating, comment).then(function () {
        area.value = "";
        show("Thanks, your comment was saved.");
      }, function (error) { show(error.message); });
    });
    box.appendChild(form);
    box.appendChild(status);
    tools.appendChild(box);
  }

  function decorate() {
    document.querySelectorAll(".answer-tools.feedback-on").forEach(function (tools) {
      if (!tools.querySelector(".feedback")) build(tools);
    });
  }

  window.newsAssistantExport = function (format) {
    var ids = [];
    document.querySelectorAll(".answer-tools").forEach(function (tools) {
      var id = mark(tools, "answer-id-");
      if (id && ids.indexOf(id) < 0) ids.push(id);
    });
    if (!ids.length) { window.alert("Ask a question first: there is nothing to export yet."); return; }
    post("/api/export", { answer_ids: ids, format: format }).then(function (response) {
      return response.blob();
    }).then(function (blob) {
      var link = el("a", { href: URL.createObjectURL(blob), download: "conversation." + (format === "json" ? "json" : "md") });
      document.body.appendChild(link);
      link.click();
      link.remove();
    }, function (error) { window.alert("The conversation could not be exported: " + error.message); });
  };

  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; decorate(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  decorate();
})();
