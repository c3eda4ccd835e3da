// Pre-export notifications: incoming and outgoing inboxes with deadlines and overdue marks,
// the filing form (substance resolved as typed, and the draft screened as typed through
// POST /api/v1/pens:screen — level, flags, evidence — before it is sent), a notification's
// page with its actions and history, and the signed label with its QR code, printable.
import { t, h, api, state, errorBox, field, fmtDate, qty, svgNode, hashParams, jsonDetails, canChange, badge } from './lib.js';

export async function render(root, { page, arg }) {
  if (page === 'pen') return penPage(root, arg);
  return inbox(root);
}

function statusBadge(p) {
  return h('span', { class: `status st-${p.status}` }, t(`pen.st.${p.status}`));
}

async function inbox(root) {
  const role = hashParams().get('role') || (state.me?.organisation?.kind === 'competent_authority' ? 'incoming' : '');
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': t('pen.inbox') },
    ['incoming', 'outgoing', ''].map((r) => h('a', { href: `#/pens?role=${r}`, class: 'tab', 'aria-current': r === role ? 'true' : null }, t(`pen.role.${r || 'all'}`))));
  const list = h('div', { id: 'pen-list', 'aria-live': 'polite' }, h('p', {}, t('working')));
  root.append(h('h1', {}, t('nav.pens')), tabs, list);
  if (canChange() && state.me.organisation.kind === 'competent_authority') root.append(filingForm());
  try {
    const r = await api('GET', `/api/v1/pens?limit=200${role ? `&role=${role}` : ''}`);
    const items = r.items || [];
    list.replaceChildren(items.length ? h('table', {},
      h('caption', {}, t('pen.count', { n: items.length })),
      h('thead', {}, h('tr', {}, [t('pen.id'), t('pen.route'), t('pen.substance'), t('pen.quantity'), t('pen.status'), t('pen.deadline')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map((p) => h('tr', { class: p.overdue ? 'overdue' : '' },
        h('td', {}, h('a', { href: `#/pen/${encodeURIComponent(p.id)}` }, p.id)),
        h('td', {}, `${p.exporting_country} → ${p.importing_country}`),
        h('td', {}, p.substance?.name || p.substance?.substance_id || '—'),
        h('td', {}, qty(p.quantity)),
        h('td', {}, statusBadge(p)),
        h('td', {}, fmtDate(p.reply_deadline), p.overdue ? h('strong', { class: 'overdue-mark' }, ` ${t('pen.overdue')}`) : ''))))) : h('p', {}, t('pen.none')));
  } catch (e) { list.replaceChildren(errorBox(e)); }
}

function party(prefix, country) {
  const name = h('input', { type: 'text', name: `${prefix}_name`, id: `${prefix}-name`, required: true });
  const address = h('input', { type: 'text', name: `${prefix}_address`, id: `${prefix}-address` });
  const cc = h('input', { type: 'text', name: `${prefix}_country`, id: `${prefix}-country`, maxlength: 2, value: country || '', required: true });
  return {
    el: h('fieldset', {}, h('legend', {}, t(`pen.${prefix}`)), field(t('pen.name'), name), field(t('pen.address'), address), field(t('pen.country'), cc)),
    value: () => ({ name: name.value.trim(), address: address.value.trim(), country: cc.value.trim().toUpperCase() }),
  };
}

function filingForm() {
  const mine = state.me.organisation.country || '';
  const importing = h('input', { type: 'text', id: 'pen-importing', maxlength: 2, required: true });
  const transit = h('input', { type: 'text', id: 'pen-transit', placeholder: 'US;PA' });
  const substance = h('input', { type: 'text', id: 'pen-substance', required: true, autocomplete: 'off' });
  const resolved = h('p', { class: 'muted', id: 'pen-resolved', 'aria-live': 'polite' });
  let resolvedId = null;
  let timer = 0;
  substance.addEventListener('input', () => {
    clearTimeout(timer);
    resolvedId = null;
    timer = setTimeout(async () => {
      const q = substance.value.trim();
      if (!q) { resolved.textContent = ''; return; }
      try {
        const r = await api('GET', `/api/v1/substances?limit=1&q=${encodeURIComponent(q)}`);
        const x = (r.items || [])[0];
        resolvedId = x ? x.substance_id : null;
        later();
        resolved.textContent = x ? t('pen.resolved', { name: x.name, cas: x.cas || '—', controls: (x.controls || []).join(', ') }) : t('pen.unresolved');
      } catch (_) { resolved.textContent = ''; }
    }, 250);
  });
  const value = h('input', { type: 'number', id: 'pen-qty', min: '0', step: 'any', required: true });
  const unit = h('select', { id: 'pen-unit' }, ['kg', 'g', 't', 'l', 'ml', 'units'].map((u) => h('option', { value: u }, u)));
  const hs = h('input', { type: 'text', id: 'pen-hs' });
  const exit = h('input', { type: 'text', id: 'pen-exit', placeholder: 'CNSHA' });
  const entry = h('input', { type: 'text', id: 'pen-entry', placeholder: 'MXZLO' });
  const mode = h('select', { id: 'pen-mode' }, ['sea', 'air', 'road', 'rail', 'post'].map((m) => h('option', { value: m }, t(`pen.mode.${m}`))));
  const carrier = h('input', { type: 'text', id: 'pen-carrier' });
  const dispatch = h('input', { type: 'date', id: 'pen-dispatch' });
  const arrival = h('input', { type: 'date', id: 'pen-arrival' });
  const invoice = h('input', { type: 'text', id: 'pen-invoice' });
  const auth = h('input', { type: 'text', id: 'pen-auth' });
  const exporter = party('exporter', mine);
  const importer = party('importer', '');
  const consignee = party('consignee', '');
  const out = h('div', { 'aria-live': 'polite', id: 'pen-filed' });
  const preview = h('section', { class: 'screening draft', id: 'pen-draft', 'aria-live': 'polite', 'aria-label': t('pen.draft') },
    h('h3', {}, t('pen.draft')), h('p', { class: 'muted' }, t('pen.draft.wait')));
  const opt = (v) => (v.trim() ? v.trim() : undefined);
  const draft = () => ({
    importing_country: importing.value.trim().toUpperCase(),
    transit_countries: transit.value.split(/[;,\s]+/).map((x) => x.trim().toUpperCase()).filter(Boolean),
    exporter: exporter.value(), importer: importer.value(), consignee: consignee.value(),
    substance: resolvedId ? { substance_id: resolvedId } : /^\d{2,7}-\d\d-\d$/.test(substance.value.trim()) ? { cas: substance.value.trim() } : { name: substance.value.trim() },
    quantity: { value: Number(value.value), unit: unit.value },
    hs_code: opt(hs.value), point_of_exit: opt(exit.value), point_of_entry: opt(entry.value),
    mode_of_transport: mode.value, carrier: opt(carrier.value),
    dispatch_date: opt(dispatch.value), arrival_date: opt(arrival.value),
    invoice_number: opt(invoice.value), export_authorisation: opt(auth.value),
  });
  // The draft is screened as the officer types (debounced; only the latest answer is shown).
  let asked = 0;
  let previewTimer = 0;
  const screenDraft = async () => {
    const n = ++asked;
    try {
      const r = await api('POST', '/api/v1/pens:screen', draft());
      if (n !== asked) return;
      // (replaceChildren would write a null as the text "null".)
      preview.replaceChildren(...[h('h3', {}, t('pen.draft'), ' ', r.screening?.risk ? h('span', { id: 'pen-draft-level' }, badge(r.screening.risk.level)) : ''),
        draftSubstance(r.substance),
        (r.warnings || []).length ? h('ul', { class: 'warnings' }, r.warnings.map((w) => h('li', {}, w))) : null,
        flagList(r.screening)].filter(Boolean));
    } catch (e) {
      if (n !== asked) return;
      preview.replaceChildren(h('h3', {}, t('pen.draft')),
        e.status === 400 || e.status === 422
          ? h('p', { class: 'muted', id: 'pen-draft-missing' }, t('pen.draft.missing', { field: e.details?.field || '—', why: e.message }))
          : errorBox(e));
    }
  };
  const later = () => { clearTimeout(previewTimer); previewTimer = setTimeout(screenDraft, 500); };
  const form = h('form', { class: 'card', id: 'pen-form', onsubmit: async (ev) => {
    ev.preventDefault();
    clearTimeout(previewTimer);
    const body = draft();
    try {
      const p = await api('POST', '/api/v1/pens', body);
      out.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('pen.filedas'), ' ', h('a', { href: `#/pen/${encodeURIComponent(p.id)}`, id: 'pen-filed-link' }, p.id)), screeningView(p.screening));
    } catch (e) { out.replaceChildren(errorBox(e)); }
  } },
  h('h2', {}, t('pen.file')),
  h('div', { class: 'grid' },
    field(t('pen.importing'), importing), field(t('pen.transit'), transit),
    h('div', {}, field(t('pen.substance'), substance, t('pen.substancehint')), resolved),
    field(t('pen.quantity'), value), field(t('pen.unit'), unit), field(t('pen.hs'), hs),
    field(t('pen.exit'), exit), field(t('pen.entry'), entry), field(t('pen.mode'), mode), field(t('pen.carrier'), carrier),
    field(t('pen.dispatch'), dispatch), field(t('pen.arrival'), arrival), field(t('pen.invoice'), invoice), field(t('pen.authorisation'), auth)),
  h('div', { class: 'grid' }, exporter.el, importer.el, consignee.el),
  preview,
  h('button', { type: 'submit', id: 'pen-submit' }, t('pen.send')),
  out);
  form.addEventListener('input', later);
  form.addEventListener('change', later);
  return form;
}

/** What the draft's substance resolves to, as filing will record it. */
function draftSubstance(x) {
  if (!x) return null;
  return h('p', { id: 'pen-draft-substance' }, t('pen.draft.substance', {
    name: x.name || '—', id: x.substance_id || '—', cas: x.cas || '—',
    lists: (x.lists || []).join(', ') || '—', by: x.resolved_by || '—',
  }));
}

/** One flag's evidence, field by field (nested values as compact JSON). */
function evidence(ev) {
  if (!ev || typeof ev !== 'object') return null;
  const entries = Object.entries(ev).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && !v.length));
  if (!entries.length) return null;
  return h('dl', { class: 'evidence' }, entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]));
}

function flagList(sc) {
  const flags = sc?.flags || [];
  return flags.length
    ? h('ul', { class: 'flags' }, flags.map((f) => h('li', {}, h('code', { class: `sev-${f.severity}` }, f.code), ' ', f.message, evidence(f.evidence))))
    : h('p', {}, t('screen.noflags'));
}

function screeningView(sc) {
  if (!sc) return null;
  return h('div', { class: 'screening' },
    h('h3', {}, t('pen.screening'), ' ', sc.risk ? badge(sc.risk.level) : ''),
    flagList(sc));
}

const ACTIONS = {
  acknowledge: { side: 'importer', body: () => ({}) },
  reply: { side: 'importer' },
  answer: { side: 'exporter' },
  withdraw: { side: 'exporter', body: () => ({}) },
  stop: { side: 'any' },
  shipment: { side: 'exporter' },
};

function actionForms(p, reload) {
  if (!canChange()) return null;
  const cc = state.me.organisation.country;
  const side = cc === p.exporting_country ? 'exporter' : cc === p.importing_country ? 'importer' : state.me.organisation.kind === 'secretariat' ? 'secretariat' : 'transit';
  const out = h('div', { 'aria-live': 'polite', id: 'pen-action-result' });
  const run = async (action, body) => {
    try {
      await api('POST', `/api/v1/pens/${encodeURIComponent(p.id)}/${action}`, body);
      reload();
    } catch (e) { out.replaceChildren(errorBox(e)); }
  };
  const forms = [];
  for (const [action, spec] of Object.entries(ACTIONS)) {
    if (spec.side !== 'any' && spec.side !== side) continue;
    if (action === 'reply') {
      const decision = h('select', { id: 'reply-decision' }, ['no_objection', 'objection', 'query'].map((d) => h('option', { value: d }, t(`pen.st.${d}`))));
      const reason = h('input', { type: 'text', id: 'reply-reason' });
      forms.push(h('form', { class: 'action', id: 'form-reply', onsubmit: (ev) => { ev.preventDefault(); run('reply', { decision: decision.value, reason: reason.value.trim() || undefined }); } },
        h('h3', {}, t('pen.act.reply')), field(t('pen.decision'), decision), field(t('pen.reason'), reason), h('button', { type: 'submit', id: 'do-reply' }, t('pen.act.reply'))));
    } else if (action === 'answer' || action === 'stop') {
      const text = h('input', { type: 'text', id: `${action}-text`, required: true });
      forms.push(h('form', { class: 'action', id: `form-${action}`, onsubmit: (ev) => { ev.preventDefault(); run(action, action === 'stop' ? { reason: text.value } : { answer: text.value }); } },
        h('h3', {}, t(`pen.act.${action}`)), field(t(action === 'stop' ? 'pen.reason' : 'pen.answertext'), text), h('button', { type: 'submit', id: `do-${action}` }, t(`pen.act.${action}`))));
    } else if (action === 'shipment') {
      const v = h('input', { type: 'number', id: 'ship-qty', step: 'any', min: '0', required: true });
      const on = h('input', { type: 'date', id: 'ship-date', required: true });
      forms.push(h('form', { class: 'action', id: 'form-shipment', onsubmit: (ev) => { ev.preventDefault(); run('shipment', { actual_quantity: { value: Number(v.value), unit: p.quantity?.unit || 'kg' }, shipped_on: on.value }); } },
        h('h3', {}, t('pen.act.shipment')), field(t('pen.quantity'), v), field(t('pen.shippedon'), on), h('button', { type: 'submit', id: 'do-shipment' }, t('pen.act.shipment'))));
    } else {
      forms.push(h('button', { type: 'button', id: `do-${action}`, onclick: () => run(action, spec.body()) }, t(`pen.act.${action}`)));
    }
  }
  return h('section', { class: 'card' }, h('h2', {}, t('pen.actions')), h('div', { class: 'actions' }, forms), out);
}

async function penPage(root, id) {
  const load = async () => {
    root.replaceChildren(h('p', {}, t('working')));
    let p;
    try { p = await api('GET', `/api/v1/pens/${encodeURIComponent(id)}`); } catch (e) { root.replaceChildren(errorBox(e)); return; }
    const labelBox = h('div', { id: 'pen-label' });
    root.replaceChildren(
      h('article', { class: 'card' },
        h('h1', {}, p.id, ' ', statusBadge(p)),
        h('dl', { class: 'facts' },
          h('dt', {}, t('pen.route')), h('dd', {}, `${p.exporting_country} → ${(p.transit_countries || []).map((x) => `${x} → `).join('')}${p.importing_country}`),
          h('dt', {}, t('pen.substance')), h('dd', {}, p.substance?.name || '', p.substance?.substance_id ? h('a', { href: `#/substance/${encodeURIComponent(p.substance.substance_id)}` }, ` (${p.substance.substance_id})`) : ''),
          h('dt', {}, t('pen.quantity')), h('dd', {}, qty(p.quantity)),
          h('dt', {}, t('pen.exporter')), h('dd', {}, p.exporter?.name || '—'),
          h('dt', {}, t('pen.importer')), h('dd', {}, p.importer?.name || '—'),
          h('dt', {}, t('pen.deadline')), h('dd', {}, fmtDate(p.reply_deadline), p.overdue ? h('strong', { class: 'overdue-mark' }, ` ${t('pen.overdue')}`) : ''),
          h('dt', {}, t('pen.sent')), h('dd', {}, fmtDate(p.sent_at)),
          p.by_silence ? [h('dt', {}, t('pen.bysilence')), h('dd', {}, t('yes'))] : null),
        screeningView(p.screening),
        jsonDetails(t('substance.raw'), p)),
      actionForms(p, load) || '',
      h('section', { class: 'card' }, h('h2', {}, t('pen.history')),
        h('ol', { class: 'history', id: 'pen-history' }, (p.history || []).map((e) => h('li', {},
          h('time', { datetime: e.at }, fmtDate(e.at)), ' · ', h('strong', {}, e.action), ' · ',
          e.by?.email || e.by?.organisation || '', e.by?.country ? ` (${e.by.country})` : '',
          e.to ? ` → ${t(`pen.st.${e.to}`)}` : '',
          e.details && Object.keys(e.details).length ? h('span', { class: 'muted' }, ` ${JSON.stringify(e.details)}`) : '')))),
      labelBox);
    if (['no_objection', 'shipped'].includes(p.status)) {
      try {
        const l = await api('GET', `/api/v1/pens/${encodeURIComponent(id)}/label`);
        labelBox.replaceChildren(h('section', { class: 'card label-print' },
          h('h2', {}, t('pen.label')),
          h('div', { class: 'qr' }, svgNode(l.qr_svg)),
          h('p', {}, h('code', { class: 'labeltext', id: 'label-text-out' }, l.label)),
          h('p', { class: 'noprint' },
            h('button', { type: 'button', onclick: () => window.print() }, t('pen.print')), ' ',
            h('a', { href: `#/label?text=${encodeURIComponent(l.label)}` }, t('pen.checklabel')))));
      } catch (e) { labelBox.replaceChildren(errorBox(e)); }
    }
  };
  await load();
}
