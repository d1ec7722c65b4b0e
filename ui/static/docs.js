// The API docs: Swagger UI from this server's own files (fastapi-offline), with two repairs axe asks for.
// Each operation's summary is a button holding a link to itself, a control inside a control that a
// keyboard reaches twice and a screen reader announces oddly; the link loses its href (the button and the
// page address still open and name the operation).
(function () {
  "use strict";
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
  function repair() {
    document.querySelectorAll("#swagger-ui button a[href], #swagger-ui [role=button] a[href]").forEach(function (link) {
      link.removeAttribute("href");
    });
  }
  new MutationObserver(repair).observe(document.getElementById("swagger-ui"), { subtree: true, childList: true });
})();
