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

  // <span class="countdown" data-due-at="ISO" data-now="ISO" data-left-text="{time} left"
  // data-overdue-text="overdue by {time}">: a time limit ticking every second. data-now is the
  // server's time when the element was rendered, so a desk whose clock is wrong still counts
  // right. Elements swapped in by htmx (the inbox refresh) are picked up on the next tick.
  function twoDigits(n) { return (n < 10 ? "0" : "") + n; }

  function duration(ms) {
    var seconds = Math.floor(ms / 1000);
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = twoDigits(minutes) + ":" + twoDigits(seconds % 60);
    if (hours >= 48) return Math.floor(hours / 24) + "d " + (hours % 24) + "h";
    return hours > 0 ? hours + ":" + rest : rest;
  }

  function tickCountdowns() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due-at]").forEach(function (element) {
      var due = Date.parse(element.dataset.dueAt);
      if (isNaN(due)) return;
      if (element.dataset.offset === undefined) {
        var serverNow = Date.parse(element.dataset.now);
        element.dataset.offset = isNaN(serverNow) ? "0" : String(serverNow - now);
      }
      var left = due - (now + Number(element.dataset.offset));
      var overdue = left <= 0;
      var template = overdue ? element.dataset.overdueText : element.dataset.leftText;
      element.textContent = (template || "{time}").replace("{time}", duration(Math.abs(left)));
      element.classList.toggle("is-overdue", overdue);
    });
  }

  // <button class="js-print" hidden>: print the page (hidden without JavaScript).
  function setUpPrintButtons(root) {
    root.querySelectorAll("button.js-print").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // <body data-live-socket="/ws/live/">: one socket per page for live updates. A message that
  // a work order changed becomes the DOM event "workorder-changed" on the body, which lists
  // listen to (hx-trigger="... workorder-changed from:body"). A dropped socket is opened again
  // after a growing pause; the lists still refresh on their own timer meanwhile. While it is
  // open, the body carries data-live="open".
  function openLiveSocket() {
    var path = document.body.dataset.liveSocket;
    if (!path || !window.WebSocket) return;
    var address = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
    var pause = 1000;
    function connect() {
      var socket = new WebSocket(address);
      socket.addEventListener("open", function () {
        pause = 1000;
        document.body.dataset.live = "open";
      });
      socket.addEventListener("message", function (message) {
        var data;
        try { data = JSON.parse(message.data); } catch (error) { return; }
        if (data.type === "workorder") {
          document.body.dispatchEvent(new CustomEvent("workorder-changed", { detail: data }));
        }
      });
      socket.addEventListener("close", function () {
        delete document.body.dataset.live;
        window.setTimeout(connect, pause);
        pause = Math.min(pause * 2, 30000);
      });
    }
    connect();
  }

  document.addEventListener("DOMContentLoaded", function () {
    openLiveSocket();
    setUpCopyButtons(document);
    setUpPrintButtons(document);
    tickCountdowns();
    window.setInterval(tickCountdowns, 1000);
  });
})();
