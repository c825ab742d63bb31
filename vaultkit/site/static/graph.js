// The network graph: force-graph (vendored, MIT) on a canvas, with positions computed
// at build time, so the page is usable at once even with thousands of nodes.
(function () {
  "use strict";
  var data = window.VK_GRAPH;
  var element = document.getElementById("vk-graph");
  if (!data || !element || !window.ForceGraph) return;
  var colours = { profile: "#e0533d", contact: "#3f7fd1", interview: "#4caf7a", company: "#f2a33a",
                  event: "#9b6bd3", lead: "#d6457f", note: "#9aa3ad" };
  var nodes = data.nodes.map(function (n, i) {
    return { id: i, title: n[0], type: n[1], stage: n[2], degree: n[3], url: n[4], fx: n[5], fy: n[6], x: n[5], y: n[6], tags: n[7] };
  });
  var links = data.edges.map(function (e) { return { source: e[0], target: e[1], relation: e[2] }; });
  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;  // the library shows labels as HTML: give it escaped text
  }
  var graph = window.ForceGraph()(element)
    .width(element.clientWidth)
    .height(element.clientHeight)
    .nodeId("id")
    .nodeLabel(function (n) { return escapeText(n.title + " (" + n.type + ")"); })
    .nodeColor(function (n) { return colours[n.type] || colours.note; })
    .nodeVal(function (n) { return n.type === "profile" ? 6 : (n.type === "contact" ? 2 : 1); })
    .linkColor(function () { return "rgba(120,130,150,0.35)"; })
    .cooldownTicks(0)
    .enableNodeDrag(false)
    .onNodeClick(function (n) { window.location.href = n.url; })
    .nodeCanvasObjectMode(function () { return "after"; })
    .nodeCanvasObject(function (n, ctx, scale) {
      // Names once there is room for them: always in a small graph, when zoomed in a big one.
      if (nodes.length > 150 && scale < 2.5 && n.type !== "profile") return;
      ctx.font = (11 / scale) + "px system-ui, sans-serif";
      ctx.fillStyle = "#333";
      ctx.textAlign = "center";
      ctx.fillText(n.title.length > 24 ? n.title.slice(0, 23) + "…" : n.title, n.x, n.y + 9 / scale + 4);
    });
  window.vkGraph = graph;
  var form = document.getElementById("vk-filters");
  var count = document.getElementById("vk-graph-count");
  function apply() {
    var type = form.elements.type.value, stage = form.elements.stage.value;
    var relation = form.elements.relation.value, tag = form.elements.tag.value;
    var keep = {};
    var shown = nodes.filter(function (n) {
      var ok = (!type || n.type === type) && (!stage || n.stage === stage) && (!tag || n.tags.indexOf(tag) >= 0);
      if (ok) keep[n.id] = true;
      return ok;
    });
    var shownLinks = links.filter(function (l) {
      var s = typeof l.source === "object" ? l.source.id : l.source;
      var t = typeof l.target === "object" ? l.target.id : l.target;
      return keep[s] && keep[t] && (!relation || l.relation === relation);
    });
    if (relation) {
      var touched = {};
      shownLinks.forEach(function (l) {
        touched[typeof l.source === "object" ? l.source.id : l.source] = true;
        touched[typeof l.target === "object" ? l.target.id : l.target] = true;
      });
      shown = shown.filter(function (n) { return touched[n.id]; });
    }
    graph.graphData({ nodes: shown, links: shownLinks });
    count.textContent = shown.length + " nodes, " + shownLinks.length + " links";
  }
  form.addEventListener("change", apply);
  apply();
  setTimeout(function () { graph.zoomToFit(0, 40); }, 50);
  window.addEventListener("resize", function () { graph.width(element.clientWidth).height(element.clientHeight); });
})();
