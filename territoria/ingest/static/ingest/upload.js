// Upload with a progress bar, then follow the job. Without JavaScript the form posts normally.
(function () {
  "use strict";
  const form = document.querySelector(".upload-form");
  if (!form || !window.XMLHttpRequest) return;
  const zone = form.querySelector("[data-dropzone]");
  const input = form.querySelector("#file");
  const box = form.querySelector("[data-progress]");
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("dragging")));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer.files.length) input.files = event.dataTransfer.files;
  });
  form.addEventListener("submit", (event) => {
    if (!input.files.length) return; // URL: plain form post
    event.preventDefault();
    const data = new FormData(form);
    data.set("publish", form.querySelector("#publish").checked ? "true" : "false");
    const request = new XMLHttpRequest();
    request.open("POST", form.dataset.api);
    request.setRequestHeader("X-CSRFToken", data.get("csrfmiddlewaretoken"));
    box.hidden = false;
    request.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      text.textContent = percent + " %";
    });
    request.addEventListener("load", () => {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
      if (request.status === 202 && body.links) {
        window.location.assign(body.links.page);
      } else {
        text.textContent = body.message || request.statusText;
        text.setAttribute("role", "alert");
      }
    });
    request.addEventListener("error", () => { text.textContent = "Erreur réseau : réessayez."; });
    request.send(data);
  });
})();
