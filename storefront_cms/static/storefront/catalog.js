/* Catalog pages, progressively enhanced: every feature works without this file.
   - header search box: autocomplete from /search/suggest/ in an accessible listbox;
   - filters: sorting and facets apply as soon as they change;
   - product page: the variant picker updates price, stock, SKU and image in place;
     the gallery's thumbnails swap the main image. */
(function () {
  "use strict";
  if (window.mercatoCatalog) return; // loaded by the base template and by a catalog page
  window.mercatoCatalog = true;

  function autocomplete(input) {
    var list = document.createElement("ul");
    var timer = null;
    var active = -1;
    list.id = input.id ? input.id + "-suggestions" : "search-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    input.form.classList.add("has-suggestions");
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function options() { return list.querySelectorAll("[role=option] a"); }
    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }
    function load() {
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      fetch("/search/suggest/?q=" + encodeURIComponent(text), { headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (input.value.trim() !== text) return; // typed on since
          list.innerHTML = html;
          var empty = !list.querySelector("[role=option]");
          list.hidden = empty;
          input.setAttribute("aria-expanded", empty ? "false" : "true");
          active = -1;
        })
        .catch(close);
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 150); });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0 && options()[active]) {
        event.preventDefault();
        window.location.href = options()[active].href;
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function filters(form) {
    form.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
  }

  function picker(form) {
    var data = JSON.parse(document.getElementById("variant-data").textContent);
    var product = form.closest("[data-product]");
    var show = form.querySelector(".variant-picker__show");
    if (show) show.hidden = true;
    form.addEventListener("change", function (event) {
      var variant = data.filter(function (v) { return v.sku === event.target.value; })[0];
      if (!variant) return;
      product.querySelector("[data-price]").textContent = variant.price_text;
      var compare = product.querySelector("[data-compare]");
      if (compare) {
        compare.textContent = variant.compare_text;
        compare.hidden = !variant.compare_text;
      }
      var stock = product.querySelector("[data-stock]");
      stock.textContent = variant.in_stock ? "In stock" : "Out of stock";
      stock.className = "stock " + (variant.in_stock ? "stock--in" : "stock--out");
      product.querySelector("[data-sku]").textContent = variant.sku;
      showImage(product, variant.image);
      history.replaceState(null, "", "?variant=" + encodeURIComponent(variant.sku));
    });
  }

  function showImage(product, index) {
    var thumb = product.querySelector("[data-gallery-index='" + index + "']");
    var main = product.querySelector(".gallery__main");
    if (!thumb || !main) return;
    var picture = thumb.querySelector("picture").cloneNode(true);
    picture.querySelectorAll("[sizes]").forEach(function (node) { node.setAttribute("sizes", "(min-width: 56em) 34rem, 100vw"); });
    picture.querySelector("img").removeAttribute("loading");
    main.replaceChildren(picture);
    product.querySelectorAll("[data-gallery-index]").forEach(function (link) {
      if (link === thumb) link.setAttribute("aria-current", "true"); else link.removeAttribute("aria-current");
    });
  }

  function gallery(product) {
    product.querySelectorAll("[data-gallery-index]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        showImage(product, link.getAttribute("data-gallery-index"));
      });
    });
  }

  function start() {
    document.querySelectorAll("header input[name=q], form[role=search] input[name=q]").forEach(function (input, index) {
      if (index === 0 && input.form) autocomplete(input); // the header's box
    });
    document.querySelectorAll("[data-filters]").forEach(filters);
    document.querySelectorAll("[data-variant-picker]").forEach(picker);
    document.querySelectorAll("[data-product]").forEach(gallery);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
