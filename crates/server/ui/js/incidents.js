// Incidents: the entry form (POST /api/v1/incidents; substances resolved and parties screened by
// the server, shown on the record), search with filters (GET /api/v1/incidents?…), and an
// incident's page with its position on the world map (its coordinates, else its country's point),
// its attachments (list, download, upload) and "who can see this" (GET …/visibility).
import { t, h, s, api, state, errorBox, field, fmtDate, fmtNum, qty, table, hashParams, jsonDetails, canChange } from './lib.js';
import { worldMap, loadWorld, loadCentroids, project } from './map.js';

const TYPES = ['seizure', 'stopped_shipment', 'suspicious_order', 'diversion_attempt', 'illicit_laboratory', 'equipment', 'overdose', 'drug_checking'];
const DIST = ['organisation', 'country', 'countries', 'coalition'];
const TLP = ['clear', 'green', 'amber', 'amber+strict', 'red'];

export async function render(root, { page, arg }) {
  if (page === 'incident') return incidentPage(root, arg);
  return searchPage(root);
}

function entryForm() {
  const type = h('select', { id: 'inc-type' }, TYPES.map((x) => h('option', { value: x }, t(`inc.type.${x}`))));
  const date = h('input', { type: 'date', id: 'inc-date', required: true, value: new Date().toISOString().slice(0, 10) });
  const country = h('input', { type: 'text', id: 'inc-country', maxlength: 2, value: state.me.organisation.country || '' });
  const locode = h('input', { type: 'text', id: 'inc-locode', placeholder: 'MXZLO' });
  const origin = h('input', { type: 'text', id: 'inc-origin', maxlength: 2 });
  const destination = h('input', { type: 'text', id: 'inc-destination', maxlength: 2 });
  const substance = h('input', { type: 'text', id: 'inc-substance', required: true });
  const amount = h('input', { type: 'number', id: 'inc-qty', step: 'any', min: '0' });
  const unit = h('select', { id: 'inc-unit' }, ['kg', 'g', 't', 'l', 'ml', 'units'].map((u) => h('option', { value: u }, u)));
  const partyName = h('input', { type: 'text', id: 'inc-party' });
  const partyRole = h('select', { id: 'inc-party-role' }, ['exporter', 'importer', 'consignee', 'broker', 'carrier', 'person'].map((r) => h('option', { value: r }, t(`inc.role.${r}`))));
  const description = h('textarea', { id: 'inc-description', rows: 3 });
  const distribution = h('select', { id: 'inc-distribution' }, DIST.map((d) => h('option', { value: d, selected: d === 'coalition' ? true : null }, t(`inc.dist.${d}`))));
  const shareWith = h('input', { type: 'text', id: 'inc-share', placeholder: 'US;CO' });
  const tlp = h('select', { id: 'inc-tlp' }, TLP.map((x) => h('option', { value: x, selected: x === 'green' ? true : null }, `TLP:${x.toUpperCase()}`)));
  const out = h('div', { 'aria-live': 'polite', id: 'inc-created' });
  const opt = (v) => (v.trim() ? v.trim().toUpperCase() : undefined);
  return h('form', { class: 'card', id: 'inc-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const text = substance.value.trim();
    const sub = /^\d{2,7}-\d\d-\d$/.test(text) ? { cas: text } : /[=()#\[\]]|^[A-Za-z]*[a-z]1/.test(text) && !/\s/.test(text) ? { smiles: text } : { text };
    if (amount.value) sub.quantity = { value: Number(amount.value), unit: unit.value };
    const body = {
      type: type.value, date: date.value, country: opt(country.value),
      place: locode.value.trim() ? { locode: locode.value.trim().toUpperCase() } : undefined,
      origin_country: opt(origin.value), destination_country: opt(destination.value),
      substances: [sub],
      parties: partyName.value.trim() ? [{ role: partyRole.value, name: partyName.value.trim() }] : [],
      description: description.value.trim() || undefined,
      distribution: distribution.value,
      share_with: shareWith.value.split(/[;,\s]+/).map((x) => x.trim().toUpperCase()).filter(Boolean),
      tlp: tlp.value,
    };
    try {
      const r = await api('POST', '/api/v1/incidents', body);
      out.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('inc.created'), ' ', h('a', { href: `#/incident/${encodeURIComponent(r.id)}`, id: 'inc-created-link' }, r.id)));
    } catch (e) { out.replaceChildren(errorBox(e)); }
  } },
  h('h2', {}, t('inc.new')),
  h('div', { class: 'grid' },
    field(t('inc.type'), type), field(t('inc.date'), date), field(t('inc.country'), country), field(t('inc.locode'), locode),
    field(t('inc.origin'), origin), field(t('inc.destination'), destination),
    field(t('inc.substance'), substance, t('inc.substancehint')), field(t('pen.quantity'), amount), field(t('pen.unit'), unit),
    field(t('inc.party'), partyName), field(t('inc.partyrole'), partyRole),
    field(t('inc.distribution'), distribution), field(t('inc.sharewith'), shareWith), field('TLP', tlp)),
  field(t('inc.description'), description),
  h('button', { type: 'submit', id: 'inc-submit' }, t('inc.save')),
  out);
}

async function searchPage(root) {
  const p = hashParams();
  const q = h('input', { type: 'search', id: 'inc-q', value: p.get('q') || '' });
  const substance = h('input', { type: 'text', id: 'inc-f-substance', value: p.get('substance') || '' });
  const cls = h('input', { type: 'text', id: 'inc-f-class', value: p.get('class') || '' });
  const country = h('input', { type: 'text', id: 'inc-f-country', maxlength: 2, value: p.get('country') || '' });
  const type = h('select', { id: 'inc-f-type' }, h('option', { value: '' }, t('screen.any')), TYPES.map((x) => h('option', { value: x, selected: p.get('type') === x ? true : null }, t(`inc.type.${x}`))));
  const from = h('input', { type: 'date', id: 'inc-f-from', value: p.get('from') || '' });
  const to = h('input', { type: 'date', id: 'inc-f-to', value: p.get('to') || '' });
  const out = h('div', { id: 'inc-results', 'aria-live': 'polite' });
  // Only the latest search is shown: an earlier one answering late must not overwrite it.
  let asked = 0;
  const search = async () => {
    const n = ++asked;
    const params = new URLSearchParams();
    for (const [k, el] of [['q', q], ['substance', substance], ['class', cls], ['country', country], ['type', type], ['from', from], ['to', to]]) {
      if (el.value.trim()) params.set(k, el.value.trim());
    }
    params.set('limit', '200');
    out.replaceChildren(h('p', {}, t('working')));
    try {
      const r = await api('GET', `/api/v1/incidents?${params}`);
      if (n !== asked) return;
      const items = r.items || [];
      out.replaceChildren(items.length ? h('table', {},
        h('caption', {}, t('inc.count', { n: items.length })),
        h('thead', {}, h('tr', {}, [t('inc.id'), t('inc.date'), t('inc.type'), t('inc.country'), t('inc.substance'), 'TLP'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, items.map((i) => h('tr', {},
          h('td', {}, h('a', { href: `#/incident/${encodeURIComponent(i.id)}` }, i.id)),
          h('td', {}, i.date), h('td', {}, t(`inc.type.${i.type}`)), h('td', {}, i.country),
          h('td', {}, (i.substances || []).map(subName).join('; ')),
          h('td', {}, h('span', { class: `tlp tlp-${String(i.tlp).replace('+', '-')}` }, `TLP:${String(i.tlp).toUpperCase()}`)))))) : h('p', {}, t('inc.none')));
    } catch (e) { if (n === asked) out.replaceChildren(errorBox(e)); }
  };
  root.append(h('h1', {}, t('nav.incidents')),
    h('form', { class: 'card filters', id: 'inc-search', onsubmit: (ev) => { ev.preventDefault(); search(); } },
      h('h2', {}, t('search')),
      h('div', { class: 'grid' }, field(t('inc.q'), q), field(t('inc.substance'), substance), field(t('inc.class'), cls),
        field(t('inc.country'), country), field(t('inc.type'), type), field(t('inc.from'), from), field(t('inc.to'), to)),
      h('button', { type: 'submit', id: 'inc-search-run' }, t('search'))),
    out);
  if (canChange()) root.append(entryForm());
  search();
}

function subName(x) {
  const r = x.resolution || x.resolved || {};
  return r.name || r.substance_id || x.substance_id || x.text || x.cas || x.smiles || '—';
}

async function incidentPage(root, id) {
  try {
    const [i, vis, files] = await Promise.all([
      api('GET', `/api/v1/incidents/${encodeURIComponent(id)}`),
      api('GET', `/api/v1/incidents/${encodeURIComponent(id)}/visibility`).catch((e) => ({ error: e })),
      api('GET', `/api/v1/incidents/${encodeURIComponent(id)}/attachments`).catch((e) => ({ error: e })),
    ]);
    const place = i.place || {};
    const mapBox = h('figure', { class: 'position', id: 'inc-map' }, h('p', {}, t('working')));
    const attachBox = h('section', { class: 'attachments', id: 'inc-attachments' });
    root.append(h('article', { class: 'card' },
      h('h1', {}, i.id, ' ', h('span', { class: `tlp tlp-${String(i.tlp).replace('+', '-')}` }, `TLP:${String(i.tlp).toUpperCase()}`)),
      h('dl', { class: 'facts' },
        h('dt', {}, t('inc.type')), h('dd', {}, t(`inc.type.${i.type}`)),
        h('dt', {}, t('inc.date')), h('dd', {}, i.date),
        h('dt', {}, t('inc.country')), h('dd', {}, i.country),
        h('dt', {}, t('inc.place')), h('dd', {}, [place.locode, place.description, place.lat !== undefined ? `${place.lat}, ${place.lon}` : null].filter(Boolean).join(' · ') || '—'),
        h('dt', {}, t('inc.route')), h('dd', {}, [i.origin_country, ...(i.transit_countries || []), i.destination_country].filter(Boolean).join(' → ') || '—'),
        h('dt', {}, t('inc.distribution')), h('dd', {}, t(`inc.dist.${i.distribution}`), (i.share_with || []).length ? ` (${i.share_with.join(', ')})` : ''),
        (i.redacted || []).length ? [h('dt', {}, t('inc.redacted')), h('dd', {}, i.redacted.join(', '))] : null),
      h('h2', {}, t('inc.position')),
      mapBox,
      h('h2', {}, t('inc.substances')),
      h('ul', {}, (i.substances || []).map((x) => h('li', {}, subName(x), x.quantity ? ` · ${qty(x.quantity)}` : ''))),
      (i.parties || []).length ? [h('h2', {}, t('inc.parties')), h('ul', {}, i.parties.map((p) => h('li', {}, `${t(`inc.role.${p.role}`)}: ${p.name || '—'}`, (p.screening?.matches || []).length ? h('strong', { class: 'warn' }, ` · ${t('inc.watchlisted')}`) : '')))] : null,
      i.description ? h('p', {}, i.description) : null,
      attachBox,
      h('section', { class: 'visibility', id: 'inc-visibility' }, h('h2', {}, t('inc.whocansee')),
        vis.error ? errorBox(vis.error) : [h('p', {}, vis.why),
          h('p', {}, h('strong', {}, t('inc.countries')), ' ', (vis.countries || []).join(', ') || '—'),
          h('p', {}, h('strong', {}, t('inc.organisations')), ' ', (vis.organisations || []).map((o) => (typeof o === 'string' ? o : `${o.name || o.id}${o.country ? ` (${o.country})` : ''}`)).join(', ') || '—'),
          h('p', {}, h('strong', {}, t('inc.personal')), ' ', t(`inc.dist.${i.personal_data_distribution}`)),
          h('p', {}, h('strong', {}, 'TLP'), ' ', t(`inc.tlp.${String(i.tlp).replace('+', '-')}`))]),
      jsonDetails(t('substance.raw'), i)));
    attachments(attachBox, i, files);
    position(mapBox, i);
  } catch (e) { root.append(errorBox(e)); }
}

/** The incident on the world map: its coordinates when it has them, else its country's point. */
async function position(box, i) {
  const place = i.place || {};
  try {
    const [world, points] = await Promise.all([loadWorld(), loadCentroids()]);
    let lat; let lon; let how;
    if (place.lat !== undefined && place.lon !== undefined) {
      [lat, lon] = [Number(place.lat), Number(place.lon)];
      how = t('inc.pos.coords', { lat: fmtNum(lat, 4), lon: fmtNum(lon, 4) });
    } else if (points[i.country]) {
      [lat, lon] = points[i.country];
      how = t('inc.pos.country', { cc: i.country });
    } else {
      box.replaceChildren(h('p', {}, t('inc.pos.none')));
      return;
    }
    const svg = worldMap(world, 'minimap', how);
    const [x, y] = project(lat, lon);
    svg.append(s('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 6, class: 'pin', 'data-lat': lat, 'data-lon': lon }, s('title', {}, how)));
    box.replaceChildren(svg, h('figcaption', { id: 'inc-map-caption' }, how));
  } catch (e) { box.replaceChildren(errorBox(e)); }
}

function fmtSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${fmtNum(n / 1024, 1)} KiB`;
  return `${fmtNum(n / 1024 / 1024, 1)} MiB`;
}

/** The attachments: type, size, SHA-256, download; upload for whoever may change the record. */
function attachments(box, i, files) {
  const list = h('div', { id: 'att-list' });
  const show = (r) => {
    if (r.error) { list.replaceChildren(errorBox(r.error)); return; }
    const items = r.items || [];
    list.replaceChildren(items.length ? table([
      [t('att.name'), (a) => a.filename || a.id],
      [t('att.type'), (a) => a.media_type],
      [t('att.size'), (a) => fmtSize(a.size)],
      ['SHA-256', (a) => h('code', { class: 'hash' }, a.sha256)],
      [t('att.added'), (a) => fmtDate(a.created_at)],
      [t('att.download'), (a) => h('a', { href: `/api/v1/incidents/${encodeURIComponent(i.id)}/attachments/${encodeURIComponent(a.id)}`, download: a.filename || a.id, class: 'att-download' }, t('att.download'))],
    ], items, t('att.count', { n: items.length })) : h('p', {}, t('att.none')));
  };
  show(files);
  // Only the owner's officers may attach (the server decides; the form is shown to them alone).
  const mayUpload = canChange() && i.organisation === state.me.organisation.id;
  let form = null;
  if (mayUpload) {
    const file = h('input', { type: 'file', id: 'att-file', required: true, accept: 'image/png,image/jpeg,image/gif,image/webp,image/tiff,application/pdf,text/plain' });
    const out = h('div', { id: 'att-result', 'aria-live': 'polite' });
    form = h('form', { class: 'upload', id: 'att-form', onsubmit: async (ev) => {
      ev.preventDefault();
      const f = file.files[0];
      if (!f) return;
      out.replaceChildren(h('p', {}, t('working')));
      try {
        const a = await api('POST', `/api/v1/incidents/${encodeURIComponent(i.id)}/attachments?filename=${encodeURIComponent(f.name)}`, f, f.type || 'application/octet-stream');
        out.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('att.added.ok', { name: a.filename || a.id, hash: a.sha256.slice(0, 12) })));
        file.value = '';
        show(await api('GET', `/api/v1/incidents/${encodeURIComponent(i.id)}/attachments`));
      } catch (e) { out.replaceChildren(errorBox(e)); }
    } }, field(t('att.file'), file, t('att.hint')), h('button', { type: 'submit', id: 'att-upload' }, t('att.upload')), out);
  }
  box.replaceChildren(...[h('h2', {}, t('att.title')), list, form].filter(Boolean));
}
