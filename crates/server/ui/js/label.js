// Label check: a shipment label `ITD1.<payload>.<signature>` verified in the browser with
// WebCrypto Ed25519 against the published keys (GET /api/v1/keys, fetched when online and kept
// in localStorage), so it works with no connection: valid when the signature checks under the
// key named by payload.key_id, that key is of the exporting country, not revoked, and now is
// within the label's validity. The text is pasted, or read from the label's QR code with the
// camera (js/qr.js: BarcodeDetector, else the bundled jsQR).
import { t, h, api, state, fmtDate, field, qty } from './lib.js';
import { startScan } from './qr.js';

const CACHE = 'interdict.keys';

export function hexBytes(hex) {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function b64urlBytes(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Ed25519: does `sig` sign `msg` under the 32-byte `pub`? Throws when the browser lacks it. */
export async function ed25519Verify(pub, sig, msg) {
  const key = await crypto.subtle.importKey('raw', pub, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, sig, msg);
}

function cached() {
  try { return JSON.parse(localStorage.getItem(CACHE) || 'null'); } catch (_) { return null; }
}

/** The key set: fetched and cached when online (and signed in), else the cached copy. */
export async function keySet(refresh) {
  const have = cached();
  if (have && !refresh) return have;
  try {
    const k = await api('GET', '/api/v1/keys');
    const entry = { fetched_at: new Date().toISOString(), keys: k.keys || [] };
    localStorage.setItem(CACHE, JSON.stringify(entry));
    return entry;
  } catch (e) {
    if (have) return have;
    throw e;
  }
}

/** {valid, reason, payload} for a label text, offline. */
export async function verifyLabel(text, keys, now = new Date()) {
  const parts = text.trim().split('.');
  if (parts.length !== 3 || parts[0] !== 'ITD1') return { valid: false, reason: t('label.r.malformed') };
  let msg; let sig; let payload;
  try {
    msg = b64urlBytes(parts[1]);
    sig = b64urlBytes(parts[2]);
    payload = JSON.parse(new TextDecoder().decode(msg));
  } catch (_) {
    return { valid: false, reason: t('label.r.malformed') };
  }
  const key = (keys.keys || []).find((k) => k.key_id === payload.key_id);
  if (!key) return { valid: false, reason: t('label.r.unknown', { key: payload.key_id }), payload };
  let ok;
  try {
    ok = await ed25519Verify(hexBytes(key.public_key), sig, msg);
  } catch (e) {
    return { valid: false, reason: t('label.r.nocrypto', { why: e.message }), payload };
  }
  if (!ok) return { valid: false, reason: t('label.r.changed'), payload };
  if (key.country !== payload.exporting_country) return { valid: false, reason: t('label.r.country', { key: key.country, label: payload.exporting_country }), payload };
  if (key.revoked_at) return { valid: false, reason: t('label.r.revoked', { at: key.revoked_at }), payload };
  if (now.toISOString().slice(0, 19) > String(payload.valid_until).slice(0, 19)) return { valid: false, reason: t('label.r.expired', { at: payload.valid_until }), payload };
  return { valid: true, reason: t('label.r.valid', { org: key.organisation, cc: key.country }), payload };
}

export async function render(root) {
  const text = h('textarea', { id: 'label-text', rows: 4, spellcheck: 'false', placeholder: 'ITD1.…' });
  const out = h('div', { id: 'label-result', 'aria-live': 'polite' });
  const status = h('p', { id: 'keys-status', class: 'muted' });
  const showStatus = (ks) => {
    status.textContent = ks ? t('label.keys', { n: ks.keys.length, at: fmtDate(ks.fetched_at) }) : t('label.nokeys');
  };
  showStatus(cached());
  if (state.me || navigator.onLine) {
    try { showStatus(await keySet(true)); } catch (_) { /* offline or signed out: the cache stands */ }
  }
  const check = async () => {
    out.replaceChildren(h('p', {}, t('working')));
    let ks;
    try { ks = await keySet(false); } catch (_) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('label.nokeys')));
      return;
    }
    const v = await verifyLabel(text.value, ks);
    const p = v.payload || {};
    out.replaceChildren(h('section', { class: `card verdict-box ${v.valid ? 'ok' : 'bad'}` },
      h('h2', { id: 'label-verdict' }, v.valid ? t('label.valid') : t('label.invalid')),
      h('p', {}, v.reason),
      v.payload ? h('dl', { class: 'facts' },
        h('dt', {}, t('label.pen')), h('dd', {}, p.pen),
        h('dt', {}, t('label.route')), h('dd', {}, `${p.exporting_country} → ${p.importing_country}`),
        h('dt', {}, t('label.substance')), h('dd', {}, `${p.substance_id || ''} ${p.cas ? `(CAS ${p.cas})` : ''}`),
        h('dt', {}, t('label.quantity')), h('dd', {}, qty(p.quantity)),
        h('dt', {}, t('label.exporter')), h('dd', {}, typeof p.exporter === 'object' ? p.exporter?.name : p.exporter),
        h('dt', {}, t('label.importer')), h('dd', {}, typeof p.importer === 'object' ? p.importer?.name : p.importer),
        h('dt', {}, t('label.until')), h('dd', {}, fmtDate(p.valid_until)),
        h('dt', {}, t('label.key')), h('dd', {}, p.key_id)) : null,
      h('p', { class: 'muted' }, t('label.offline'))));
  };
  const video = h('video', { id: 'scan-video', class: 'scan-video', hidden: true, 'aria-label': t('label.camera') });
  const scanStatus = h('p', { id: 'scan-status', class: 'muted', 'aria-live': 'polite' });
  let scanning = null;
  const scanButton = h('button', { type: 'button', id: 'label-scan', class: 'secondary', onclick: async () => {
    if (scanning) {
      scanning.stop();
      scanning = null;
      video.hidden = true;
      scanButton.textContent = t('label.scan');
      scanStatus.textContent = '';
      return;
    }
    scanStatus.textContent = t('label.scan.starting');
    // The code may be read from the very first frame, before startScan has returned.
    let read = false;
    try {
      const session = await startScan(video, (value) => {
        read = true;
        scanning = null;
        video.hidden = true;
        scanButton.textContent = t('label.scan');
        scanStatus.textContent = t('label.scan.read');
        text.value = value;
        check();
      });
      scanStatus.dataset.decoder = session.decoder;
      if (read) return;
      scanning = session;
      video.hidden = false;
      scanButton.textContent = t('label.scan.stop');
      scanStatus.textContent = t('label.scan.looking', { decoder: session.decoder });
    } catch (e) {
      scanning = null;
      scanStatus.textContent = t('label.scan.nocamera', { why: e.message || e.name || String(e) });
    }
  } }, t('label.scan'));
  // Leaving the page turns the camera off.
  window.addEventListener('hashchange', () => { if (scanning) { scanning.stop(); scanning = null; } }, { once: true });
  root.append(h('form', { class: 'card', onsubmit: (ev) => { ev.preventDefault(); check(); } },
    h('h1', {}, t('nav.label')),
    h('p', {}, t('label.intro')),
    h('div', { class: 'scan' }, scanButton, scanStatus, video),
    field(t('label.paste'), text),
    h('button', { type: 'submit', id: 'label-check' }, t('label.check')),
    h('button', { type: 'button', class: 'secondary', onclick: async () => { try { showStatus(await keySet(true)); } catch (e) { status.textContent = e.message; } } }, t('label.refresh')),
    status), out);
  const pre = new URLSearchParams(location.hash.split('?')[1] || '').get('text');
  if (pre) { text.value = pre; check(); }
}
