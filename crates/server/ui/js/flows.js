// Flows: a map of corridors (GET /api/v1/flows) over the world's countries (js/map.js: Natural
// Earth outlines on the Equal Earth projection) — countries as points at their nodes' lat/lon,
// arcs from origin to destination, width by quantity — with filters, and the changes and
// substitutions (GET /api/v1/flows/changes) beside it.
import { t, h, s, api, errorBox, field, fmtNum, hashParams } from './lib.js';
import { worldMap, loadWorld, project as P } from './map.js';

/** The corridors of `data` drawn over `world` (from `loadWorld()`; null: no outlines). */
export function flowMap(data, world) {
  const nodes = new Map((data.nodes || []).map((n) => [n.country, n]));
  const edges = data.edges || [];
  const maxKg = Math.max(1, ...edges.map((e) => e.quantity_kg || 0));
  const svg = worldMap(world, 'flowmap', t('flow.maplabel', { n: edges.length }));
  svg.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))));
  for (const e of edges) {
    const path = [e.from, ...(e.via || []), e.to].map((c) => nodes.get(c)).filter(Boolean);
    if (path.length < 2) continue;
    const width = 1 + 7 * Math.sqrt((e.quantity_kg || 0) / maxKg);
    let d = '';
    for (let i = 0; i + 1 < path.length; i++) {
      const [x1, y1] = P(path[i].lat, path[i].lon);
      const [x2, y2] = P(path[i + 1].lat, path[i + 1].lon);
      const mx = (x1 + x2) / 2; const my = (y1 + y2) / 2;
      const dx = x2 - x1; const dy = y2 - y1;
      const cx = mx - dy * 0.2; const cy = my + dx * 0.2;
      d += `${i ? '' : `M${x1.toFixed(1)},${y1.toFixed(1)} `}Q${cx.toFixed(1)},${cy.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)} `;
    }
    svg.append(s('path', { d, class: e.incidents && !e.notifications ? 'arc illicit' : 'arc', 'stroke-width': width.toFixed(1), 'marker-end': 'url(#arrow)' },
      s('title', {}, `${e.from} → ${(e.via || []).map((v) => `${v} → `).join('')}${e.to}: ${fmtNum(e.quantity_kg, 1)} kg · ${t('flow.notifications')} ${e.notifications} · ${t('flow.incidents')} ${e.incidents} · ${(e.substances || []).join(', ')}`)));
  }
  for (const n of nodes.values()) {
    const [x, y] = P(n.lat, n.lon);
    svg.append(s('g', { class: 'node' },
      s('circle', { cx: x, cy: y, r: 3 + Math.min(6, Math.sqrt(n.incidents || 0)) },
        s('title', {}, `${n.country}: ${t('flow.in')} ${fmtNum(n.in_kg, 1)} kg, ${t('flow.out')} ${fmtNum(n.out_kg, 1)} kg, ${t('flow.incidents')} ${n.incidents}`)),
      s('text', { x: x + 5, y: y - 5, class: 'cc' }, n.country)));
  }
  return svg;
}

export async function render(root) {
  const p = hashParams();
  const substance = h('input', { type: 'text', id: 'flow-substance', value: p.get('substance') || '' });
  const cls = h('input', { type: 'text', id: 'flow-class', value: p.get('class') || '' });
  const from = h('input', { type: 'date', id: 'flow-from', value: p.get('from') || '' });
  const to = h('input', { type: 'date', id: 'flow-to', value: p.get('to') || '' });
  const source = h('select', { id: 'flow-source' }, ['all', 'pens', 'incidents'].map((x) => h('option', { value: x, selected: p.get('source') === x ? true : null }, t(`flow.src.${x}`))));
  const mapBox = h('div', { id: 'flow-map', class: 'card' });
  const side = h('aside', { id: 'flow-changes', class: 'card' });
  const load = async () => {
    const q = new URLSearchParams();
    for (const [k, el] of [['substance', substance], ['class', cls], ['from', from], ['to', to]]) if (el.value.trim()) q.set(k, el.value.trim());
    q.set('source', source.value);
    mapBox.replaceChildren(h('p', {}, t('working')));
    try {
      const [data, world] = await Promise.all([api('GET', `/api/v1/flows?${q}`), loadWorld()]);
      const edges = [...(data.edges || [])].sort((a, b) => (b.quantity_kg || 0) - (a.quantity_kg || 0));
      mapBox.replaceChildren(h('h2', {}, t('flow.map')), flowMap(data, world),
        h('table', {}, h('caption', {}, t('flow.corridors', { n: edges.length })),
          h('thead', {}, h('tr', {}, [t('flow.corridor'), 'kg', t('flow.notifications'), t('flow.incidents'), t('flow.substances')].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, edges.slice(0, 50).map((e) => h('tr', {}, h('td', {}, `${e.from} → ${(e.via || []).map((v) => `${v} → `).join('')}${e.to}`), h('td', {}, fmtNum(e.quantity_kg, 1)), h('td', {}, String(e.notifications)), h('td', {}, String(e.incidents)), h('td', {}, (e.substances || []).join(', ')))))));
    } catch (e) { mapBox.replaceChildren(errorBox(e)); }
  };
  root.append(h('h1', {}, t('nav.flows')),
    h('form', { class: 'card filters', onsubmit: (ev) => { ev.preventDefault(); load(); } },
      h('div', { class: 'grid' }, field(t('inc.substance'), substance), field(t('inc.class'), cls), field(t('inc.from'), from), field(t('inc.to'), to), field(t('flow.source'), source)),
      h('button', { type: 'submit' }, t('flow.apply'))),
    h('div', { class: 'split' }, mapBox, side));
  load();
  try {
    const c = await api('GET', '/api/v1/flows/changes');
    side.replaceChildren(h('h2', {}, t('flow.changes')),
      h('p', { class: 'muted' }, t('flow.window', { days: c.window_days })),
      (c.corridors || []).length ? h('ul', {}, c.corridors.map((x) => h('li', {}, h('strong', {}, `${x.from} → ${x.to} · ${t(`flow.kind.${x.kind}`)}`), h('br', {}), x.sentence))) : h('p', {}, t('flow.nochanges')),
      h('h2', {}, t('flow.substitutions')),
      (c.substitutions || []).length ? h('ul', {}, c.substitutions.map((x) => h('li', {}, x.sentence))) : h('p', {}, t('flow.nosubstitutions')));
  } catch (e) { side.replaceChildren(errorBox(e)); }
}
