// The replay of the referral tree: the network as it was on each day someone joined.
// Each person's day is in the page (data-since; empty for your own network, there from
// the start); the slider hides whoever joined later, and Replay steps through the days.
(function () {
  "use strict";
  var form = document.getElementById("vk-replay");
  if (!form) return;
  var items = Array.prototype.slice.call(document.querySelectorAll(".vk-tree li[data-since]"));
  var days = [];
  items.forEach(function (li) {
    var day = li.getAttribute("data-since");
    if (day && days.indexOf(day) < 0) days.push(day);
  });
  days.sort();
  var slider = form.elements.day, output = form.elements.when, button = form.elements.play;
  slider.max = String(days.length);
  var timer = null;
  function show(step) {
    var until = step >= days.length ? null : (step === 0 ? "" : days[step - 1]);
    items.forEach(function (li) {
      li.hidden = !(until === null || li.getAttribute("data-since") <= until);
    });
    // Only the people the tree can show: someone under a hidden person is hidden with them.
    var shown = items.filter(function (li) { return !li.parentElement.closest("li[hidden]") && !li.hidden; }).length;
    output.textContent = shown + (shown === 1 ? " person, " : " people, ") +
      (until === null ? "today" : until === "" ? "at the start" : "by " + until);
    slider.value = String(step);
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    button.textContent = "▶ Replay";
  }
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  button.addEventListener("click", function () {
    if (timer !== null) { stop(); return; }
    var step = 0;
    show(step);
    button.textContent = "■ Stop";
    timer = setInterval(function () {
      step++;
      show(step);
      if (step >= days.length) stop();
    }, Math.max(150, Math.min(700, 8000 / (days.length || 1))));
  });
})();
