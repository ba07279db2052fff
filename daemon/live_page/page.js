"use strict";
// The live page: a client of /v1/stream (docs/protocol.md) that keeps, per
// symbol, the bar closes and forecasts it has received and draws them with
// uPlot (from npm, inlined by the build). Nothing here fetches anything else.

const KEEP_SECONDS = 3 * 3600;  // chart history
const symbols = new Map();      // "exchange:symbol" -> SymbolView

const fmt = (x, digits = 2) => (x === null || x === undefined ? "–" : Number(x).toFixed(digits));
const seconds = ns => ns / 1e9;

function age(unixNs) {
  if (!unixNs) return "–";
  const s = Math.max(0, Date.now() / 1000 - seconds(unixNs));
  if (s < 120) return s.toFixed(0) + " s";
  return s < 7200 ? (s / 60).toFixed(0) + " min" : (s / 3600).toFixed(1) + " h";
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// One labelled value; `name` is also its class, so tests and styles find it.
function field(label, name, value, good) {
  const e = el("span", name);
  const v = el("span", good === undefined ? "v" : good ? "v ok" : "v bad", value);
  e.append(el("span", "k", label + " "), v);
  return e;
}

class SymbolView {
  constructor(key) {
    this.box = el("div", "sym");
    this.box.dataset.key = key;
    this.facts = el("div", "row");
    this.scores = el("div", "row");
    const chart = el("div", "chart");
    this.box.append(el("h2", "", key), this.facts, this.scores, chart);
    document.getElementById("symbols").append(this.box);
    // uPlot's columns: time (s), close, forecast, lower, upper.
    this.data = [[], [], [], [], []];
    this.bar = null;       // latest bar
    this.forecast = null;  // latest forecast
    this.feed = "–";
    this.plot = new uPlot({
      width: chart.clientWidth || 600,
      height: 220,
      series: [
        {},
        {label: "close", stroke: "#111", value: (u, v) => fmt(v, 2)},
        {label: "forecast", stroke: "#2864dc", dash: [4, 3], value: (u, v) => fmt(v, 2)},
        {label: "lower", stroke: "rgba(40,100,220,.35)", value: (u, v) => fmt(v, 2)},
        {label: "upper", stroke: "rgba(40,100,220,.35)", value: (u, v) => fmt(v, 2)},
      ],
      bands: [{series: [4, 3], fill: "rgba(40,100,220,.12)"}],
      scales: {x: {time: true}},
      axes: [{}, {size: 80}],  // room for prices like 61,234.5
    }, this.data, chart);
    this.dirty = false;
  }

  // The row of time `t`, created in time order (forecasts make the row of
  // the bar they forecast before that bar closes).
  row(t) {
    const x = this.data[0];
    let i = x.length;
    while (i > 0 && x[i - 1] > t) i--;
    if (i > 0 && x[i - 1] === t) return i - 1;
    this.data.forEach((column, c) => column.splice(i, 0, c === 0 ? t : null));
    while (x.length && x[0] < x[x.length - 1] - KEEP_SECONDS) this.data.forEach(column => column.shift());
    return x.indexOf(t);
  }

  onBar(m) {
    this.data[1][this.row(seconds(m.end_ns))] = m.close;
    if (!this.bar || m.end_ns >= this.bar.end_ns) this.bar = m;
    // The "status" snapshot is only the latest event of any symbol: until
    // this symbol's own feed_up/feed_down arrives, bars with trades say "up".
    if (this.feed === "–" && m.status === "traded") this.feed = "up";
    this.changed();
  }

  onForecast(m) {
    const i = this.row(seconds(m.target_end_ns));
    this.data[2][i] = m.predicted_close;
    this.data[3][i] = m.lower;
    this.data[4][i] = m.upper;
    this.forecast = m;
    this.changed();
  }

  changed() {
    if (this.dirty) return;
    this.dirty = true;
    requestAnimationFrame(() => {
      this.dirty = false;
      this.plot.setData(this.data);
      this.box.dataset.points = this.data[0].length;
      this.render();
    });
  }

  render() {
    const b = this.bar, f = this.forecast;
    const s = f && f.scores && f.scores.length ? f.scores[0] : null;
    this.facts.replaceChildren(
        field("price", "price", b ? fmt(b.close, 2) : "–"),
        field("feed", "feed", this.feed, this.feed === "up"),
        field("last bar", "bar", b ? b.status + ", " + age(b.end_ns) + " ago" : "–"),
        field("forecast", "forecast", f ? fmt(f.predicted_close, 2) : "–"),
        field("interval", "interval",
              f ? "[" + fmt(f.lower, 2) + ", " + fmt(f.upper, 2) + "] at " + fmt(f.coverage * 100, 0) + "%" : "–"),
        field("status", "status", f ? f.status : "–", f ? f.status === "ok" : undefined));
    this.scores.replaceChildren(
        field("model", "model", f ? "v" + f.model_version + (f.model_version ? ", " + age(f.model_created_unix_ns) + " old" : "") : "–"),
        field("skill" + (s ? " (" + s.window + " bars)" : ""), "skill", s ? fmt(s.skill, 3) : "–"),
        field("coverage", "coverage", s ? fmt(s.interval_coverage, 3) : "–"),
        field("direction", "direction", s ? fmt(s.direction_accuracy, 3) : "–"));
  }
}

function symbol(exchange, name) {
  const key = exchange + ":" + name;
  if (!symbols.has(key)) symbols.set(key, new SymbolView(key));
  return symbols.get(key);
}

function onMessage(m) {
  const conn = document.getElementById("conn");
  if (m.type === "bar" || m.type === "bar_revision") {
    symbol(m.exchange, m.symbol).onBar(m);
  } else if (m.type === "forecast") {
    symbol(m.exchange, m.symbol).onForecast(m);
  } else if (m.type === "status") {
    const s = symbol(m.exchange, m.symbol);
    if (m.kind === "feed_up") s.feed = "up";
    if (m.kind === "feed_down") s.feed = "down";
    s.render();
  } else if (m.type === "ack" && m.op === "list") {
    for (const s of m.symbols) symbol(s.exchange, s.symbol).render();
  } else if (m.type === "error") {
    conn.textContent = "error: " + m.code + ": " + m.message;
  }
}

function connect() {
  // A token in the page's address (/?token=...) is passed on to the stream.
  const token = new URLSearchParams(location.search).get("token");
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/v1/stream" +
              (token ? "?token=" + encodeURIComponent(token) : "");
  const conn = document.getElementById("conn");
  const ws = new WebSocket(url);
  ws.onopen = () => {
    conn.textContent = "connected to " + location.host;
    ws.send(JSON.stringify({op: "list", id: 1}));
    ws.send(JSON.stringify({op: "subscribe", id: 2, topics: ["bar:*:*", "forecast:*:*", "status"]}));
  };
  ws.onmessage = e => onMessage(JSON.parse(e.data));
  ws.onclose = e => {
    conn.textContent = "disconnected (" + e.code + "); reconnecting…";
    setTimeout(connect, 2000);
  };
}

window.addEventListener("resize", () => {
  for (const s of symbols.values()) s.plot.setSize({width: s.box.clientWidth - 20, height: 220});
});
setInterval(() => symbols.forEach(s => s.render()), 1000);  // ages
connect();
