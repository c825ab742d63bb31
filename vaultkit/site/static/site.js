// Hover previews of people: the data is inlined in each page as JSON (no fetch, works
// from file://). Everything is put in the page as text, never as HTML.
(function () {
  "use strict";
  var data = {};
  var node = document.getElementById("vk-previews");
  if (node) { try { data = JSON.parse(node.textContent || "{}"); } catch (e) { data = {}; } }
  var box = null;
  function line(cls, text) {
    var div = document.createElement("div");
    div.className = cls;
    div.textContent = text;
    return div;
  }
  function show(link) {
    var item = data[link.getAttribute("data-vk-preview")];
    if (!item) return;
    hide();
    box = document.createElement("div");
    box.className = "vk-preview";
    box.appendChild(line("vk-preview-title", item.title));
    var meta = [item.line, item.stage, item.degree ? item.degree + " degree" : ""].filter(Boolean).join(" · ");
    if (meta) box.appendChild(line("vk-preview-meta", meta));
    if (item.excerpt) box.appendChild(line("vk-preview-excerpt", item.excerpt));
    document.body.appendChild(box);
    var rect = link.getBoundingClientRect();
    box.style.left = Math.max(8, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 8)) + "px";
    box.style.top = (window.scrollY + rect.bottom + 6) + "px";
  }
  function hide() { if (box) { box.remove(); box = null; } }
  document.addEventListener("mouseover", function (event) {
    var link = event.target.closest && event.target.closest("[data-vk-preview]");
    if (link) show(link);
  });
  document.addEventListener("mouseout", function (event) {
    var link = event.target.closest && event.target.closest("[data-vk-preview]");
    if (link) hide();
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-vk-preview")) show(event.target);
  });
  document.addEventListener("focusout", hide);
})();
