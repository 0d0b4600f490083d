// Move sections up and down with buttons: the rows swap places on the page and every "order"
// box is renumbered 1, 2, 3… in the new order, which is what saving stores. Without JavaScript
// the writer types the order numbers instead.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const group = document.getElementById("sections-group");
  if (!group) {
    return;
  }

  function rows() {
    return Array.from(group.querySelectorAll(".inline-related:not(.empty-form)"));
  }

  // A row nobody has filled in must stay untouched, or the form would try to save it.
  function isBlank(row) {
    const id = row.querySelector("input[name$='-id']");
    const texts = row.querySelectorAll("input[name$='-heading'], textarea[name$='-body']");
    return !(id && id.value) && Array.from(texts).every((field) => !field.value.trim());
  }

  function renumber() {
    let position = 0;
    rows().forEach((row) => {
      const order = row.querySelector("input[name$='-order']");
      if (order) {
        order.value = isBlank(row) ? "" : String(++position);
      }
    });
    document.dispatchEvent(new CustomEvent("sections-reordered"));
  }

  function button(label, text, move) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "button";
    element.textContent = text;
    element.setAttribute("aria-label", label);
    element.addEventListener("click", (event) => move(event.target.closest(".inline-related")));
    return element;
  }

  function moveUp(row) {
    const previous = row.previousElementSibling;
    if (previous && previous.matches(".inline-related:not(.empty-form)")) {
      row.parentNode.insertBefore(row, previous);
      renumber();
    }
  }

  function moveDown(row) {
    const next = row.nextElementSibling;
    if (next && next.matches(".inline-related:not(.empty-form)")) {
      row.parentNode.insertBefore(next, row);
      renumber();
    }
  }

  function addButtons(row) {
    const heading = row.querySelector("h3");
    if (!heading || heading.querySelector(".section-order-buttons")) {
      return;
    }
    const holder = document.createElement("span");
    holder.className = "section-order-buttons";
    holder.append(button("Move section up", "↑", moveUp), button("Move section down", "↓", moveDown));
    heading.append(holder);
  }

  rows().forEach(addButtons);
  // Rows added with "Add another section" get their buttons too.
  document.addEventListener("formset:added", (event) => {
    if (event.target.closest("#sections-group")) {
      addButtons(event.target);
      renumber();
    }
  });
});
