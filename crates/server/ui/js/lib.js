// Shared helpers: the string catalogue, element builders, the API client (session cookie plus
// the CSRF token on every change), small formatting helpers.

export const state = {
  me: null,
  csrf: localStorage.getItem('interdict.csrf'),
  lang: localStorage.getItem('interdict.lang') || ((navigator.language || 'en').startsWith('es') ? 'es' : 'en'),
  cat: {},
};

export async function loadLang(lang) {
  const r = await fetch(`/ui/i18n/${lang}.json`);
  if (!r.ok) throw new Error(`no catalogue for ${lang}`);
  state.cat = await r.json();
  state.lang = lang;
  localStorage.setItem('interdict.lang', lang);
  document.documentElement.lang = lang;
}

/** The string for `key` in the current language, with `{name}` placeholders filled. */
export function t(key, vars) {
  let s = state.cat[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else if (k === 'for') el.htmlFor = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

/** An HTML element: h('p', {class: 'x'}, 'text', child). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const xmlns = 'http://www.w3.org/2000/svg';
/** An SVG element. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(xmlns, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

/** Parses a server-made SVG document (a QR code) into a node of this document. */
export function svgNode(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg') return h('span', {}, '—');
  for (const el of [root, ...root.querySelectorAll('*')]) {
    el.removeAttribute('style');
    for (const a of [...el.attributes]) if (a.name.startsWith('on')) el.removeAttribute(a.name);
  }
  root.querySelectorAll('script').forEach((x) => x.remove());
  return document.importNode(root, true);
}

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Calls the API; `body` is an object (sent as JSON), or a string or Blob (a file) with `type`. */
export async function api(method, path, body, type) {
  const headers = { accept: 'application/json, application/x-ndjson' };
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string' || body instanceof Blob) {
      payload = body;
      headers['content-type'] = type || 'text/plain';
    } else {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
  }
  if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
  const r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const ct = r.headers.get('content-type') || '';
  const text = await r.text();
  if (!r.ok) {
    let err = {};
    try { err = JSON.parse(text).error || {}; } catch (_) { /* not JSON */ }
    if (r.status === 401 && !path.endsWith('/session')) window.dispatchEvent(new Event('interdict:signed-out'));
    throw new ApiError(r.status, err.code || String(r.status), err.message || r.statusText, err.details);
  }
  if (ct.includes('ndjson')) return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  if (ct.includes('json')) return text ? JSON.parse(text) : null;
  return text;
}

/** A message box for an error (role=alert so screen readers hear it). */
export function errorBox(e) {
  const msg = e instanceof ApiError ? `${t('error')} (${e.code}): ${e.message}` : `${t('error')}: ${e.message || e}`;
  return h('p', { class: 'error', role: 'alert' }, msg);
}

/** Runs an async action, showing its error in `where`. */
export async function guard(where, fn) {
  try {
    return await fn();
  } catch (e) {
    where.replaceChildren(errorBox(e));
    return undefined;
  }
}

export function fmtDate(x) {
  if (!x) return '—';
  const d = new Date(x);
  if (Number.isNaN(d.getTime())) return String(x);
  return d.toLocaleString(state.lang, { dateStyle: 'medium', timeStyle: x.length > 10 ? 'short' : undefined });
}

export function fmtNum(x, digits = 1) {
  if (x === null || x === undefined || x === '') return '—';
  const n = Number(x);
  if (!Number.isFinite(n)) return String(x);
  return n.toLocaleString(state.lang, { maximumFractionDigits: digits });
}

export function qty(q) {
  if (!q) return '—';
  if (typeof q === 'number') return fmtNum(q, 3);
  return `${fmtNum(q.value, 3)} ${q.unit || ''}`.trim();
}

/** A labelled form field. */
export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('small', {}, hint) : null);
}

/** A table from rows: columns are [header, row => cell]. */
export function table(columns, rows, caption) {
  return h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map(([head]) => h('th', { scope: 'col' }, head)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(r)))))));
}

/** A collapsible view of any JSON value, for fields the page does not lay out itself. */
export function jsonDetails(summary, value) {
  return h('details', {}, h('summary', {}, summary), h('pre', {}, JSON.stringify(value, null, 2)));
}

/** The query parameters of the current hash route. */
export function hashParams() {
  const q = location.hash.split('?')[1] || '';
  return new URLSearchParams(q);
}

/** Offers text as a file to download. */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function badge(level) {
  return h('span', { class: `badge lvl-${String(level || 'none').replace(/[^a-z_+-]/g, '')}` }, t(`level.${level}`) === `level.${level}` ? String(level) : t(`level.${level}`));
}

export function canChange() {
  return state.me && ['officer', 'admin'].includes(state.me.role);
}
