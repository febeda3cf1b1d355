// The auditors' page: reads the JSON API of `fundlog serve` (README, "The
// page") and draws the balance under the three views, the year-end chart,
// totals against the sources, the timeline and the in-browser verification.
// Every figure the page shows carries data-min-ore / data-max-ore so a test
// (tests/browser/page_test.py) can compare it with `fundlog balance --json`.
"use strict";

(() => {
  const I = FundlogI18n;
  const V = FundlogVerify;
  // Drawing (chart.js): FundlogChart.rangeBar, FundlogChart.yearEnds.
  const $ = (id) => document.getElementById(id);
  const state = { lang: "sv", serverLang: "sv", origin: "", funds: [], events: [], tamper: false,
    generation: 0, checks: 0 };
  const KEY_STORE = "fundlog.verifierKey";
  const t = (key) => I.t(state.lang, key);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("data-") || k === "id" || k === "title" || k === "role") node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  async function api(path, params) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) if (v !== "" && v != null) query.set(k, v);
    const url = "/api/v1/" + path + (query.toString() ? "?" + query : "");
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try { const e = JSON.parse(text).error; message = (e.parameter ? e.parameter + ": " : "") + e.message; } catch (_) { /* plain text */ }
      throw new Error(url + ": " + message);
    }
    return response.headers.get("Content-Type")?.includes("json") ? JSON.parse(text) : text;
  }

  function showStatus(text, isError) {
    const status = $("status");
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  // --- Language -----------------------------------------------------------
  function applyLanguage() {
    document.documentElement.lang = state.lang;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll(".view-head")) node.textContent = I.viewLabel(state.lang, node.dataset.view);
    for (const id of ["as-of", "known-at"]) $(id).placeholder = t("date_placeholder");
    $("lang-switch").textContent = t("switch_to");
    showVerification();
    document.title = t("title") + " – " + state.origin;
    showKeyState();
  }

  // --- Balance under the three views --------------------------------------
  function fundLineAccount(fund) {
    const f = state.funds.find((x) => x.fund === fund);
    if (!f || f.accounts.length === 0) return "";
    const same = f.accounts.find((a) => a.name === f.name);
    return (same || f.accounts[0]).account;
  }

  async function showBalances(asOf, knownAt, fund) {
    const answers = await Promise.all(I.VIEWS.map((view) =>
      api("balance", { as_of: asOf, known_at: knownAt, view, fund })));
    const accounts = new Map();
    let scale = { min: 0, max: 0 };
    answers.forEach((answer, i) => {
      for (const a of answer.accounts) {
        if (!accounts.has(a.account)) accounts.set(a.account, { name: a.name, views: {} });
        accounts.get(a.account).views[I.VIEWS[i]] = a;
        scale = { min: Math.min(scale.min, a.min_ore), max: Math.max(scale.max, a.max_ore) };
      }
    });
    const line = fundLineAccount(fund);
    const body = $("balance-table").tBodies[0];
    body.replaceChildren();
    for (const [account, row] of accounts) {
      const tr = el("tr", { "data-account": account, class: account === line ? "fund-line" : "" },
        el("th", { scope: "row" }, row.name, el("br"), el("span", { class: "mono small" }, account),
          account === line ? el("span", { class: "badge" }, " " + t("fund_line")) : ""));
      for (const view of I.VIEWS) {
        const a = row.views[view];
        const td = el("td", { "data-view": view });
        if (a) {
          td.setAttribute("data-min-ore", a.min_ore);
          td.setAttribute("data-max-ore", a.max_ore);
          td.setAttribute("data-exact", a.exact);
          if (account === line) td.id = "fund-line-" + view;
          td.append(el("span", { class: "amount" }, I.range(a.min_ore, a.max_ore, state.lang)), FundlogChart.rangeBar(a.min_ore, a.max_ore, scale));
        } else {
          td.textContent = "–";
        }
        tr.append(td);
      }
      body.append(tr);
    }
    if (accounts.size === 0) {
      body.append(el("tr", {}, el("td", { colSpan: 1 + I.VIEWS.length }, t("no_facts"))));
    }
    $("balance-as-of").textContent = asOf;
    $("balance-known-at").textContent = knownAt ? t("known_at_suffix") + knownAt : "";
  }

  // --- Year-end chart ------------------------------------------------------
  function yearSpan() {
    let first = 9999, last = 0;
    for (const e of state.events) {
      for (const d of [e.effective_from, e.effective_to]) {
        if (d) { first = Math.min(first, +d.slice(0, 4)); last = Math.max(last, +d.slice(0, 4)); }
      }
    }
    return first > last ? null : [first, last + 1];
  }

  async function showChart(knownAt, fund) {
    const account = fundLineAccount(fund);
    const span = yearSpan();
    const chart = $("chart");
    chart.replaceChildren();
    $("chart-account").textContent = account;
    if (!span || !account) { chart.textContent = t("no_facts"); return; }
    const years = [];
    for (let y = span[0]; y <= span[1]; y++) years.push(y);
    const cells = await Promise.all(years.flatMap((y) => I.VIEWS.map((view) =>
      api("balance", { as_of: y + "-12-31", known_at: knownAt, view, fund }).then((b) => {
        const a = b.accounts.find((x) => x.account === account);
        return { year: y, view, min: a ? a.min_ore : 0, max: a ? a.max_ore : 0 };
      }))));
    chart.append(FundlogChart.yearEnds(years, cells, state.lang));
    const legend = $("chart-legend");
    legend.replaceChildren(...I.VIEWS.map((view, v) =>
      el("li", {}, el("span", { class: "swatch view-" + v }), I.viewLabel(state.lang, view))));
  }

  // --- Totals against the sources -----------------------------------------
  async function showTotals(knownAt, fund) {
    const stated = new Map();
    let from = "9999-12-31", to = "0000-01-01";
    for (const e of state.events) {
      if (e.amount_ore == null || !e.effective_to) continue;
      if (e.kind === "budget_frame_use" && e.amount_ore == null) continue;
      stated.set(e.kind, (stated.get(e.kind) || 0) + e.amount_ore);
      from = e.effective_from < from ? e.effective_from : from;
      to = e.effective_to > to ? e.effective_to : to;
    }
    const body = $("totals-table").tBodies[0];
    body.replaceChildren();
    if (stated.size === 0) { $("totals-period").textContent = ""; return; }
    // Whole years, as the CLI's report reads "2011-2017".
    from = from.slice(0, 4) + "-01-01";
    to = to.slice(0, 4) + "-12-31";
    $("totals-period").textContent = from + " – " + to;
    const answers = await Promise.all(I.VIEWS.map((view) => api("totals", { from, to, view, known_at: knownAt, fund })));
    const kinds = [...new Set(answers.flatMap((a) => a.totals.map((x) => x.kind)))].sort();
    for (const kind of kinds) {
      const tr = el("tr", { "data-kind": kind }, el("th", { scope: "row" }, I.kindLabel(state.lang, kind)));
      let agrees = stated.has(kind);
      answers.forEach((a, i) => {
        const total = a.totals.find((x) => x.kind === kind);
        const td = el("td", { "data-view": I.VIEWS[i] });
        if (total) {
          td.setAttribute("data-min-ore", total.min_ore);
          td.setAttribute("data-max-ore", total.max_ore);
          td.textContent = I.range(total.min_ore, total.max_ore, state.lang);
          agrees = agrees && total.min_ore === stated.get(kind) && total.max_ore === stated.get(kind);
        }
        tr.append(td);
      });
      tr.append(stated.has(kind)
        ? el("td", { "data-stated-ore": stated.get(kind), class: agrees ? "agrees" : "differs" },
          I.money(stated.get(kind), state.lang), " (", agrees ? t("agrees") : t("differs"), ")")
        : el("td", {}, "–"));
      body.append(tr);
    }
  }

  // --- Timeline ------------------------------------------------------------
  async function loadTimeline(knownAt, fund) {
    const events = [];
    for (let offset = 0; ;) {
      const page = await api("timeline", { fund, known_at: knownAt, offset: offset || null, lang: state.lang });
      events.push(...page.events);
      if (typeof page.total !== "number" || events.length >= page.total || page.events.length === 0) break;
      offset = events.length;
    }
    state.events = events;
  }

  function showTimeline() {
    const list = $("timeline");
    list.replaceChildren();
    for (const e of state.events) {
      const effective = e.effective_to === e.effective_from ? e.effective_from
        : e.effective_from + " – " + (e.effective_to || t("open_end"));
      const source = [e.source.title, e.source.reference, e.source.date].filter(Boolean).join(", ");
      const item = el("li", { "data-seq": e.seq, id: "event-" + e.seq },
        el("div", { class: "event-head" },
          el("span", { class: "seq mono" }, "#" + e.seq), " ",
          el("span", { class: "kind" }, I.kindLabel(state.lang, e.kind)), " ",
          el("span", { class: "when mono" }, t("effective") + " " + effective + ", " + t("recorded") + " " + e.recorded_on),
          e.amount_ore != null ? el("span", { class: "amount" }, " " + I.money(e.amount_ore, state.lang)) : ""),
        el("p", { class: "summary" }, e.summary),
        el("p", {}, el("strong", {}, t("source") + ": "), source),
        e.source.passage ? el("blockquote", { lang: "sv" }, e.source.passage) : "",
        e.note ? el("p", { class: "note" }, el("strong", {}, t("note") + ": "), e.note) : "",
        el("button", { type: "button", class: "verify-record no-print", "data-seq": e.seq }, t("verify_this")));
      list.append(item);
    }
  }

  // --- Verification --------------------------------------------------------
  function showKeyState() {
    const pinned = localStorage.getItem(KEY_STORE);
    const key = $("verifier-key").value.trim();
    $("key-state").textContent = !key ? t("key_none")
      : pinned === key ? t("key_pinned") : state.keyFromServer === key ? t("key_from_server") : "";
  }

  // Draws the last check (again after a language switch).
  function showVerification() {
    const last = state.lastVerify;
    if (!last) return;
    const result = $("verify-result");
    const { seq, outcome, error, keyLabel } = last;
    result.dataset.status = outcome && outcome.ok ? "ok" : "failed";
    result.dataset.seq = seq;
    if (error) {
      result.replaceChildren(el("p", { class: "verdict failed", id: "verify-verdict" }, t("verify_failed") + ": " + error));
      return;
    }
    result.replaceChildren(
      el("p", { class: "verdict " + (outcome.ok ? "ok" : "failed"), id: "verify-verdict" },
        (outcome.ok ? t("verify_ok") : t("verify_failed")) + " – " + t("record") + " " + seq),
      el("ul", {}, ...outcome.checks.map((c) => el("li", { class: c.ok ? "ok" : "failed", "data-check": c.id },
        (c.ok ? "✓ " : "✗ ") + (c.id === "error" ? t("error") : t(c.id)) + (c.detail ? ": " : ""),
        el("span", { class: "mono small" }, c.detail)))),
      outcome.ok && outcome.checkpoint ? el("p", {}, t("verify_summary")
        .replace("{seq}", seq).replace("{size}", outcome.checkpoint.size)
        .replace("{root}", V.b64encode(outcome.checkpoint.root)).replace("{key}", keyLabel)) : "");
  }

  async function verifyRecord(seq) {
    const result = $("verify-result");
    result.dataset.status = "running";
    result.replaceChildren(el("p", {}, t("verifying")));
    const keyText = $("verifier-key").value;
    const keyLabel = keyText.trim().split("+", 2).join("+");
    try {
      const note = await api("checkpoint");
      const size = Number(note.split("\n")[1]);
      let proof = await api("proof/inclusion", { seq, size });
      if (state.tamper) proof = V.tamper(proof);
      // The event id the page shows for the record (from the record itself
      // when the timeline on the page does not hold it).
      const event = state.events.find((e) => e.seq === seq);
      const eventId = event ? event.event_id : (await api("records/" + seq)).event.event_id;
      const outcome = await V.verifyInclusion({ keyText, note, proofJson: proof, seq, eventId });
      state.lastVerify = { seq, outcome, keyLabel };
    } catch (e) {
      state.lastVerify = { seq, error: e.message, keyLabel };
    }
    showVerification();
    result.dataset.runs = String(++state.checks);
  }

  // The server's last `verify` run: its claim, shown as such (the check the
  // page does itself is the one above).
  async function showServerVerify() {
    const node = $("server-verify");
    const run = await api("verify");
    const result = run.result;
    node.dataset.ok = result ? String(result.ok) : "pending";
    node.textContent = t("server_verify") + ": " + (!result ? t("server_verify_pending")
      : (result.ok ? t("server_verify_ok") : t("server_verify_findings") + " (" + result.findings.length + ")")
        + ", " + result.tree_size + " " + t("records_word") + ", " + run.ran_at);
  }

  // --- Putting it together -------------------------------------------------
  async function refresh() {
    const asOf = $("as-of").value.trim(), knownAt = $("known-at").value.trim(), fund = $("fund").value;
    if (!I.isIsoDay(asOf) || (knownAt && !I.isIsoDay(knownAt))) { showStatus(t("bad_date"), true); return; }
    showStatus(t("loading"));
    document.body.dataset.ready = "false";
    try {
      await loadTimeline(knownAt, fund);
      showTimeline();
      await Promise.all([showBalances(asOf, knownAt, fund), showChart(knownAt, fund), showTotals(knownAt, fund)]);
      await showServerVerify();
      // 404 until `fundlog checkpoint` (or demo) has signed one.
      $("checkpoint").textContent = await api("checkpoint").catch((e) => t("no_checkpoint") + " (" + e.message + ")");
      showStatus("");
    } catch (e) {
      showStatus(t("error") + ": " + e.message, true);
    } finally {
      document.body.dataset.ready = "true";
      // Counts finished refreshes, so a test can wait for the next one.
      document.body.dataset.generation = String(++state.generation);
    }
  }

  async function start() {
    const params = new URLSearchParams(location.search);
    state.tamper = params.get("debug-tamper") === "proof";
    if (state.tamper) {
      // Say so on the page (and on paper): every proof is altered on purpose.
      document.body.prepend(el("p", { id: "debug-banner", role: "alert" },
        "debug-tamper=proof: " + t("tamper_banner")));
    }
    const config = await api("config").catch(() => ({ lang: "sv", origin: "" }));
    state.serverLang = state.lang = config.lang === "en" ? "en" : "sv";
    if (params.get("lang") === "en" || params.get("lang") === "sv") state.lang = params.get("lang");
    state.origin = config.origin || "";
    $("origin").textContent = state.origin;
    const funds = await api("funds").catch(() => ({ funds: [] }));
    state.funds = funds.funds;
    $("fund").replaceChildren(...state.funds.map((f) => el("option", { value: f.fund }, f.name + " (" + f.fund + ")")));
    $("verifier-key").value = localStorage.getItem(KEY_STORE) || "";
    $("printed-at").textContent = new Date().toISOString().slice(0, 10);
    api("key").then((k) => { $("footer-key").textContent = k.trim(); }).catch(() => {});
    applyLanguage();
    $("lang-switch").addEventListener("click", () => {
      state.lang = state.lang === "sv" ? "en" : "sv";
      applyLanguage();
      refresh();
    });
    $("query").addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
    $("verifier-key").addEventListener("input", showKeyState);
    $("key-pin").addEventListener("click", () => { localStorage.setItem(KEY_STORE, $("verifier-key").value.trim()); showKeyState(); });
    $("key-unpin").addEventListener("click", () => { localStorage.removeItem(KEY_STORE); showKeyState(); });
    $("key-fetch").addEventListener("click", async () => {
      state.keyFromServer = (await api("key")).trim();
      $("verifier-key").value = state.keyFromServer;
      showKeyState();
    });
    $("verify-run").addEventListener("click", () => verifyRecord(Number($("verify-seq").value)));
    $("timeline").addEventListener("click", (e) => {
      const button = e.target.closest("button.verify-record");
      if (!button) return;
      $("verify-seq").value = button.dataset.seq;
      verifyRecord(Number(button.dataset.seq));
      $("verify-section").scrollIntoView();
    });
    await refresh();
  }

  document.addEventListener("DOMContentLoaded", () => { start(); });
})();
