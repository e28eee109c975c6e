// The top navigation on a narrow screen: collapsed behind the "Menu" button (static/css/app.css).
// Loaded in <head>, so the page is marked before it is drawn and never flashes the open menu;
// without this script the menu simply stays open and wraps.
(function () {
  "use strict";
  document.documentElement.classList.add("has-menu-toggle");
  document.addEventListener("DOMContentLoaded", function () {
    const button = document.getElementById("menu-toggle");
    const menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    const setOpen = function (open) {
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    };
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  });
})();
