import { request } from "./api.js";
// Live numbers from the gateway's Prometheus text (/metrics): the portal reads what any
// dashboard would, and turns counters into rates between two reads.

export function parse(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/);
    if (!match) continue;
    const labels = {};
    for (const pair of (match[3] || "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

function sum(samples, name, filter = () => true) {
  return samples.filter((s) => s.name === name && filter(s.labels)).reduce((a, s) => a + s.value, 0);
}

/** Totals now: calls, failed calls, in flight, queue depth, dead letters, histogram buckets. */
export function totals(samples, fn) {
  const ofFn = (l) => !fn || l.function_name === fn;
  const buckets = {};
  for (const s of samples) {
    if (s.name === "gateway_functions_seconds_bucket" && ofFn(s.labels)) {
      buckets[s.labels.le] = (buckets[s.labels.le] || 0) + s.value;
    }
  }
  return {
    calls: sum(samples, "gateway_function_invocation_total", ofFn),
    failed: sum(samples, "gateway_function_invocation_total", (l) => ofFn(l) && !String(l.code).startsWith("2")),
    started: sum(samples, "gateway_function_invocation_started", ofFn),
    depth: sum(samples, "jfaas_queue_depth"),
    dead: sum(samples, "jfaas_dead_letters"),
    buckets,
  };
}

/** Rates and latency percentiles between two reads, {@code seconds} apart. */
export function between(before, after, seconds) {
  const calls = Math.max(0, after.calls - before.calls);
  const failed = Math.max(0, after.failed - before.failed);
  const deltas = Object.keys(after.buckets).map((le) => [le === "+Inf" ? Infinity : Number(le), after.buckets[le] - (before.buckets[le] || 0)])
    .sort((a, b) => a[0] - b[0]);
  // Read between a bucket's bounds (as the gateway's history does), not at its upper bound alone.
  const quantile = (q) => {
    const total = deltas.length ? deltas[deltas.length - 1][1] : 0;
    if (!total) return 0;
    const rank = q * total;
    let below = 0;
    let lower = 0;
    for (const [bound, count] of deltas) {
      if (count >= rank) {
        if (!Number.isFinite(bound)) return lower;
        const inBucket = count - below;
        return lower + (inBucket ? (rank - below) / inBucket : 1) * (bound - lower);
      }
      below = count;
      lower = Number.isFinite(bound) ? bound : lower;
    }
    return lower;
  };
  return {
    rate: calls / seconds,
    errorPercent: calls ? (100 * failed) / calls : 0,
    inFlight: Math.max(0, after.started - after.calls),
    p50: quantile(0.5) * 1000,
    p95: quantile(0.95) * 1000,
    p99: quantile(0.99) * 1000,
    depth: after.depth,
    dead: after.dead,
  };
}

/**
 * Reads /metrics (one function's numbers, or all) each time it is called, and gives the rates and
 * percentiles since the call before: null the first time.
 */
export function sampler(fn) {
  let last = null;
  let lastAt = 0;
  return async () => {
    const now = await read(fn);
    const view = last ? between(last, now, (Date.now() - lastAt) / 1000 || 1) : null;
    last = now;
    lastAt = Date.now();
    return view;
  };
}

export async function read(fn) {
  const response = await request("/metrics");
  return totals(parse(await response.text()), fn);
}
