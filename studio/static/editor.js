// The rule editor: a Drawflow canvas and a CodeMirror text view of one rule set, kept in
// sync through the server (text -> IR -> canvas, canvas -> IR -> text). No build step.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const T = JSON.parse(document.getElementById("i18n-data").textContent);
  const schema = JSON.parse(document.getElementById("schema-data").textContent);
  const DEFAULTS = {
    trigger: () => ({rule: "rule_" + (counter + 1), title: "", item: "reaction", event: "sales_order.confirmed", lang: "en"}),
    condition: () => ({expr: "order.deposit_amount > 0"}),
    timer: () => ({expr: "no shipment.shipped with same order.id within 48h", position: 99}),
    table: () => ({body: "hit first\ninputs item.category\noutputs item.reorder_point\nrow any -> 100 件"}),
  };
  const ACTIONS = {
    reserve: "reserve order.lines for 2h", release: "release order.lines",
    alert: 'alert role:sales_manager "订单 {order.no} 需要关注"',
    notify: 'notify role:sales_manager "订单 {order.no} 已确认"',
    freeze: "freeze customer order.customer_id", unfreeze: "unfreeze customer order.customer_id",
    set: 'set receipt.inspection_status to "passed"', block: 'block "不允许此操作"',
    create_document: "create document purchase_request (reason = order.no)",
    emit_event: "emit event scan.duplicate_flagged (item.sku = item.sku)",
    call_webhook: 'call webhook "erp" (order = order.no)',
    publish_mqtt: 'publish mqtt "jxcflow/orders" (order = order.no)',
  };
  let counter = 0, applying = false, cm, editor, timer = null, seq = 0, selectedKey = null;

  function esc(s) { return String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }

  function nodeHtml(kind, data) {
    const head = `<div class="df-head">${esc(kind === "action" ? (T["action:" + data.kind] || T.action) : T[kind])}</div>`;
    if (kind === "trigger") {
      const opts = schema.events.map(e => `<option value="${esc(e.name)}">${esc(e.label)}</option>`).join("");
      return head + `<label>${esc(T.rule)}<input df-rule></label><label>${esc(T.title)}<input df-title></label>` +
        `<label>${esc(T.kind)}<select df-item><option value="reaction">${esc(T.reaction)}</option>` +
        `<option value="guard">${esc(T.guard)}</option><option value="table">${esc(T.table)}</option></select></label>` +
        `<label>${esc(T.event)}<input df-event list="event-list"></label><datalist id="event-list">${opts}</datalist>`;
    }
    if (kind === "table") return head + `<label>${esc(T.body)}<textarea df-body rows="4"></textarea></label>`;
    if (kind === "action") return head + `<label>${esc(T.text)}<input df-text></label>`;
    return head + `<label>${esc(T.expr)}<input df-expr></label>`;
  }

  function outputsOf(kind) { return kind === "condition" ? 2 : (kind === "action" ? 0 : 1); }

  function addNode(kind, data, x, y) {
    data = Object.assign({}, data);
    if (!data.key) data.key = "new-" + (++counter);
    const id = editor.addNode(kind, kind === "trigger" ? 0 : 1, outputsOf(kind), x, y, "n-" + kind, data, nodeHtml(kind, data));
    if (kind === "condition") {
      // One node kind for the rule's condition and for an `if` inside a branch: its two
      // outputs are labelled, then (output_1) and else (output_2).
      const el = document.getElementById("node-" + id);
      const outs = el ? el.querySelectorAll(".outputs .output") : [];
      [T.then, T["else"]].forEach((label, i) => { if (outs[i]) { outs[i].dataset.label = label; outs[i].title = label; } });
    }
    return id;
  }

  // ---- canvas <-> the server's canvas JSON ----
  function exportCanvas() {
    const data = editor.export().drawflow.Home.data;
    const nodes = [], edges = [];
    for (const id in data) {
      const n = data[id];
      nodes.push({id: n.data.key, kind: n.name, data: n.data, x: n.pos_x, y: n.pos_y});
      for (const out in n.outputs) {
        for (const c of n.outputs[out].connections) {
          edges.push({from: n.data.key, to: data[c.node].data.key, port: out === "output_2" ? "else" : "then"});
        }
      }
    }
    return {nodes, edges};
  }

  function importCanvas(canvas) {
    const old = editor.export().drawflow.Home.data;
    const byKey = {}, byKind = {};
    for (const id in old) {
      const n = old[id];
      byKey[n.data.key] = n;
      (byKind[n.name] = byKind[n.name] || []).push(n);
    }
    applying = true;
    editor.clear();
    const idOf = {}, used = {};
    for (const n of canvas.nodes) {
      let prev = byKey[n.id];
      if (!prev) { const list = byKind[n.kind] || []; used[n.kind] = (used[n.kind] || 0); prev = list[used[n.kind]++]; }
      const x = prev ? prev.pos_x : n.x, y = prev ? prev.pos_y : n.y;
      idOf[n.id] = addNode(n.kind, Object.assign({}, n.data, {key: n.id, line: n.line}), x, y);
    }
    for (const e of canvas.edges) {
      if (idOf[e.from] && idOf[e.to]) editor.addConnection(idOf[e.from], idOf[e.to], e.port === "else" ? "output_2" : "output_1", "input_1");
    }
    applying = false;
  }

  // ---- markers ----
  function clearMarks() {
    cm.getAllMarks().forEach(m => m.clear());
    for (let i = 0; i < cm.lineCount(); i++) cm.removeLineClass(i, "background", "line-error");
    document.querySelectorAll(".drawflow-node.error").forEach(el => el.classList.remove("error"));
    document.getElementById("markers").innerHTML = "";
  }

  function nodeElByKey(key) {
    const data = editor.export().drawflow.Home.data;
    for (const id in data) if (data[id].data.key === key) return document.getElementById("node-" + id);
    return null;
  }

  function nodeElByLine(line) {
    const data = editor.export().drawflow.Home.data;
    let best = null, bestLine = 0;
    for (const id in data) { const l = data[id].data.line; if (l && l <= line && l >= bestLine) { best = id; bestLine = l; } }
    return best ? document.getElementById("node-" + best) : null;
  }

  function showMarkers(markers) {
    clearMarks();
    const list = document.getElementById("markers");
    for (const m of markers) {
      if (m.line > 0) {
        const line = m.line - 1;
        cm.addLineClass(line, "background", "line-error");
        const from = {line, ch: Math.max(0, m.column - 1)};
        const to = m.end_line > m.line ? {line: m.end_line - 1, ch: Math.max(0, m.end_column - 1)}
                                        : {line, ch: Math.max(from.ch + 1, m.end_column - 1)};
        cm.markText(from, to, {className: "cm-error-mark", title: m.message});
      }
      const el = (m.node && nodeElByKey(m.node)) || (m.line > 0 ? nodeElByLine(m.line) : null);
      if (el) { el.classList.add("error"); el.title = m.message; }
      const li = document.createElement("li");
      li.textContent = (m.line > 0 ? m.line + ":" + m.column + " " : "") + m.message;
      list.appendChild(li);
    }
    setState(markers.length ? T.errors + " (" + markers.length + ")" : T.synced, markers.length > 0);
  }

  function setState(text, bad) {
    const s = document.getElementById("sync-state");
    s.textContent = text; s.classList.toggle("neg", !!bad);
    document.querySelectorAll(".sync-text").forEach(t => { t.value = cm.getValue(); });
  }

  // ---- sync ----
  async function post(url, body) {
    const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}, body: JSON.stringify(body)});
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.json();
  }

  function schedule(fn) { clearTimeout(timer); setState(T.syncing); timer = setTimeout(fn, 250); }

  function refused(on) {
    document.querySelectorAll("[data-testid=submit]").forEach(b => { b.disabled = on; });
  }

  async function fromText() {
    const mine = ++seq;
    const res = await post("/rules/sync/text", {text: cm.getValue()});
    if (mine !== seq) return;
    refused(false);
    if (res.canvas) importCanvas(res.canvas);
    updateHint();
    showMarkers(res.markers);
  }

  async function fromCanvas() {
    const mine = ++seq;
    const res = await post("/rules/sync/canvas", {canvas: exportCanvas()});
    if (mine !== seq) return;
    if (res.text !== null && res.text !== cm.getValue()) {
      applying = true; cm.setValue(res.text); applying = false;
    }
    showMarkers(res.markers);
    // A graph the rule language cannot say is refused (no text): the text keeps its last
    // good state and nothing can be submitted until the canvas is fixed.
    refused(res.text === null && res.markers.length > 0);
  }

  function updateHint() {
    const hint = document.getElementById("canvas-hint");
    if (hint) hint.hidden = Object.keys(editor.export().drawflow.Home.data).length > 0;
  }

  function canvasChanged() { updateHint(); if (!applying) schedule(fromCanvas); }

  // ---- setup ----
  document.addEventListener("DOMContentLoaded", () => {
    CodeMirror.defineSimpleMode("jxcrule", {start: [
      {regex: /"(?:[^\\"]|\\.)*"/, token: "string"},
      {regex: /#.*/, token: "comment"},
      {regex: /(?:rule|guard|table|when|if|then|else|end|and|or|not|no|with|same|within|for|hit|first|collect|inputs|outputs|row|any|in|reserve|release|alert|notify|freeze|unfreeze|set|to|block|role|user|规则|守卫|决策表|当|若|则|否则|结束|且|或|非|没有|同|在|内|持续|预占|释放|预警|通知|冻结|解冻|设置|为|阻止|角色)\b/u, token: "keyword"},
      {regex: /[-+]?\d+(?:\.\d+)?(?:ms|s|m|h|d|%)?/, token: "number"},
      {regex: /[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*(?:\.[\w\u4e00-\u9fff]+)+/u, token: "variable-2"},
    ]});
    cm = CodeMirror.fromTextArea(document.getElementById("rule-text"), {lineNumbers: true, mode: "jxcrule", lineWrapping: true});
    window.ruleText = cm;
    cm.on("change", () => {
      document.querySelectorAll(".sync-text").forEach(t => { t.value = cm.getValue(); });
      if (!applying) schedule(fromText);
    });

    editor = new Drawflow(document.getElementById("canvas"));
    editor.reroute = false;
    editor.start();
    window.ruleCanvas = editor;
    ["nodeCreated", "nodeRemoved", "connectionCreated", "connectionRemoved", "nodeDataChanged"].forEach(ev => editor.on(ev, canvasChanged));
    editor.on("nodeMoved", canvasChanged);
    editor.on("nodeSelected", id => { selectedKey = editor.getNodeFromId(id).data.key; });

    const canvasEl = document.getElementById("canvas");
    document.querySelectorAll(".pal").forEach(p => p.addEventListener("dragstart", ev => {
      ev.dataTransfer.setData("text/plain", JSON.stringify({node: p.dataset.node, kind: p.dataset.kind || ""}));
    }));
    canvasEl.addEventListener("dragover", ev => ev.preventDefault());
    canvasEl.addEventListener("drop", ev => {
      ev.preventDefault();
      let what;
      try { what = JSON.parse(ev.dataTransfer.getData("text/plain")); } catch (e) { return; }
      const rect = editor.precanvas.getBoundingClientRect();
      const x = (ev.clientX - rect.x) / editor.zoom, y = (ev.clientY - rect.y) / editor.zoom;
      const data = what.node === "action" ? {kind: what.kind, text: ACTIONS[what.kind]} : DEFAULTS[what.node]();
      addNode(what.node, data, x, y);
    });

    const picker = document.getElementById("field-picker");
    const seen = new Set();
    for (const e of schema.events) for (const f of e.fields) {
      if (seen.has(f.path)) continue; seen.add(f.path);
      const o = document.createElement("option"); o.value = f.path; o.textContent = f.label + " · " + f.path; picker.appendChild(o);
    }
    picker.addEventListener("dblclick", () => {
      const el = selectedKey && nodeElByKey(selectedKey);
      const input = el && el.querySelector("input[df-expr], input[df-text], textarea[df-body]");
      if (!input) return;
      input.value = (input.value + " " + picker.value).trim();
      input.dispatchEvent(new Event("input", {bubbles: true}));
    });

    document.querySelectorAll(".sync-text").forEach(t => { t.value = cm.getValue(); });
    if (cm.getValue().trim()) fromText(); else setState(T.synced);
  });
})();
