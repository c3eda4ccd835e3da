// Screening desk: declarations (CSV or JSON Lines) pasted or uploaded, screened by POST
// /api/v1/screen; each line's level, flags and evidence, filters, and the results to download.
import { t, h, api, errorBox, download, badge, field } from './lib.js';

const LEVELS = ['critical', 'high', 'medium', 'low', 'none'];

export async function render(root) {
  const input = h('textarea', { rows: 8, id: 'decl-input', spellcheck: 'false', placeholder: 'id,date,exporter_name,…' });
  const file = h('input', { type: 'file', id: 'decl-file', accept: '.csv,.jsonl,.ndjson,.json,text/csv' });
  const out = h('div', { id: 'screen-results', 'aria-live': 'polite' });
  let results = [];
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (f) input.value = await f.text();
  });
  const levelSel = h('select', { id: 'filter-level' }, h('option', { value: '' }, t('screen.any')), LEVELS.map((l) => h('option', { value: l }, t(`level.${l}`))));
  const flagSel = h('select', { id: 'filter-flag' }, h('option', { value: '' }, t('screen.any')));
  const show = () => {
    const lv = levelSel.value;
    const fl = flagSel.value;
    const rows = results.filter((r) => (!lv || r.risk?.level === lv) && (!fl || (r.flags || []).some((f) => f.code === fl)));
    out.replaceChildren(
      h('p', { class: 'summary', id: 'screen-summary' }, t('screen.summary', { n: results.length, shown: rows.length,
        high: results.filter((r) => ['high', 'critical'].includes(r.risk?.level)).length,
        errors: results.filter((r) => r.error).length })),
      h('table', { class: 'results' },
        h('caption', { class: 'sr' }, t('screen.results')),
        h('thead', {}, h('tr', {}, [t('screen.line'), t('screen.id'), t('screen.level'), t('screen.score'), t('screen.flags'), t('screen.substances')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows.map((r, i) => h('tr', { class: r.error ? 'err' : `row-${r.risk?.level}` },
          h('td', {}, String(r.line ?? results.indexOf(r) + 1 ?? i + 1)),
          h('td', {}, r.id ?? '—'),
          h('td', {}, r.error ? h('span', { class: 'badge lvl-error' }, t('screen.invalid')) : badge(r.risk?.level)),
          h('td', {}, r.risk ? String(r.risk.score) : '—'),
          h('td', {}, r.error ? r.error.message : (r.flags || []).length ? h('ul', { class: 'flags' }, r.flags.map((f) => h('li', {},
            h('details', {}, h('summary', {}, h('code', { class: `sev-${f.severity}` }, f.code), ' ', f.message),
              h('pre', {}, JSON.stringify(f.evidence ?? {}, null, 2)))))) : t('screen.noflags'),
            // What was not examined (a structure past the limits): never read as a clean answer.
            (r.notes || []).length ? h('ul', { class: 'notes' }, r.notes.map((n) => h('li', {}, h('strong', {}, t('screen.note')), ' ', n))) : ''),
          h('td', {}, (r.substances || []).map((x) => h('div', {}, h('a', { href: `#/substance/${encodeURIComponent(x.substance_id || x.cas || '')}` }, x.name || x.cas), x.controls?.length ? ` · ${x.controls.join(', ')}` : ''))))))));
  };
  levelSel.addEventListener('change', show);
  flagSel.addEventListener('change', show);
  const run = h('button', { type: 'submit', id: 'screen-run' }, t('screen.run'));
  const form = h('form', { class: 'card', onsubmit: async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const jsonl = text.startsWith('{');
    run.disabled = true;
    out.replaceChildren(h('p', {}, t('working')));
    try {
      results = await api('POST', '/api/v1/screen', `${text}\n`, jsonl ? 'application/x-ndjson' : 'text/csv');
      if (!Array.isArray(results)) results = [results];
      results.forEach((r, i) => { if (r.line === undefined) r.line = i + 1; });
      const flags = [...new Set(results.flatMap((r) => (r.flags || []).map((f) => f.code)))].sort();
      flagSel.replaceChildren(h('option', { value: '' }, t('screen.any')), flags.map((f) => h('option', { value: f }, f)));
      show();
    } catch (e) {
      out.replaceChildren(errorBox(e));
    } finally {
      run.disabled = false;
    }
  } },
  h('h1', {}, t('nav.screen')),
  h('p', {}, t('screen.intro')),
  field(t('screen.paste'), input),
  field(t('screen.upload'), file),
  run);
  const tools = h('div', { class: 'filters' },
    field(t('screen.filterlevel'), levelSel),
    field(t('screen.filterflag'), flagSel),
    h('button', { type: 'button', id: 'screen-download', onclick: () => download('screening.jsonl', results.map((r) => JSON.stringify(r)).join('\n') + '\n', 'application/x-ndjson') }, t('screen.download')),
    h('button', { type: 'button', onclick: () => download('screening.csv', toCsv(results), 'text/csv') }, t('screen.downloadcsv')));
  root.append(form, tools, out);
}

function toCsv(results) {
  const q = (v) => `"${String(v ?? '').replaceAll('"', '""')}"`;
  const lines = ['line,id,level,score,flags,error'];
  for (const r of results) lines.push([r.line, r.id, r.risk?.level, r.risk?.score, (r.flags || []).map((f) => f.code).join(';'), r.error?.message].map(q).join(','));
  return `${lines.join('\n')}\n`;
}
