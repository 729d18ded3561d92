import { api, request } from "../api.js";
import { lineChart } from "../charts.js";
import { h } from "../dom.js";
import { sampler } from "../metrics.js";
import { zone } from "../time.js";

function card(label, id) {
  return h("div", { class: "card" }, h("div", { class: "value", id }, "–"), h("div", { class: "label" }, label));
}

export async function show(main) {
  main.append(h("h1", {}, "Overview"),
    h("div", { class: "cards" }, card("functions", "o-functions"), card("ready replicas", "o-ready"), card("calls/s", "o-rate"),
      card("errors %", "o-errors"), card("p50 ms", "o-p50"), card("p95 ms", "o-p95"), card("in flight", "o-inflight"),
      card("queued", "o-depth"), card("dead letters", "o-dead")),
    h("h2", {}, "Health"), h("ul", { id: "o-health", class: "health" }, h("li", {}, "…")),
    h("div", { class: "charts" }, h("div", { id: "c-calls" }), h("div", { id: "c-latency" }), h("div", { id: "c-queue" })),
    h("p", { class: "muted" }, `Times in ${zone()}.`));
  const calls = lineChart("calls/s and errors/s", [{ label: "calls/s", color: "#0b5cad" }, { label: "errors/s", color: "#b3261e" }],
    main.querySelector("#c-calls"));
  const latency = lineChart("latency (ms)", [{ label: "p50", color: "#1a7f37" }, { label: "p95", color: "#8250df" }],
    main.querySelector("#c-latency"));
  const queue = lineChart("async queue", [{ label: "queued", color: "#0b5cad" }, { label: "dead letters", color: "#b3261e" }],
    main.querySelector("#c-queue"));
  // What the gateway kept of the last hour first, so a reload shows where the numbers came from.
  const past = await api("GET", "/system/metrics/history").catch(() => ({ time: [] }));
  past.time.forEach((t, i) => {
    calls.push(t, [past.rate[i], past.errors[i]]);
    latency.push(t, [past.p50[i], past.p95[i]]);
    queue.push(t, [past.depth[i], past.dead[i]]);
  });
  main.dataset.history = String(past.time.length);
  const sample = sampler();
  await sample();

  async function tick() {
    try {
      const [view, functions, info, health] = await Promise.all([sample(), api("GET", "/system/functions"),
        api("GET", "/system/info"), request("/system/health").then((r) => r.json())]);
      const set = (id, text) => { const e = main.querySelector(`#${id}`); if (e) e.textContent = text; };
      set("o-functions", functions.length);
      set("o-ready", functions.reduce((a, f) => a + (f.availableReplicas || 0), 0));
      set("o-rate", view.rate.toFixed(1));
      set("o-errors", view.errorPercent.toFixed(1));
      set("o-p50", view.p50.toFixed(1));
      set("o-p95", view.p95.toFixed(1));
      set("o-inflight", view.inFlight);
      set("o-depth", view.depth);
      set("o-dead", view.dead);
      const provider = info.provider || {};
      const parts = main.querySelector("#o-health");
      if (parts) {
        parts.replaceChildren(...health.parts.map((p) => h("li", { class: p.healthy ? "good" : "bad" },
          `${p.part} (${p.kind}): ${p.healthy ? "healthy" : p.problem}`)),
          h("li", {}, `limits ${provider.limitsEnforced ? "enforced" : "NOT enforced"}`),
          provider.network ? h("li", {}, `network: ${provider.network}`) : "",
          h("li", { class: "muted" }, `build ${String((info.version || {}).sha).slice(0, 12)} · ${info.arch}`));
      }
      const t = Date.now() / 1000;
      calls.push(t, [view.rate, (view.rate * view.errorPercent) / 100]);
      latency.push(t, [view.p50, view.p95]);
      queue.push(t, [view.depth, view.dead]);
      main.dataset.ticks = String(Number(main.dataset.ticks || 0) + 1);
    } catch (e) {
      const parts = main.querySelector("#o-health");
      if (parts) parts.replaceChildren(h("li", { class: "bad" }, e.message));
    }
  }
  await tick();
  const timer = setInterval(tick, 2000);
  return () => { clearInterval(timer); [calls, latency, queue].forEach((c) => c.stop()); };
}
