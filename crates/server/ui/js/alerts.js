// Alerts: the live list (GET /api/v1/alerts), each with its weekly chart drawn here as SVG from
// its series (observed bars, expected line, upper bound dashed, alarm weeks marked) and a link
// to the incidents behind it.
import { t, h, s, api, errorBox, fmtNum } from './lib.js';

export function chart(series, title) {
  const W = 640; const H = 220; const L = 40; const B = 30; const T = 10; const R = 10;
  const n = series.length;
  const max = Math.max(1, ...series.flatMap((p) => [p.observed, p.expected, p.upperbound].filter((v) => Number.isFinite(v))));
  const bw = (W - L - R) / Math.max(1, n);
  const X = (i) => L + i * bw;
  const Y = (v) => T + (H - T - B) * (1 - v / max);
  const line = (key) => series.map((p, i) => (Number.isFinite(p[key]) ? `${X(i) + bw / 2},${Y(p[key])}` : null)).filter(Boolean).join(' ');
  const ticks = [0, max / 2, max];
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title },
    s('title', {}, title),
    ticks.map((v) => [s('line', { x1: L, x2: W - R, y1: Y(v), y2: Y(v), class: 'grid' }), s('text', { x: L - 4, y: Y(v) + 4, 'text-anchor': 'end', class: 'tick' }, fmtNum(v, 1))]),
    series.map((p, i) => s('rect', { x: X(i) + 1, y: Y(p.observed || 0), width: Math.max(1, bw - 2), height: Math.max(0, H - B - Y(p.observed || 0)), class: p.alarm ? 'bar alarm' : 'bar' },
      s('title', {}, `${p.week}: ${t('alert.observed')} ${p.observed}, ${t('alert.expected')} ${fmtNum(p.expected, 2)}, ${t('alert.upperbound')} ${fmtNum(p.upperbound, 2)}${p.alarm ? ` — ${t('alert.alarm')}` : ''}`))),
    s('polyline', { points: line('expected'), class: 'expected' }),
    s('polyline', { points: line('upperbound'), class: 'upper' }),
    series.map((p, i) => (i % Math.ceil(n / 8) === 0 ? s('text', { x: X(i) + bw / 2, y: H - 10, 'text-anchor': 'middle', class: 'tick' }, p.week) : null)));
}

function legend() {
  return h('ul', { class: 'legend' },
    h('li', {}, h('span', { class: 'key bar' }), t('alert.observed')),
    h('li', {}, h('span', { class: 'key alarm' }), t('alert.alarm')),
    h('li', {}, h('span', { class: 'key expected' }), t('alert.expected')),
    h('li', {}, h('span', { class: 'key upper' }), t('alert.upperbound')));
}

export async function render(root) {
  root.append(h('h1', {}, t('nav.alerts')));
  const list = h('div', { id: 'alert-list' }, h('p', {}, t('working')));
  root.append(list);
  try {
    const r = await api('GET', '/api/v1/alerts');
    const items = r.items || [];
    list.replaceChildren(
      h('p', { class: 'muted' }, t('alert.basis', { n: r.incidents_considered ?? 0, method: r.method || '' })),
      items.length ? h('ol', { class: 'alerts' }, items.map((a, k) => {
        const body = h('div', { class: 'alert-chart', id: `alert-chart-${k}` });
        const open = () => {
          if (body.childElementCount) { body.replaceChildren(); return; }
          body.append(chart(a.series || [], `${a.substance_name || a.substance} · ${a.region}`), legend(),
            h('p', {}, h('a', { href: `#/incidents?${incidentsQuery(a)}` }, t('alert.incidents', { n: (a.incidents || []).length }))),
            (a.incidents || []).length ? h('ul', { class: 'inline' }, a.incidents.slice(0, 50).map((id) => h('li', {}, h('a', { href: `#/incident/${encodeURIComponent(id)}` }, id)))) : null);
        };
        const item = h('li', { class: `alert kind-${a.kind}` },
          h('h2', {}, `${a.substance_name || a.substance} · ${a.region}`, ' ', h('span', { class: 'badge' }, t(`alert.kind.${a.kind}`))),
          h('p', {}, a.explanation),
          h('p', { class: 'muted' }, `${t('alert.week')} ${a.week}${a.ongoing ? ` · ${t('alert.ongoing')}` : ''} · ${t('alert.observed')} ${a.observed} · ${t('alert.expected')} ${fmtNum(a.expected, 2)} · ${a.method || ''}`),
          h('button', { type: 'button', class: 'open-chart', 'aria-controls': `alert-chart-${k}`, onclick: open }, t('alert.chart')),
          body);
        if (k === 0) open();
        return item;
      })) : h('p', {}, t('alert.none')));
  } catch (e) { list.replaceChildren(errorBox(e)); }
}

function incidentsQuery(a) {
  try {
    const u = new URL(a.incidents_url, location.origin);
    return u.searchParams.toString();
  } catch (_) {
    return `substance=${encodeURIComponent(a.substance)}`;
  }
}
