// Drag and drop in the store admin's category tree: drop a row onto another row to move that
// category (with its subtree) under it, or onto "Top level". The move is the same POST as the
// row's "Move" page (which works without JavaScript); the server refuses cycles and says why.
(function () {
  "use strict";
  if (window.categoryTreeReady) return; // the listing may be re-rendered by a search
  window.categoryTreeReady = true;

  let dragged = null;

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text, isError) {
    const status = document.querySelector("[data-category-tree-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("help-critical", Boolean(isError));
  }

  function dropTarget(event) {
    const row = event.target.closest("[data-category-drop]");
    if (!row || !row.closest("[data-category-tree-movable]")) return null;
    return row;
  }

  function isInside(target, source) {
    // A row cannot be dropped onto itself or one of its own descendants.
    const targetPath = target.dataset.categoryPath || "";
    const sourcePath = source.dataset.categoryPath || "";
    return targetPath !== "" && targetPath.startsWith(sourcePath);
  }

  document.addEventListener("dragstart", (event) => {
    const row = event.target.closest && event.target.closest("tr[data-category-move-url]");
    if (!row) return;
    dragged = row;
    row.classList.add("category-tree__dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.dataset.categoryId);
  });

  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("category-tree__dragging");
    document
      .querySelectorAll(".category-tree__over")
      .forEach((row) => row.classList.remove("category-tree__over"));
    dragged = null;
  });

  document.addEventListener("dragover", (event) => {
    const target = dragged && dropTarget(event);
    if (!target || target === dragged || isInside(target, dragged)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    target.classList.add("category-tree__over");
  });

  document.addEventListener("dragleave", (event) => {
    const target = dropTarget(event);
    if (target && !target.contains(event.relatedTarget)) {
      target.classList.remove("category-tree__over");
    }
  });

  document.addEventListener("drop", async (event) => {
    const target = dragged && dropTarget(event);
    if (!target) return;
    event.preventDefault();
    const source = dragged;
    const body = new FormData();
    body.append("parent", target.dataset.categoryDrop);
    say(`Moving ${source.dataset.categoryDropLabel} under ${target.dataset.categoryDropLabel}…`);
    try {
      const response = await fetch(source.dataset.categoryMoveUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" },
      });
      const answer = await response.json();
      if (!response.ok) {
        say((answer.errors || ["The category could not be moved."]).join(" "), true);
        return;
      }
      say(answer.message);
      window.location.reload();
    } catch (error) {
      say("The category could not be moved: the server did not answer. Try its Move button.", true);
    }
  });
})();
