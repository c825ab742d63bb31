// Full-text search over the prebuilt index in data/search-NN.js (window.VK_SEARCH:
// [title, type, url, text] per note). Every word must match; titles rank first.
(function () {
  "use strict";
  var docs = window.VK_SEARCH || [];
  var input = document.getElementById("vk-search-input");
  var list = document.getElementById("vk-search-results");
  var status = document.getElementById("vk-search-status");
  var lower = docs.map(function (d) { return [d[0].toLowerCase(), d[3].toLowerCase()]; });
  function words(q) { return q.toLowerCase().split(/\s+/).filter(Boolean); }
  function snippet(text, word) {
    var at = text.toLowerCase().indexOf(word);
    if (at < 0) return text.slice(0, 160);
    var start = Math.max(0, at - 60);
    return (start ? "…" : "") + text.slice(start, at + 100) + "…";
  }
  function run() {
    var q = input.value.trim();
    list.textContent = "";
    if (!q) { status.textContent = docs.length + " notes indexed."; return; }
    var ws = words(q), hits = [];
    for (var i = 0; i < docs.length; i++) {
      var score = 0, ok = true;
      for (var j = 0; j < ws.length; j++) {
        var inTitle = lower[i][0].indexOf(ws[j]) >= 0;
        if (!inTitle && lower[i][1].indexOf(ws[j]) < 0) { ok = false; break; }
        score += inTitle ? 10 : 1;
      }
      if (ok) hits.push([score, i]);
    }
    hits.sort(function (a, b) { return b[0] - a[0] || (docs[a[1]][0] < docs[b[1]][0] ? -1 : 1); });
    status.textContent = hits.length + (hits.length === 1 ? " note" : " notes") + " found.";
    hits.slice(0, 100).forEach(function (hit) {
      var d = docs[hit[1]];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = d[2];
      a.className = "vk-link";
      a.textContent = d[0];
      li.appendChild(a);
      var kind = document.createElement("span");
      kind.className = "vk-muted";
      kind.textContent = " " + d[1];
      li.appendChild(kind);
      var p = document.createElement("div");
      p.className = "vk-snippet";
      p.textContent = snippet(d[3], ws[0]);
      li.appendChild(p);
      list.appendChild(li);
    });
  }
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) input.value = params.get("q");
  input.addEventListener("input", run);
  document.getElementById("vk-search-form").addEventListener("submit", function (e) { e.preventDefault(); run(); });
  run();
})();
