// Small progressive enhancements only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-autoselect]").forEach((el) => el.addEventListener("focus", () => el.select()));
});
