// The joint review's only script: a live weighted total, confirmations, "back" links.
// Everything works without it; the server checks every value again.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("review-form");
  if (form) {
    var out = document.getElementById("live-total");
    var update = function () {
      var sum = 0, weight = 0, complete = true;
      form.querySelectorAll("fieldset.condition").forEach(function (fs) {
        var w = parseFloat(fs.getAttribute("data-weight")) || 0;
        var input = fs.querySelector("input[type=number]");
        var v = input && input.value !== "" ? parseFloat(input.value) : NaN;
        if (isNaN(v)) { complete = false; } else { sum += w * v; }
        weight += w;
      });
      out.textContent = complete && weight > 0 ? (sum / weight).toFixed(2) : "—";
    };
    form.addEventListener("input", update);
    update();
  }
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
  document.querySelectorAll("a[data-back]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (window.history.length > 1) { ev.preventDefault(); window.history.back(); }
    });
  });
});
