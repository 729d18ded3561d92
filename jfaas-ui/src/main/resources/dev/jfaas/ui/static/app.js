import { api, namespace, setNamespace } from "./api.js";
import { toast } from "./dom.js";

// Pages are modules, loaded when first shown; each exports show(main, params) and may return a
// function that stops what it started (timers, log streams) when another page is shown.
const pages = {
  overview: () => import("./pages/overview.js"),
  functions: () => import("./pages/functions.js"),
  function: () => import("./pages/function.js"),
  deploy: () => import("./pages/deploy.js"),
  invoke: () => import("./pages/invoke.js"),
  calls: () => import("./pages/calls.js"),
  queues: () => import("./pages/queues.js"),
  triggers: () => import("./pages/triggers.js"),
  secrets: () => import("./pages/secrets.js"),
};

let stop = null;
let shown = 0;

// Each route draws into a main element of its own: a page still loading when the next route
// starts (a slow answer, a quick second click) keeps drawing into its detached element, not
// beside the next page, and what it started is stopped as soon as it has started it.
async function route() {
  const turn = ++shown;
  const [name, ...rest] = (location.hash.replace(/^#\/?/, "") || "overview").split("/");
  const load = pages[name] || pages.overview;
  if (stop) { stop(); stop = null; }
  const old = document.getElementById("page");
  const main = document.createElement("main");
  main.id = old.id;
  main.tabIndex = old.tabIndex;
  old.replaceWith(main);
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("current", link.getAttribute("href") === `#/${name}`);
  }
  try {
    const page = await load();
    const started = (await page.show(main, rest.map(decodeURIComponent))) || null;
    if (turn === shown) {
      stop = started;
    } else if (started) {
      started();
    }
  } catch (e) {
    if (turn === shown) toast(e.message, true);
  }
}

async function namespaces() {
  const select = document.getElementById("namespace");
  let list = ["openfaas-fn"];
  try { list = await api("GET", "/system/namespaces"); } catch (e) { toast(e.message, true); }
  select.replaceChildren(...list.map((ns) => {
    const option = document.createElement("option");
    option.value = ns; option.textContent = ns; option.selected = ns === namespace();
    return option;
  }));
  select.addEventListener("change", () => { setNamespace(select.value); route(); });
}

window.addEventListener("hashchange", route);
namespaces().then(route);
