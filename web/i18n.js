// The page's words in Swedish and English, and how amounts and dates are
// written. The Swedish view names match the CLI's `report --lang sv`
// (core/audit/lang.cc).
"use strict";

const FundlogI18n = (() => {
  const NBSP = "\u00a0";

  const STRINGS = {
    sv: {
      title: "Fondens historik",
      lead: "Vad fonden innehöll en viss dag, under vilka regler och på vilka handlingar.",
      switch_to: "English",
      controls: "Välj dag och fond",
      fund: "Fond",
      as_of: "Saldo per dag",
      known_at: "som det var känt dag (tomt: i dag)",
      apply: "Visa",
      date_placeholder: "ÅÅÅÅ-MM-DD",
      balance_heading: "Balansräkningen per",
      known_at_suffix: ", som det var känt ",
      range_explain: "Ett intervall visas som en stapel från lägsta till högsta belopp som uppgifterna medger, aldrig som ett mittvärde.",
      account: "Konto",
      fund_line: "fondens rad",
      chart_heading: "Fondens rad vid räkenskapsårets slut",
      chart_label: "Fondens saldo vid varje räkenskapsårs slut under de tre synsätten; intervall som band från lägsta till högsta belopp.",
      totals_heading: "Summor mot de belopp som källorna anger",
      kind: "Slag",
      stated: "Enligt källorna",
      agrees: "stämmer under varje synsätt",
      differs: "AVVIKER",
      exports: "Exporter",
      export_csv: "tidslinjen",
      export_sie: "verifikationer enligt redovisat",
      export_hledger: "journal enligt redovisat",
      verify_heading: "Verifierat i din webbläsare",
      verify_explain: "Sidan hämtar postens inkluderingsbevis och den signerade kontrollpunkten och prövar båda själv (SHA-256 och Ed25519) mot verifieringsnyckeln nedan. Klistra in nyckeln som loggen har publicerat och fäst den i webbläsaren.",
      key_label: "Verifieringsnyckel",
      key_pin: "Fäst nyckeln",
      key_unpin: "Släpp nyckeln",
      key_fetch: "Hämta serverns nyckel",
      key_pinned: "Nyckeln är fäst i den här webbläsaren.",
      key_from_server: "Nyckeln kommer från servern själv: jämför den med den publicerade innan du litar på resultatet.",
      key_none: "Ingen nyckel: klistra in den publicerade verifieringsnyckeln.",
      record: "Post",
      verify_run: "Verifiera",
      verify_this: "Verifiera posten",
      verifying: "Verifierar …",
      verify_ok: "VERIFIERAT",
      tamper_banner: "varje bevis ändras med flit innan det prövas (för test); resultatet ska bli MISSLYCKADES.",
      verify_failed: "MISSLYCKADES",
      check_key: "Nyckelns id stämmer med namn och publik nyckel",
      check_signature: "Kontrollpunktens signatur (Ed25519) är giltig",
      check_leaf: "Postens data finns i lövet",
      check_proof: "Inkluderingsbeviset leder till kontrollpunktens rothash",
      check_size: "Beviset gäller kontrollpunktens storlek",
      verify_summary: "Post {seq} ingår i loggen med {size} poster och rothash {root}, signerad av {key}.",
      timeline_heading: "Tidslinje med källor",
      effective: "gäller",
      recorded: "bokförd",
      source: "Källa",
      passage: "Stycke",
      note: "Anm.",
      amount: "Belopp",
      open_end: "(öppen)",
      checkpoint_heading: "Signerad kontrollpunkt",
      checkpoint_explain: "Loggens storlek och rothash, signerade med loggens nyckel. Spara den: en senare kontroll visar att inget har ändrats.",
      printed: "Utskrivet",
      no_checkpoint: "Ingen signerad kontrollpunkt ännu: kör fundlog checkpoint.",
      server_verify: "Serverns senaste fullständiga kontroll (fundlog verify, serverns egen uppgift)",
      server_verify_ok: "inga avvikelser",
      server_verify_findings: "avvikelser",
      server_verify_pending: "har inte körts klart ännu",
      records_word: "poster",
      loading: "Hämtar …",
      bad_date: "Ange dagen som ÅÅÅÅ-MM-DD.",
      error: "Fel",
      no_facts: "(inga uppgifter)",
      views: {
        "reported": "enligt redovisat",
        "without-change": "som om ändringen aldrig skett",
        "restated": "omräknat från början",
      },
      kinds: {
        fund_established: "fond inrättad",
        guidelines_adopted: "riktlinjer antagna",
        decision_proposed: "förslag till beslut",
        decision_taken: "beslut",
        guidelines_repealed: "riktlinjer upphävda",
        allocation: "avsättning",
        use: "ianspråktagande",
        repayment: "återbetalning",
        close_out: "upplösning",
        budget_frame_use: "inom budgetram",
        voucher: "verifikation",
        opening_balances: "ingående balanser",
        accounts_defined: "kontoplan",
        policy_defined: "redovisningsprincip",
        policy_changed: "byte av redovisningsprincip",
        balance_asserted: "fastställt saldo",
        correction: "rättelse",
        statement_sealed: "förseglat bokslut",
      },
    },
    en: {
      title: "The fund's history",
      lead: "What the fund held on a given day, under which rules, and on what documents.",
      switch_to: "Svenska",
      controls: "Choose day and fund",
      fund: "Fund",
      as_of: "Balance as of",
      known_at: "as known on (empty: today)",
      apply: "Show",
      date_placeholder: "YYYY-MM-DD",
      balance_heading: "Balance sheet as of",
      known_at_suffix: ", as known on ",
      range_explain: "A range is drawn as a bar from the lowest to the highest amount the facts allow, never as a midpoint.",
      account: "Account",
      fund_line: "the fund line",
      chart_heading: "The fund line at each year end",
      chart_label: "The fund's balance at each year end under the three views; ranges as bands from the lowest to the highest amount.",
      totals_heading: "Totals against the amounts the sources state",
      kind: "Kind",
      stated: "Stated in sources",
      agrees: "agrees under every view",
      differs: "DIFFERS",
      exports: "Exports",
      export_csv: "the timeline",
      export_sie: "vouchers, as reported",
      export_hledger: "journal, as reported",
      verify_heading: "Verified in your browser",
      verify_explain: "The page fetches the record's inclusion proof and the signed checkpoint and checks both itself (SHA-256 and Ed25519) against the verifier key below. Paste the key the log published and pin it in this browser.",
      key_label: "Verifier key",
      key_pin: "Pin the key",
      key_unpin: "Unpin the key",
      key_fetch: "Fetch the server's key",
      key_pinned: "The key is pinned in this browser.",
      key_from_server: "The key comes from the server itself: compare it with the published one before trusting the result.",
      key_none: "No key: paste the published verifier key.",
      record: "Record",
      verify_run: "Verify",
      verify_this: "Verify the record",
      verifying: "Verifying …",
      verify_ok: "VERIFIED",
      tamper_banner: "every proof is altered on purpose before it is checked (for tests); the result must be FAILED.",
      verify_failed: "FAILED",
      check_key: "The key id matches the name and public key",
      check_signature: "The checkpoint's signature (Ed25519) is valid",
      check_leaf: "The record's data is in the leaf",
      check_proof: "The inclusion proof leads to the checkpoint's root hash",
      check_size: "The proof is for the checkpoint's size",
      verify_summary: "Record {seq} is in the log of {size} records with root hash {root}, signed by {key}.",
      timeline_heading: "Timeline with sources",
      effective: "effective",
      recorded: "recorded",
      source: "Source",
      passage: "Passage",
      note: "Note",
      amount: "Amount",
      open_end: "(open)",
      checkpoint_heading: "Signed checkpoint",
      checkpoint_explain: "The log's size and root hash, signed with the log's key. Keep it: a later check shows that nothing changed.",
      printed: "Printed",
      no_checkpoint: "No signed checkpoint yet: run fundlog checkpoint.",
      server_verify: "The server's last full check (fundlog verify, the server's own word)",
      server_verify_ok: "no findings",
      server_verify_findings: "findings",
      server_verify_pending: "has not finished yet",
      records_word: "records",
      loading: "Loading …",
      bad_date: "Give the day as YYYY-MM-DD.",
      error: "Error",
      no_facts: "(no facts)",
      views: {
        "reported": "reported",
        "without-change": "without-change",
        "restated": "restated",
      },
      kinds: {},
    },
  };

  const VIEWS = ["reported", "without-change", "restated"];

  // "10 000 000,00 kr" (sv) or "10 000 000.00 kr" (en), no-break spaces
  // between thousands and before "kr" so an amount never breaks a line.
  // Works on integer öre without floating point (JSON numbers are exact
  // below 2^53 öre).
  function money(ore, lang) {
    const negative = ore < 0;
    const magnitude = BigInt(Math.abs(ore));
    const kronor = (magnitude / 100n).toString();
    const ore2 = (magnitude % 100n).toString().padStart(2, "0");
    const grouped = kronor.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
    const mark = lang === "sv" ? "," : ".";
    return (negative ? "-" : "") + grouped + mark + ore2 + NBSP + "kr";
  }

  // "min – max" with the unit once, or one amount when exact.
  function range(minOre, maxOre, lang) {
    if (minOre === maxOre) return money(minOre, lang);
    const low = money(minOre, lang).replace(NBSP + "kr", "");
    return low + "\u2009–\u2009" + money(maxOre, lang);
  }

  function isIsoDay(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
    const d = new Date(text + "T00:00:00Z");
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
  }

  function t(lang, key) {
    const table = STRINGS[lang] || STRINGS.sv;
    return key in table ? table[key] : STRINGS.sv[key];
  }

  function viewLabel(lang, view) { return t(lang, "views")[view] || view; }
  function kindLabel(lang, kind) { return t(lang, "kinds")[kind] || kind; }

  return { STRINGS, VIEWS, money, range, isIsoDay, t, viewLabel, kindLabel };
})();
