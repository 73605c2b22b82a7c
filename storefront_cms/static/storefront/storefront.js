// Progressive enhancement only: every page works without this file.
// On phones the main menu folds behind its "Menu" button.
(function () {
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("site-nav");
  if (!toggle || !nav) return;
  var phone = window.matchMedia("(max-width: 55.99em)");
  function fold(folded) {
    toggle.setAttribute("aria-expanded", String(!folded));
    if (folded) nav.removeAttribute("data-open"); else nav.setAttribute("data-open", "");
  }
  toggle.hidden = false;
  fold(phone.matches);
  toggle.addEventListener("click", function () { fold(toggle.getAttribute("aria-expanded") === "true"); });
  phone.addEventListener("change", function (event) { fold(event.matches); });
})();
