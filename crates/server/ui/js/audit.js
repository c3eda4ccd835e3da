// Audit: the organisation's entries (GET /api/v1/audit) and the latest signed checkpoint
// (GET /api/v1/audit/checkpoint), its Ed25519 signature verified here over the canonical JSON
// of {key_id, root_hash, timestamp, tree_size}.
import { t, h, api, errorBox, field, fmtDate, table } from './lib.js';
import { ed25519Verify, hexBytes } from './label.js';

export async function render(root) {
  const resource = h('input', { type: 'text', id: 'audit-resource', placeholder: 'incidents/INC-…' });
  const list = h('div', { id: 'audit-entries' });
  const cp = h('section', { class: 'card', id: 'audit-checkpoint' }, h('p', {}, t('working')));
  const load = async () => {
    list.replaceChildren(h('p', {}, t('working')));
    try {
      const r = await api('GET', `/api/v1/audit?limit=200${resource.value.trim() ? `&resource=${encodeURIComponent(resource.value.trim())}` : ''}`);
      list.replaceChildren(table([
        ['seq', (e) => String(e.seq)],
        [t('audit.at'), (e) => fmtDate(e.at)],
        [t('audit.actor'), (e) => `${e.actor?.user || '—'} (${e.actor?.organisation || '—'})`],
        [t('audit.action'), (e) => e.action],
        [t('audit.resource'), (e) => e.resource],
        [t('audit.hash'), (e) => h('code', { class: 'hash' }, String(e.record_hash || '').slice(0, 16))],
      ], r.items || [], t('audit.count', { n: (r.items || []).length })));
    } catch (e) { list.replaceChildren(errorBox(e)); }
  };
  root.append(h('h1', {}, t('nav.audit')), cp,
    h('form', { class: 'card filters', onsubmit: (ev) => { ev.preventDefault(); load(); } }, field(t('audit.resource'), resource), h('button', { type: 'submit' }, t('search'))),
    list);
  load();
  try {
    const c = await api('GET', '/api/v1/audit/checkpoint');
    let verdict;
    try {
      const msg = new TextEncoder().encode(JSON.stringify({ key_id: c.key_id, root_hash: c.root_hash, timestamp: c.timestamp, tree_size: c.tree_size }));
      verdict = (await ed25519Verify(hexBytes(c.public_key), hexBytes(c.signature), msg)) ? t('audit.sigok') : t('audit.sigbad');
    } catch (e) { verdict = t('label.r.nocrypto', { why: e.message }); }
    cp.replaceChildren(h('h2', {}, t('audit.checkpoint')),
      h('dl', { class: 'facts' },
        h('dt', {}, t('audit.size')), h('dd', {}, String(c.tree_size)),
        h('dt', {}, t('audit.root')), h('dd', {}, h('code', { class: 'hash' }, c.root_hash)),
        h('dt', {}, t('audit.at')), h('dd', {}, fmtDate(c.timestamp)),
        h('dt', {}, t('label.key')), h('dd', {}, c.key_id),
        h('dt', {}, t('audit.signature')), h('dd', { id: 'audit-verdict' }, verdict)));
  } catch (e) { cp.replaceChildren(errorBox(e)); }
}
