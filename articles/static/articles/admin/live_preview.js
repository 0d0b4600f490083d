// The change form's live preview: while the writer types, the form (unsaved) is sent to the
// preview endpoint and the article is shown below as readers would see it. Without JavaScript
// the "Preview unsaved changes" button does the same in a new tab.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const pane = document.getElementById("live-preview");
  const form = pane && pane.closest("form");
  if (!form) {
    return;
  }
  const body = pane.querySelector(".live-preview-body");
  let timer = null;
  let latest = 0;

  function refresh() {
    const request = ++latest;
    fetch(pane.dataset.url, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then((response) => response.text())
      .then((html) => {
        if (request === latest) {  // an older answer arriving late must not win
          body.innerHTML = html;
          pane.dataset.refreshed = String(request);
        }
      });
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  document.addEventListener("sections-reordered", soon);
  refresh();
});
