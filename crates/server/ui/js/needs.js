// Needs: a country's indicators against the coalition's median (GET /api/v1/countries/{cc}/needs)
// as bar charts, and for the secretariat the ranking of members (GET /api/v1/needs).
import { t, h, s, api, state, errorBox, field, fmtNum, hashParams } from './lib.js';

function bars(rows, median, title) {
  const W = 560; const rowH = 24; const L = 60; const R = 70;
  const H = rows.length * rowH + 24;
  const max = Math.max(1e-9, median || 0, ...rows.map((r) => r.value || 0));
  const X = (v) => L + (W - L - R) * (v / max);
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'bars', role: 'img', 'aria-label': title },
    s('title', {}, title),
    rows.map((r, i) => [
      s('text', { x: L - 6, y: i * rowH + 16, 'text-anchor': 'end', class: 'tick' }, r.label),
      s('rect', { x: L, y: i * rowH + 4, width: Math.max(1, X(r.value || 0) - L), height: rowH - 8, class: r.stands_out ? 'bar alarm' : 'bar' }, s('title', {}, `${r.label}: ${fmtNum(r.value, 2)}`)),
      s('text', { x: X(r.value || 0) + 4, y: i * rowH + 16, class: 'tick' }, fmtNum(r.value, 2)),
    ]),
    median !== null && median !== undefined ? [
      s('line', { x1: X(median), x2: X(median), y1: 0, y2: H - 18, class: 'median' }),
      s('text', { x: X(median), y: H - 4, 'text-anchor': 'middle', class: 'tick' }, `${t('needs.median')} ${fmtNum(median, 2)}`)] : null);
}

export async function render(root) {
  const cc = h('input', { type: 'text', id: 'needs-cc', maxlength: 2, value: hashParams().get('cc') || state.me.organisation.country || '' });
  const out = h('div', { id: 'needs-country', 'aria-live': 'polite' });
  const ranking = h('div', { id: 'needs-ranking' });
  const load = async () => {
    if (!cc.value.trim()) { out.replaceChildren(h('p', {}, t('needs.pick'))); return; }
    out.replaceChildren(h('p', {}, t('working')));
    try {
      const r = await api('GET', `/api/v1/countries/${encodeURIComponent(cc.value.trim().toUpperCase())}/needs`);
      out.replaceChildren(h('p', { class: 'muted' }, t('needs.basis', { cc: r.country, year: r.year, n: r.countries_compared })),
        h('div', { class: 'cards' }, (r.indicators || []).map((i) => h('section', { class: `card indicator ${i.stands_out ? 'stands-out' : ''}` },
          h('h2', {}, i.title),
          bars([{ label: r.country, value: i.value, stands_out: i.stands_out }], i.coalition_median, i.title),
          h('p', {}, i.suggests)))));
    } catch (e) { out.replaceChildren(errorBox(e)); }
  };
  root.append(h('h1', {}, t('nav.needs')),
    h('form', { class: 'card filters', onsubmit: (ev) => { ev.preventDefault(); load(); } }, field(t('needs.country'), cc), h('button', { type: 'submit' }, t('needs.show'))),
    out, ranking);
  load();
  if (state.me.organisation.kind === 'secretariat') {
    try {
      const r = await api('GET', '/api/v1/needs');
      ranking.replaceChildren(h('h2', {}, t('needs.ranking', { year: r.year })),
        h('div', { class: 'cards' }, (r.indicators || []).map((i) => h('section', { class: 'card' },
          h('h3', {}, i.countries?.[0]?.title || i.id),
          i.countries?.length ? bars(i.countries.map((c) => ({ label: c.country, value: c.value, stands_out: c.stands_out })), i.coalition_median, i.id) : h('p', {}, '—')))));
    } catch (e) { ranking.replaceChildren(errorBox(e)); }
  }
}
