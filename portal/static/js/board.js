// The pipeline board: drag a card to another column to move the lead. Without JavaScript,
// the cards ticked and the form above the board do the same; this file only adds dragging.
(function () {
  "use strict";
  const board = document.querySelector(".board");
  if (!board) return;
  const csrf = board.dataset.csrf;
  const moveUrl = board.dataset.moveUrl;
  const status = document.getElementById("board-status");
  let dragged = null;

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  function refreshCount(column) {
    const count = column.querySelectorAll(".board-card").length;
    const label = column.querySelector(".board-count");
    if (label) label.textContent = label.textContent.replace(/\d+([.,]\d+)*/, String(count));
  }

  async function move(card, column) {
    const body = new FormData();
    body.append("stage", column.dataset.stage);
    const response = await fetch(moveUrl.replace("REFERENCE", encodeURIComponent(card.dataset.reference)), {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
      body: body,
      credentials: "same-origin",
    });
    let answer = {};
    try { answer = await response.json(); } catch (error) { answer = {}; }
    return { ok: response.ok && answer.ok, answer: answer };
  }

  board.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".board-card");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.reference);
    dragged.classList.add("dragging");
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    board.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
  });

  board.addEventListener("dragover", function (event) {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("drop-target");
  });

  board.addEventListener("dragleave", function (event) {
    const column = event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });

  board.addEventListener("drop", async function (event) {
    const column = event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    const card = dragged;
    const from = card.closest(".board-column");
    if (from === column) return;
    const result = await move(card, column);
    if (result.ok) {
      column.querySelector(".board-cards").prepend(card);
      refreshCount(from);
      refreshCount(column);
      say(result.answer.message || "", false);
    } else {
      say(result.answer.message || status.dataset.failed || "", true);
      if (result.answer.lead_url) {
        const link = document.createElement("a");
        link.href = result.answer.lead_url;
        link.textContent = " →";
        status.appendChild(link);
      }
    }
  });
})();
