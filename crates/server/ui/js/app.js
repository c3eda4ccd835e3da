// The shell: language, sign-in, navigation, and the hash router that hands each page its root.
import { state, loadLang, t, h, api, errorBox, field } from './lib.js';

const pages = {
  screen: () => import('./screen.js'),
  substances: () => import('./substances.js'),
  substance: () => import('./substances.js'),
  classify: () => import('./substances.js'),
  pens: () => import('./pens.js'),
  pen: () => import('./pens.js'),
  label: () => import('./label.js'),
  incidents: () => import('./incidents.js'),
  incident: () => import('./incidents.js'),
  alerts: () => import('./alerts.js'),
  flows: () => import('./flows.js'),
  needs: () => import('./needs.js'),
  audit: () => import('./audit.js'),
};

const navItems = ['screen', 'substances', 'classify', 'pens', 'label', 'incidents', 'alerts', 'flows', 'needs', 'audit'];
// Pages that work without signing in (the label check runs offline on cached keys).
const open = new Set(['label']);

function route() {
  const path = (location.hash.replace(/^#\/?/, '').split('?')[0] || 'screen').split('/');
  return { page: path[0] || 'screen', arg: path.slice(1).map(decodeURIComponent).join('/') };
}

function renderNav() {
  const { page } = route();
  const current = page === 'substance' ? 'substances' : page === 'pen' ? 'pens' : page === 'incident' ? 'incidents' : page;
  document.getElementById('nav').replaceChildren(h('ul', {}, navItems.map((p) => h('li', {},
    h('a', { href: `#/${p}`, 'aria-current': p === current ? 'page' : null }, t(`nav.${p}`))))));
  const who = document.getElementById('who');
  if (state.me) {
    who.replaceChildren(
      h('span', { class: 'me' }, `${state.me.user.email} · ${state.me.organisation.name}${state.me.organisation.country ? ` (${state.me.organisation.country})` : ''} · ${t(`role.${state.me.role}`)}`),
      h('button', { type: 'button', class: 'link', id: 'signout', onclick: signOut }, t('signout')));
  } else who.replaceChildren();
  document.querySelector('.skip').textContent = t('skip');
  document.querySelector('label[for=lang]').textContent = t('language');
}

async function signOut() {
  try { await api('DELETE', '/api/v1/session'); } catch (_) { /* already gone */ }
  state.me = null;
  state.csrf = null;
  localStorage.removeItem('interdict.csrf');
  render();
}

function loginForm(main) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card narrow', id: 'login', onsubmit: async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    try {
      const s = await api('POST', '/api/v1/session', { email: email.value, password: password.value });
      state.csrf = s.csrf_token;
      localStorage.setItem('interdict.csrf', s.csrf_token);
      state.me = s.me;
      render();
    } catch (e) {
      out.replaceChildren(errorBox(e));
    }
  } },
  h('h1', {}, t('signin.title')),
  h('p', {}, t('signin.intro')),
  field(t('signin.email'), email),
  field(t('signin.password'), password),
  h('button', { type: 'submit' }, t('signin.submit')),
  out,
  h('p', {}, h('a', { href: '#/label' }, t('signin.label'))));
  main.replaceChildren(form);
}

let rendering = 0;
async function render() {
  const n = ++rendering;
  const main = document.getElementById('main');
  const { page, arg } = route();
  if (!state.me && !open.has(page)) {
    try { state.me = await api('GET', '/api/v1/me'); } catch (_) { state.me = null; }
  }
  if (n !== rendering) return;
  renderNav();
  if (!state.me && !open.has(page)) {
    document.title = `${t('signin.title')} · Interdict`;
    loginForm(main);
    return;
  }
  const load = pages[page];
  if (!load) {
    main.replaceChildren(h('p', { role: 'alert' }, t('notfound')));
    return;
  }
  document.title = `${t(`nav.${page}`)} · Interdict`;
  try {
    const mod = await load();
    if (n !== rendering) return;
    const root = h('div', { class: `page page-${page}` });
    main.replaceChildren(root);
    await mod.render(root, { page, arg });
    // Which address the page on screen was drawn for: a script (or a test) that changes the
    // address waits for this before it types, so a late render cannot wipe what it typed.
    if (n === rendering) main.dataset.rendered = location.hash;
  } catch (e) {
    main.replaceChildren(errorBox(e));
  }
}

window.addEventListener('hashchange', render);
window.addEventListener('interdict:signed-out', () => {
  if (state.me) { state.me = null; render(); }
});

async function start() {
  const lang = document.getElementById('lang');
  try {
    await loadLang(state.lang);
  } catch (_) {
    await loadLang('en');
  }
  lang.value = state.lang;
  lang.addEventListener('change', async () => {
    await loadLang(lang.value);
    render();
  });
  render();
}

start();
