// Small progressive enhancements. Every page works without this file; the CSP forbids inline
// scripts, so behaviour is attached here by class and data attributes.
(function () {
  "use strict";

  // <button class="js-copy" data-copy="#selector" data-copied="Copied" hidden>: copy the text of
  // the target to the clipboard. Hidden until this script shows it, as it needs JavaScript.
  function setUpCopyButtons(root) {
    root.querySelectorAll("button.js-copy").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var target = document.querySelector(button.dataset.copy);
        if (!target) return;
        var label = button.textContent;
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          button.textContent = button.dataset.copied || label;
          window.setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  // Escape closes the phone-width menu.
  document.addEventListener("keydown", function (event) {
    var toggle = document.getElementById("menu-toggle");
    if (event.key === "Escape" && toggle && toggle.checked) {
      toggle.checked = false;
    }
  });

  document.addEventListener("DOMContentLoaded", function () { setUpCopyButtons(document); });
})();
