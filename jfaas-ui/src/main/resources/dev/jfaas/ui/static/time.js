import { h } from "./dom.js";
// One time zone on every page: the browser's, which the charts' axes use too. The gateway sends
// instants (ISO-8601 in UTC, or epoch seconds); the exact UTC instant is each time's tooltip.

function toDate(value) {
  if (value === undefined || value === null || value === "") return null;
  const date = typeof value === "number" ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2026-12-07 09:41:05" in the browser's time zone, or the value as it came when it is not a time. */
export function when(value) {
  const date = toDate(value);
  if (!date) return value === undefined || value === null ? "" : String(value);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} `
    + `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A <time> element showing {@link when}, with the UTC instant as its machine value and tooltip. */
export function time(value) {
  const date = toDate(value);
  if (!date) return when(value);
  return h("time", { datetime: date.toISOString(), title: date.toISOString() }, when(date));
}

/** The browser's time zone, named once on the page. */
export function zone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
}
