// Lineage graph of one ledger row (cytoscape), data from the page's JSON block.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("lineage-graph");
  const data = document.getElementById("lineage-data");
  if (!box || !data || !window.cytoscape) return;
  const g = JSON.parse(data.textContent);
  const colours = {event: "#2d6cdf", version: "#8e44ad", node: "#d35400", ledger: "#3a7d44"};
  window.lineageGraph = cytoscape({
    container: box,
    // The chain reads left to right: cause event → rule version → node → ledger row → event.
    elements: [...g.nodes.map((n, i) => ({data: {id: n.id, label: n.label, kind: n.kind},
                                          position: {x: i * 220, y: (i % 2) * 40}})),
               ...g.edges.map((e, i) => ({data: {id: "e" + i, source: e.source, target: e.target}}))],
    layout: {name: "preset", fit: true, padding: 30},
    maxZoom: 1.1, minZoom: 0.4,
    style: [
      {selector: "node", style: {"label": "data(label)", "text-wrap": "wrap", "text-valign": "center",
        "color": "#fff", "font-size": 11, "shape": "round-rectangle", "width": 170, "height": 64,
        "background-color": n => colours[n.data("kind")] || "#555"}},
      {selector: "edge", style: {"width": 2, "line-color": "#999", "target-arrow-color": "#999",
        "target-arrow-shape": "triangle", "curve-style": "bezier"}},
    ],
    userZoomingEnabled: false,
  });
});
