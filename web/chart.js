// The page's drawings, as SVG built in the page (no library): a range bar
// for one figure, and the fund line at each year end under the three views.
// A range is always drawn from its min to its max, never as a midpoint.
"use strict";

const FundlogChart = (() => {
  const I = FundlogI18n;
  const ns = "http://www.w3.org/2000/svg";

  function rangeBar(minOre, maxOre, scale) {
    // A bar from min to max on a common scale: never a midpoint. An exact
    // figure is a tick.
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 100 8");
    svg.setAttribute("class", "range-bar");
    svg.setAttribute("aria-hidden", "true");
    const x = (ore) => 2 + 96 * (ore - scale.min) / Math.max(1, scale.max - scale.min);
    const track = document.createElementNS(svg.namespaceURI, "line");
    Object.entries({ x1: 2, x2: 98, y1: 4, y2: 4, class: "track" }).forEach(([k, v]) => track.setAttribute(k, v));
    const bar = document.createElementNS(svg.namespaceURI, "rect");
    const x0 = x(minOre), x1 = x(maxOre);
    Object.entries({ x: x0 - (minOre === maxOre ? 0.6 : 0), y: 1, width: Math.max(1.2, x1 - x0), height: 6,
      class: minOre === maxOre ? "exact" : "range" }).forEach(([k, v]) => bar.setAttribute(k, v));
    svg.append(track, bar);
    return svg;
  }

  // cells: [{year, view, min, max}] in öre; one band per year and view,
  // side by side in the year's slot, from min to max (thin when exact).
  function yearEnds(years, cells, lang) {
    const W = 760, H = 300, left = 96, right = 12, top = 12, bottom = 34;
    const lo = Math.min(0, ...cells.map((c) => c.min)), hi = Math.max(1, ...cells.map((c) => c.max));
    const slot = (W - left - right) / years.length;
    const y = (ore) => top + (H - top - bottom) * (1 - (ore - lo) / (hi - lo));
    const svg = document.createElementNS(ns, "svg");
    const make = (tag, attrs, text) => {
      const n = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text != null) n.textContent = text;
      svg.append(n);
      return n;
    };
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("id", "chart-svg");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", I.t(lang, "chart_label"));
    for (let i = 0; i <= 4; i++) {
      const ore = Math.round(lo + (hi - lo) * i / 4);
      make("line", { x1: left, x2: W - right, y1: y(ore), y2: y(ore), class: "grid" });
      make("text", { x: left - 6, y: y(ore) + 4, class: "axis", "text-anchor": "end" },
        I.money(Math.round(ore / 100) * 100, lang).replace(/[,.]00\u00a0kr$/, ""));
    }
    years.forEach((year, i) => {
      make("text", { x: left + slot * (i + 0.5), y: H - 12, class: "axis", "text-anchor": "middle" }, String(year));
    });
    // Each view is a band per year from min to max (a thin bar when exact),
    // side by side in the year's slot.
    const band = slot / (I.VIEWS.length + 1);
    for (const c of cells) {
      const v = I.VIEWS.indexOf(c.view);
      const x = left + slot * years.indexOf(c.year) + band * (v + 0.5);
      const y0 = y(c.max), y1 = y(c.min);
      const rect = make("rect", { x, y: y0, width: band, height: Math.max(2, y1 - y0),
        class: "band view-" + v + (c.min === c.max ? " exact" : ""),
        "data-view": c.view, "data-year": c.year, "data-min-ore": c.min, "data-max-ore": c.max });
      const title = document.createElementNS(ns, "title");
      title.textContent = `${c.year}-12-31, ${I.viewLabel(lang, c.view)}: ${I.range(c.min, c.max, lang)}`;
      rect.append(title);
    }
    return svg;
  }

  return { rangeBar, yearEnds };
})();
