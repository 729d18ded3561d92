import { api, namespace, request } from "../api.js";
import { lineChart } from "../charts.js";
import { h, table, toast } from "../dom.js";
import { sampler } from "../metrics.js";
import { time, when, zone } from "../time.js";

export async function show(main, [name]) {
  const ns = namespace();
  const fn = await api("GET", `/system/function/${encodeURIComponent(name)}?namespace=${encodeURIComponent(ns)}`);
  const kv = (object) => table(["Key", "Value"], Object.entries(object || {}).map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", {}, v))));
  const replicas = h("span", { id: "replicas" }, `${fn.availableReplicas || 0} ready of ${fn.replicas || 0}`);
  async function scale(to) {
    await api("POST", `/system/scale-function/${encodeURIComponent(name)}`, { serviceName: name, namespace: ns, replicas: to });
    toast(`scaling ${name} to ${to}`);
  }
  const log = h("pre", { id: "log", "aria-label": "Log" });
  main.append(h("h1", {}, name),
    h("p", {}, "Replicas: ", replicas, " ",
      h("span", { class: "actions" },
        h("button", { class: "secondary", onclick: () => scale((fn.replicas || 0) + 1) }, "Scale up"),
        h("button", { class: "secondary", onclick: () => scale(Math.max(0, (fn.replicas || 0) - 1)) }, "Scale down"),
        h("button", { class: "secondary", onclick: () => scale(0) }, "Scale to 0"),
        h("a", { href: `#/deploy/${encodeURIComponent(name)}` }, "Edit"),
        h("a", { href: `#/invoke/${encodeURIComponent(name)}` }, "Invoke"),
        h("button", { class: "danger", id: "delete", onclick: async () => {
          if (!confirm(`Delete ${name}? Its replicas stop and its calls are refused.`)) return;
          // No refresh may ask for the function once it is gone: the browser logs each 404.
          clearInterval(timer);
          await refreshing;
          await api("DELETE", "/system/functions", { functionName: name, namespace: ns });
          toast(`deleted ${name}`);
          location.hash = "#/functions";
        } }, "Delete"))),
    fn.message ? h("p", { class: "bad" }, fn.message) : "",
    h("h2", {}, "Load"), h("div", { class: "charts" }, h("div", { id: "f-calls" }), h("div", { id: "f-latency" }),
      h("div", { id: "f-cpu" }), h("div", { id: "f-memory" })),
    h("p", { class: "muted" }, `Calls as the gateway counts them; CPU and memory of its replicas' cgroups. Times in ${zone()}.`),
    h("h2", {}, "Image and process"), kv({ image: fn.image, digest: fn.imageDigest, process: fn.envProcess, created: time(fn.createdAt),
      invocations: fn.invocationCount, memory: fn.usage ? `${Math.round((fn.usage.totalMemoryBytes || 0) / 1048576)} MB` : "" }),
    h("h2", {}, "Limits and network"), kv({ "memory limit": fn.limits?.memory || "none", "cpu limit": fn.limits?.cpu || "none",
      network: (fn.annotations || {})["com.jfaas.network"] || "egress (default)" }),
    h("h2", {}, "Environment"), kv(fn.envVars),
    h("h2", {}, "Labels"), kv(fn.labels), h("h2", {}, "Annotations"), kv(fn.annotations),
    h("h2", {}, "Secrets (names only)"), h("p", {}, (fn.secrets || []).join(", ") || "none"),
    h("h2", {}, "Log"), log);

  const charts = {
    calls: lineChart("calls/s and errors/s", [{ label: "calls/s", color: "#0b5cad" }, { label: "errors/s", color: "#b3261e" }],
      main.querySelector("#f-calls")),
    latency: lineChart("latency (ms)", [{ label: "p50", color: "#1a7f37" }, { label: "p95", color: "#8250df" },
      { label: "p99", color: "#b3261e" }], main.querySelector("#f-latency")),
    cpu: lineChart("CPU (millicores)", [{ label: "cpu", color: "#0b5cad" }], main.querySelector("#f-cpu")),
    memory: lineChart("memory (MB)", [{ label: "memory", color: "#8250df" }], main.querySelector("#f-memory")),
  };
  const sample = sampler(`${name}.${ns}`);
  await sample().catch(() => null);
  function plot(status, view) {
    const t = Date.now() / 1000;
    if (view) {
      charts.calls.push(t, [view.rate, (view.rate * view.errorPercent) / 100]);
      charts.latency.push(t, [view.p50, view.p95, view.p99]);
      main.dataset.rate = view.rate.toFixed(2);
    }
    charts.cpu.push(t, [status.usage ? status.usage.cpu : 0]);
    const memory = status.usage ? (status.usage.totalMemoryBytes || 0) / 1048576 : 0;
    charts.memory.push(t, [memory]);
    main.dataset.memory = memory.toFixed(1);
    main.dataset.samples = String(Number(main.dataset.samples || 0) + 1);
  }
  plot(fn, null);

  // The log, followed: newline-delimited JSON read as it streams.
  const abort = new AbortController();
  (async () => {
    try {
      const response = await request(`/system/logs?name=${encodeURIComponent(name)}&namespace=${encodeURIComponent(ns)}&tail=100&follow=true`,
        { signal: abort.signal });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let at;
        while ((at = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, at); buffer = buffer.slice(at + 1);
          if (!line.trim()) continue;
          const entry = JSON.parse(line);
          log.append(`${when(entry.timestamp)} ${entry.instance} ${entry.text}\n`);
          log.scrollTop = log.scrollHeight;
        }
      }
    } catch (e) { if (e.name !== "AbortError") log.append(`(log: ${e.message})\n`); }
  })();
  let refreshing = Promise.resolve();
  const timer = setInterval(() => {
    refreshing = (async () => {
      try {
        const [now, view] = await Promise.all([
          api("GET", `/system/function/${encodeURIComponent(name)}?namespace=${encodeURIComponent(ns)}`),
          sample().catch(() => null)]);
        fn.replicas = now.replicas;
        replicas.textContent = `${now.availableReplicas || 0} ready of ${now.replicas || 0}`;
        plot(now, view);
      } catch { /* deleted meanwhile */ }
    })();
  }, 2000);
  return () => { abort.abort(); clearInterval(timer); Object.values(charts).forEach((c) => c.stop()); };
}
