// Substances: registry search (GET /api/v1/substances?q=), a substance page with its controls
// and drawn structure, and the structure check (POST /api/v1/classify) with the clauses and
// their atoms highlighted on the drawing.
import { t, h, api, errorBox, field, table, hashParams, jsonDetails } from './lib.js';
import { depict } from './mol.js';

export async function render(root, { page, arg }) {
  if (page === 'substance') return substancePage(root, arg);
  if (page === 'classify') return classifyPage(root);
  return searchPage(root);
}

function drawing(smiles, atoms, title) {
  try {
    return h('figure', { class: 'structure' }, depict(smiles, atoms, title), h('figcaption', {}, h('code', {}, smiles)));
  } catch (e) {
    return h('p', { class: 'muted' }, t('substance.nodrawing', { why: e.message }));
  }
}

async function searchPage(root) {
  const q = h('input', { type: 'search', id: 'substance-q', value: hashParams().get('q') || '' });
  const out = h('div', { 'aria-live': 'polite' });
  const search = async () => {
    out.replaceChildren(h('p', {}, t('working')));
    try {
      const r = await api('GET', `/api/v1/substances?limit=100${q.value.trim() ? `&q=${encodeURIComponent(q.value.trim())}` : ''}`);
      out.replaceChildren(table([
        [t('substance.name'), (x) => h('a', { href: `#/substance/${encodeURIComponent(x.substance_id)}` }, x.name)],
        ['CAS', (x) => x.cas || '—'],
        ['HS 2022', (x) => x.hs2022 || '—'],
        [t('substance.category'), (x) => x.category],
        [t('substance.controls'), (x) => (x.controls || []).join(', ')],
      ], r.items || [], t('substance.found', { n: (r.items || []).length })));
    } catch (e) { out.replaceChildren(errorBox(e)); }
  };
  root.append(h('form', { class: 'card', onsubmit: (ev) => { ev.preventDefault(); search(); } },
    h('h1', {}, t('nav.substances')),
    field(t('substance.search'), q, t('substance.searchhint')),
    h('button', { type: 'submit' }, t('search'))), out);
  search();
}

async function substancePage(root, id) {
  try {
    const x = await api('GET', `/api/v1/substances/${encodeURIComponent(id)}`);
    root.append(h('article', { class: 'card' },
      h('h1', {}, x.name),
      h('dl', { class: 'facts' },
        h('dt', {}, 'ID'), h('dd', {}, x.id),
        h('dt', {}, 'CAS'), h('dd', {}, x.cas || '—'),
        h('dt', {}, 'HS 2022'), h('dd', {}, x.hs2022 || '—'),
        h('dt', {}, t('substance.hsnational')), h('dd', {}, (x.hs_national || []).map((n) => `${n.country || ''} ${n.code || ''}`.trim()).join(', ') || '—'),
        h('dt', {}, t('substance.category')), h('dd', {}, x.category),
        h('dt', {}, 'InChIKey'), h('dd', {}, x.inchikey || '—'),
        h('dt', {}, t('substance.classes')), h('dd', {}, (x.classes || []).join(', ') || '—')),
      x.smiles ? drawing(x.smiles, [], x.name) : null,
      h('h2', {}, t('substance.controls')),
      table([
        [t('substance.list'), (c) => c.list],
        [t('substance.entry'), (c) => c.entry],
        [t('substance.effective'), (c) => c.effective],
        [t('substance.basis'), (c) => c.basis],
        [t('substance.source'), (c) => c.source],
      ], x.controls || []),
      h('h2', {}, t('substance.names')),
      h('ul', { class: 'names' }, (x.synonyms || []).map((sy) => h('li', {}, sy.text, sy.lang ? ` (${sy.lang})` : ''))),
      jsonDetails(t('substance.raw'), x)));
  } catch (e) { root.append(errorBox(e)); }
}

async function classifyPage(root) {
  const smiles = h('input', { type: 'text', id: 'smiles', spellcheck: 'false', value: hashParams().get('smiles') || '' });
  const out = h('div', { id: 'classify-result', 'aria-live': 'polite' });
  const go = async () => {
    out.replaceChildren(h('p', {}, t('working')));
    try {
      const c = await api('POST', '/api/v1/classify', { smiles: smiles.value.trim() });
      const allAtoms = (c.classes || []).flatMap((m) => Object.values(m.atoms || {}).flat());
      out.replaceChildren(h('section', { class: 'card' },
        h('h2', {}, t('classify.verdict')),
        h('p', { class: 'verdict', id: 'verdict' }, verdict(c)),
        drawing(smiles.value.trim(), allAtoms, c.name || smiles.value),
        h('p', {}, t('classify.canonical'), ' ', h('code', {}, c.canonical_smiles), c.inchikey ? ` · ${c.inchikey}` : ''),
        (c.standardization || []).length ? h('p', { class: 'muted' }, c.standardization.join('; ')) : null,
        (c.listed || []).length ? h('div', {}, h('h3', {}, t('classify.listed')), h('ul', {}, c.listed.map((l) => h('li', {},
          h('a', { href: `#/substance/${encodeURIComponent(l.substance_id)}` }, l.name), ` (${l.match_kind}) · `, (l.controls || []).map((x) => x.list || x).join(', '))))) : null,
        (c.classes || []).map((m) => h('div', { class: 'clause inside' },
          h('h3', {}, t('classify.inside', { def: m.definition })),
          h('p', {}, m.explanation),
          h('ul', {}, (m.clauses || []).map((k) => h('li', {}, h('strong', {}, k), ': ', m.clause_text?.[k] || '', m.atoms?.[k] ? ` — ${t('classify.atoms')} ${m.atoms[k].join(', ')}` : ''))),
          m.citation ? h('p', { class: 'muted' }, m.citation) : null)),
        (c.not_covered || []).map((m) => h('div', { class: 'clause outside' }, h('h3', {}, t('classify.outside', { def: m.definition })), h('p', {}, m.reason))),
        (c.designer_precursor_of || []).length ? h('div', {}, h('h3', {}, t('classify.designer')), h('ul', {}, c.designer_precursor_of.map((d) => h('li', {}, `${d.name} (${d.relation}): ${d.explanation}`)))) : null,
        (c.similar || []).length ? h('div', {}, h('h3', {}, t('classify.similar')), h('ul', {}, c.similar.map((d) => h('li', {}, h('a', { href: `#/substance/${encodeURIComponent(d.substance_id)}` }, d.name), ` ${d.similarity.toFixed(2)}`)))) : null,
        jsonDetails(t('substance.raw'), c)));
    } catch (e) { out.replaceChildren(errorBox(e)); }
  };
  root.append(h('form', { class: 'card', onsubmit: (ev) => { ev.preventDefault(); go(); } },
    h('h1', {}, t('nav.classify')),
    h('p', {}, t('classify.intro')),
    field('SMILES', smiles),
    h('button', { type: 'submit', id: 'classify-run' }, t('classify.run'))), out);
  if (smiles.value) go();
}

function verdict(c) {
  if ((c.listed || []).length) return t('classify.islisted', { name: c.listed[0].name });
  if ((c.classes || []).length) return t('classify.isclass', { defs: c.classes.map((m) => m.definition).join(', ') });
  if ((c.designer_precursor_of || []).length) return t('classify.isdesigner', { name: c.designer_precursor_of[0].name });
  return t('classify.notcontrolled');
}
