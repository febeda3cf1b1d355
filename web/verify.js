// Checks, in the browser with WebCrypto, that a record is in the log a signed
// checkpoint names: the same checks as `fundlog verify-proof`
// (core/merkle/verify.cc, note.cc, keys.cc), written again here so that the
// auditor need not trust the server's own word.
//
//   verifier key   <name>+<hex key id>+<base64(0x01 || Ed25519 public key)>
//                  key id = first 4 bytes of SHA-256(name "\n" 0x01 || key)
//   signed note    text "\n" then lines "— <name> <base64(key id || sig)>";
//                  the text ends at the last blank line and is what is signed
//   checkpoint     origin "\n" size "\n" base64(root) "\n" [extensions]
//   RFC 6962       leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || l || r)
"use strict";

const FundlogVerify = (() => {
  const enc = new TextEncoder();

  function b64decode(text) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw new Error("not padded base64: " + text.slice(0, 40));
    }
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function b64encode(bytes) {
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  const leafHash = (data) => sha256(concat(Uint8Array.of(0), data));
  const nodeHash = (l, r) => sha256(concat(Uint8Array.of(1), l, r));

  // Parses and checks a verifier key; throws naming what is wrong.
  async function parseVerifierKey(text) {
    // A name has no '+'; the base64 may.
    const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(text.trim());
    if (!m) throw new Error("verifier key is not <name>+<8 hex digits>+<base64>");
    const parts = m.slice(1);
    const tagged = b64decode(parts[2]);
    if (tagged.length !== 33 || tagged[0] !== 1) {
      throw new Error("verifier key is not an Ed25519 key (0x01 and 32 bytes)");
    }
    const digest = await sha256(concat(enc.encode(parts[0] + "\n"), tagged));
    const id = ((digest[0] << 24) | (digest[1] << 16) | (digest[2] << 8) | digest[3]) >>> 0;
    const claimed = parseInt(parts[1], 16) >>> 0;
    return { name: parts[0], keyId: claimed, idMatches: id === claimed, publicKey: tagged.slice(1) };
  }

  // Splits a signed note into its text and signature lines.
  function parseNote(note) {
    const split = note.lastIndexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) throw new Error("not a signed note");
    const text = note.slice(0, split + 1);
    const signatures = [];
    for (const line of note.slice(split + 2, -1).split("\n")) {
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) throw new Error("malformed signature line");
      const bytes = b64decode(m[2]);
      if (bytes.length < 5) throw new Error("signature too short");
      const keyId = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
      signatures.push({ name: m[1], keyId, signature: bytes.slice(4) });
    }
    return { text, signatures };
  }

  function parseCheckpoint(text) {
    const lines = text.slice(0, -1).split("\n");
    if (lines.length < 3 || !/^[1-9][0-9]*$|^0$/.test(lines[1])) {
      throw new Error("checkpoint needs origin, size and root lines");
    }
    const root = b64decode(lines[2]);
    if (root.length !== 32) throw new Error("checkpoint root is not 32 bytes");
    return { origin: lines[0], size: Number(lines[1]), root };
  }

  // RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when
  // the proof has the wrong length for (index, size).
  async function rootFromInclusionProof(index, size, leaf, proof) {
    if (index >= size) return null;
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  // Runs every check; returns {ok, checks: [{id, ok, detail}], checkpoint}.
  // `expect` names what the page shows for the record (its event id), which
  // the leaf's bytes must contain.
  async function verifyInclusion({ keyText, note, proofJson, seq, eventId }) {
    const checks = [];
    const add = (id, ok, detail) => { checks.push({ id, ok: !!ok, detail: detail || "" }); return ok; };
    let checkpoint = null;
    try {
      const key = await parseVerifierKey(keyText);
      add("check_key", key.idMatches, key.name + "+" + key.keyId.toString(16).padStart(8, "0"));
      const { text, signatures } = parseNote(note);
      checkpoint = parseCheckpoint(text);
      const line = signatures.find((s) => s.name === key.name && s.keyId === key.keyId);
      let signed = false;
      if (line && line.signature.length === 64) {
        const publicKey = await crypto.subtle.importKey("raw", key.publicKey, { name: "Ed25519" }, false, ["verify"]);
        signed = await crypto.subtle.verify({ name: "Ed25519" }, publicKey, line.signature, enc.encode(text));
      }
      add("check_signature", signed && key.idMatches && checkpoint.origin === key.name,
        line ? checkpoint.origin : "no signature by this key");
      add("check_size", proofJson.tree_size === checkpoint.size && proofJson.leaf_index === seq,
        "leaf " + proofJson.leaf_index + ", size " + proofJson.tree_size);
      const data = b64decode(proofJson.leaf_data);
      const needle = enc.encode(eventId || "");
      let found = false;
      for (let i = 0; !found && i + needle.length <= data.length; i++) {
        found = equal(data.subarray(i, i + needle.length), needle);
      }
      add("check_leaf", found, eventId || "");
      const proof = proofJson.proof.map(b64decode);
      const root = await rootFromInclusionProof(proofJson.leaf_index, checkpoint.size, await leafHash(data), proof);
      add("check_proof", root !== null && equal(root, checkpoint.root),
        root ? b64encode(root) : "proof has the wrong length");
    } catch (e) {
      add("error", false, String(e.message || e));
    }
    return { ok: checks.length >= 5 && checks.every((c) => c.ok), checks, checkpoint };
  }

  // Debug aid for the browser test (documented in docs/page.md): flips one
  // bit of the first proof hash, or of the leaf data when the proof is empty.
  function tamper(proofJson) {
    const copy = JSON.parse(JSON.stringify(proofJson));
    const field = copy.proof.length > 0 ? copy.proof : null;
    const bytes = b64decode(field ? field[0] : copy.leaf_data);
    bytes[bytes.length - 1] ^= 1;
    if (field) field[0] = b64encode(bytes); else copy.leaf_data = b64encode(bytes);
    return copy;
  }

  return { verifyInclusion, parseVerifierKey, parseNote, parseCheckpoint, tamper, b64encode };
})();
