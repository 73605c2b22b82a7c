/* The cart's forms, progressively enhanced (every one works without this file or htmx):
   - the product page's "add to cart" follows the variant picker (its SKU, quantity rules and
     availability);
   - htmx's answers: a refused quantity is marked invalid, a failed request says so, and focus
     stays on the cart page when the line it was in is gone. */
(function () {
  "use strict";

  function addForm() {
    var form = document.querySelector("[data-add-to-cart]");
    var picker = document.querySelector("[data-variant-picker]");
    var data = document.getElementById("cart-rules");
    if (!form || !picker || !data) return;
    var rules = JSON.parse(data.textContent);
    picker.addEventListener("change", function (event) {
      var rule = rules.filter(function (r) { return r.sku === event.target.value; })[0];
      if (!rule) return;
      var quantity = form.querySelector("input[name=quantity]");
      var button = form.querySelector("[data-cart-button]");
      form.querySelector("[data-cart-sku]").value = rule.sku;
      quantity.min = rule.min;
      quantity.step = rule.step;
      if (rule.max) quantity.max = rule.max; else quantity.removeAttribute("max");
      quantity.value = rule.min;
      quantity.disabled = !rule.available;
      quantity.removeAttribute("aria-invalid");
      button.disabled = !rule.available;
      button.textContent = rule.available ? "Add to cart" : "Out of stock";
      form.querySelector("[data-cart-hint]").textContent = rule.hint;
      form.querySelector("[data-cart-feedback]").textContent = "";
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute("data-cart-feedback")) {
      var form = target.closest("form");
      var quantity = form && form.querySelector("input[name=quantity]");
      if (quantity) {
        if (target.querySelector(".feedback--error")) quantity.setAttribute("aria-invalid", "true");
        else quantity.removeAttribute("aria-invalid");
      }
    }
    if (document.getElementById("cart-contents") && (!document.activeElement || document.activeElement === document.body)) {
      var heading = document.getElementById("cart-heading");
      if (heading) heading.focus();
    }
  });

  function failed(event) {
    var target = event.detail.target;
    var message = "Sorry, that did not work. Please try again.";
    if (target && target.hasAttribute("data-cart-feedback")) {
      target.innerHTML = "";
      var span = document.createElement("span");
      span.className = "feedback feedback--error";
      span.textContent = message;
      target.appendChild(span);
    } else {
      var status = document.getElementById("cart-status");
      if (status) status.textContent = message;
    }
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);

  // A page restored from the back-forward cache shows the mini-cart of when it was left.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && window.htmx && document.getElementById("mini-cart")) {
      window.htmx.ajax("GET", "/cart/mini/", { target: "#mini-cart", swap: "outerHTML" });
    }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addForm); else addForm();
})();
