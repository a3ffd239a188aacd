// Follows a job: refreshes stage, rows and message every second until it ends.
(function () {
  "use strict";
  const root = document.querySelector("[data-job]");
  if (!root) return;
  function show(name, value) {
    const node = root.querySelector('[data-field="' + name + '"]');
    if (node && value !== null && value !== undefined) node.textContent = String(value);
  }
  function poll() {
    fetch(root.dataset.job, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((job) => {
        show("status_label", job.status_label);
        show("stage", job.stage || "—");
        show("rows_read", job.rows_read);
        if (job.status === "succeeded" || job.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(() => window.setTimeout(poll, 3000));
  }
  window.setTimeout(poll, 500);
})();
