/* Visualisation pages: "Copy" buttons next to the API examples (the examples read fine without it). */
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const label = button.firstChild.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.firstChild.textContent = "✓ " + label;
        setTimeout(function () { button.firstChild.textContent = label; }, 2000);
      });
    });
  });
})();
