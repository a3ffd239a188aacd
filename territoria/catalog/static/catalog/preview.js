// Preview of the published records, read from the records API (the same one reusers call).
(function () {
  "use strict";
  const box = document.querySelector("[data-preview]");
  if (!box || !window.fetch) return;
  const status = box.querySelector("[data-preview-status]");
  fetch(box.dataset.preview, { credentials: "same-origin" })
    .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
    .then(({ ok, body }) => {
      if (!ok) { status.textContent = body.message || ""; return; }
      const rows = body.results || [];
      const columns = JSON.parse(box.dataset.columns);
      const table = document.createElement("table");
      const caption = table.createCaption();
      caption.textContent = box.dataset.caption.replace("%(shown)s", rows.length).replace("%(total)s", body.total_count);
      const head = table.createTHead().insertRow();
      columns.forEach((column) => {
        const th = document.createElement("th");
        th.scope = "col";
        th.textContent = column.label;
        head.appendChild(th);
      });
      const tbody = table.createTBody();
      rows.forEach((record) => {
        const tr = tbody.insertRow();
        columns.forEach((column) => {
          let value = record[column.name];
          if (value !== null && typeof value === "object") value = JSON.stringify(value);
          tr.insertCell().textContent = value === null || value === undefined ? "" : String(value);
        });
      });
      status.textContent = "";
      box.querySelector(".table-scroll").appendChild(table);
    })
    .catch(() => { status.textContent = box.dataset.error; });
})();
