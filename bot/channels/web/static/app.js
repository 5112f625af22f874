// ipbot's page works without this script; it adds the Telegram Mini App (theme, initData) and printing.
(function () {
  "use strict";
  var d = document, body = d.body, store = window.sessionStorage;
  var hash = new URLSearchParams(location.hash.slice(1));
  var tg = window.Telegram && window.Telegram.WebApp;
  var initData = (tg && tg.initData) || hash.get("tgWebAppData") || "";
  var theme = tg && tg.themeParams && Object.keys(tg.themeParams).length ? tg.themeParams : null;
  try {
    if (!theme && hash.get("tgWebAppThemeParams")) theme = JSON.parse(hash.get("tgWebAppThemeParams"));
    if (theme) store.setItem("tgTheme", JSON.stringify(theme)); else theme = JSON.parse(store.getItem("tgTheme") || "null");
  } catch (e) { theme = null; }
  if (theme) {
    var vars = {bg_color: "--bg", text_color: "--fg", hint_color: "--muted", button_color: "--accent",
                button_text_color: "--accent-fg", secondary_bg_color: "--card"};
    Object.keys(vars).forEach(function (k) {
      if (/^#[0-9a-fA-F]{3,8}$/.test(theme[k] || "")) d.documentElement.style.setProperty(vars[k], theme[k]);
    });
  }
  if (tg) { try { tg.ready(); tg.expand(); } catch (e) { /* an old client */ } }
  if (initData && body.dataset.tg === "needed") {
    var csrf = d.querySelector("input[name=csrf]");
    var form = new URLSearchParams();
    form.set("initData", initData);
    form.set("csrf", csrf ? csrf.value : "");
    fetch("/tg/auth", {method: "POST", body: form, credentials: "same-origin"}).then(function (r) {
      if (r.ok) { location.replace("/"); return; }
      body.dataset.tg = "refused";
      var note = d.getElementById("tg-refused");
      if (note) note.hidden = false;
    });
  }
  d.querySelectorAll("[data-print]").forEach(function (el) {
    el.hidden = false;
    el.addEventListener("click", function () { window.print(); });
  });
  window.addEventListener("beforeprint", function () {
    d.querySelectorAll("details:not(.inel)").forEach(function (x) { x.open = true; });
  });
})();
