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
  // Drawn (and labelled) in this order, so that when names would overlap the user and the
  // people keep theirs: interviews are named after people and come last.
  var rank = { profile: 0, contact: 1, company: 2, event: 3, lead: 4, note: 5, interview: 6 };
  nodes.sort(function (a, b) { return (rank[a.type] === undefined ? 5 : rank[a.type]) - (rank[b.type] === undefined ? 5 : rank[b.type]) || a.id - b.id; });
  // The names drawn in the current frame, in a grid of screen-sized cells: a name that
  // would cover one already drawn is left out (hovering a node still shows it).
  var drawn = null, cell = 1, view = null;
  function overlaps(box) {
    for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
      for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
        var others = drawn[gx + ":" + gy] || [];
        for (var i = 0; i < others.length; i++) {
          var o = others[i];
          if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) return true;
        }
      }
    }
    return false;
  }
  function place(box) {
    for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
      for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
        (drawn[gx + ":" + gy] = drawn[gx + ":" + gy] || []).push(box);
      }
    }
  }
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
    // Links are not picked (they have no page), so the hidden canvas that finds what the
    // pointer is over draws only nodes. It strokes each object in a colour of its own: with
    // 50,000 notes and their 434,000 links that took Chromium minutes before the first frame.
    .linkPointerAreaPaint(function () {})
    .onRenderFramePre(function (ctx, scale) {
      drawn = {};
      cell = 120 / scale;
      // What the canvas shows, in graph units, with a margin: names off screen are not
      // measured (zoomed into 10,000 nodes, most are).
      var a = graph.screen2GraphCoords(0, 0), b = graph.screen2GraphCoords(element.clientWidth, element.clientHeight);
      var margin = 200 / scale;
      view = [a.x - margin, a.y - margin, b.x + margin, b.y + margin];
    })
    .nodeCanvasObjectMode(function () { return "after"; })
    .nodeCanvasObject(function (n, ctx, scale) {
      // Names once there is room for them: always in a small graph, when zoomed in a big one.
      if (nodes.length > 150 && scale < 2.5 && n.type !== "profile") return;
      if (view && (n.x < view[0] || n.y < view[1] || n.x > view[2] || n.y > view[3])) return;
      var size = 11 / scale, text = n.title.length > 24 ? n.title.slice(0, 23) + "…" : n.title;
      ctx.font = size + "px system-ui, sans-serif";
      var width = ctx.measureText(text).width, y = n.y + 9 / scale + 4, pad = 2 / scale;
      var box = [n.x - width / 2 - pad, y - size - pad, n.x + width / 2 + pad, y + size * 0.3 + pad];
      if (drawn && overlaps(box)) return;
      if (drawn) place(box);
      ctx.fillStyle = "#333";
      ctx.textAlign = "center";
      ctx.fillText(text, n.x, y);
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
  setTimeout(function () {
    // The whole network in view. Not with zoomToFit: at 50,000 notes the first frame after it
    // still took minutes, where a zoom alone, or a pan then a zoom to the same view, drew in
    // seconds (we did not find why). The layout is centred on the user, at the origin, so a
    // zoom alone fits it.
    var far = 1, pad = 40;
    nodes.forEach(function (n) { far = Math.max(far, Math.abs(n.x) + 10, Math.abs(n.y) + 10); });
    graph.zoom(Math.min(element.clientWidth - 2 * pad, element.clientHeight - 2 * pad) / (2 * far), 0);
    // Stroking tens of thousands of links takes a frame a tenth of a second or more without
    // a GPU: while the user zooms or drags, only the nodes are drawn (as sigma.js's
    // hideEdgesOnMove), and the links come back when the view rests.
    if (links.length > 5000) {
      var moving = false, settling = false;
      graph.linkVisibility(function () { return !moving; })  // (asked in every frame: no update to wait for)
        .onZoom(function () { if (!settling) moving = true; })
        .onZoomEnd(function () {
          if (settling || !moving) return;
          moving = false;
          settling = true;  // the view redrawn where it is, now with its links (a zoom: see above)
          graph.zoom(graph.zoom(), 0);
          settling = false;
        });
    }
  }, 50);
  window.addEventListener("resize", function () { graph.width(element.clientWidth).height(element.clientHeight); });
})();
