// A small 2D depiction of a SMILES: a parser for the common grammar (organic subset, bracket
// atoms, branches, ring closures, bond orders, dots) and a force-directed layout (bond lengths,
// 120° angles through 1-3 distances, repulsion), drawn as SVG. Atom numbers are the SMILES's
// atom order from 0, as the structure engine reports the atoms of a clause.
import { s } from './lib.js';

const ORGANIC = ['Cl', 'Br', 'B', 'C', 'N', 'O', 'P', 'S', 'F', 'I'];
const AROMATIC = ['b', 'c', 'n', 'o', 'p', 's'];

/** Atoms [{el, aromatic, h, charge}] and bonds [{a, b, order}] of a SMILES; throws on bad input. */
export function parseSmiles(text) {
  const atoms = [];
  const bonds = [];
  const stack = [];
  const rings = new Map();
  let prev = -1;
  let pending = null;
  let i = 0;
  const addAtom = (atom) => {
    const idx = atoms.length;
    atoms.push(atom);
    if (prev >= 0) {
      const aromatic = atoms[prev].aromatic && atom.aromatic;
      bonds.push({ a: prev, b: idx, order: pending ?? (aromatic ? 1.5 : 1) });
    }
    pending = null;
    prev = idx;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '(') { stack.push(prev); i++; continue; }
    if (c === ')') { if (!stack.length) throw new Error(`unbalanced ) at ${i}`); prev = stack.pop(); i++; continue; }
    if (c === '.') { prev = -1; pending = null; i++; continue; }
    if ('-=#:$/\\'.includes(c)) { pending = { '-': 1, '=': 2, '#': 3, ':': 1.5, '$': 4, '/': 1, '\\': 1 }[c]; i++; continue; }
    if (c === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ at ${i}`);
      const inner = text.slice(i + 1, end);
      const m = inner.match(/^(\d*)([A-Z][a-z]?|[a-z][a-z]?|\*)(@*)(H\d*)?([+-]+\d*)?/);
      if (!m) throw new Error(`bad bracket atom [${inner}]`);
      const el = m[2];
      const aromatic = el[0] === el[0].toLowerCase() && el !== '*';
      let charge = 0;
      if (m[5]) {
        const sign = m[5][0] === '+' ? 1 : -1;
        const digits = m[5].replace(/[+-]/g, '');
        charge = sign * (digits ? Number(digits) : m[5].length);
      }
      const hcount = m[4] ? (m[4].length > 1 ? Number(m[4].slice(1)) : 1) : 0;
      addAtom({ el: aromatic ? el[0].toUpperCase() + el.slice(1) : el, aromatic, h: hcount, charge, bracket: true });
      i = end + 1;
      continue;
    }
    if (c === '%' || (c >= '0' && c <= '9')) {
      let num;
      if (c === '%') { num = text.slice(i + 1, i + 3); i += 3; } else { num = c; i++; }
      if (prev < 0) throw new Error(`ring closure ${num} without an atom`);
      if (rings.has(num)) {
        const r = rings.get(num);
        rings.delete(num);
        const aromatic = atoms[r.atom].aromatic && atoms[prev].aromatic;
        bonds.push({ a: r.atom, b: prev, order: pending ?? r.order ?? (aromatic ? 1.5 : 1) });
      } else rings.set(num, { atom: prev, order: pending });
      pending = null;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (ORGANIC.includes(two) && two.length === 2) { addAtom({ el: two, aromatic: false, h: 0, charge: 0 }); i += 2; continue; }
    if (ORGANIC.includes(c)) { addAtom({ el: c, aromatic: false, h: 0, charge: 0 }); i++; continue; }
    if (AROMATIC.includes(c)) { addAtom({ el: c.toUpperCase(), aromatic: true, h: 0, charge: 0 }); i++; continue; }
    if (c === '*') { addAtom({ el: '*', aromatic: false, h: 0, charge: 0 }); i++; continue; }
    if (c === ' ' || c === '\t') break;
    throw new Error(`unexpected ${c} at ${i}`);
  }
  if (rings.size) throw new Error(`ring closure ${[...rings.keys()][0]} not closed`);
  if (stack.length) throw new Error('unbalanced (');
  return { atoms, bonds };
}

/** 2D coordinates for the atoms (bond length 1). */
export function layout(mol) {
  const n = mol.atoms.length;
  const adj = Array.from({ length: n }, () => []);
  for (const b of mol.bonds) { adj[b.a].push(b.b); adj[b.b].push(b.a); }
  // Start: a walk that spreads each atom's neighbours around it.
  const pos = new Array(n);
  const seen = new Array(n).fill(false);
  let offset = 0;
  for (let start = 0; start < n; start++) {
    if (seen[start]) continue;
    pos[start] = [offset, 0];
    seen[start] = true;
    const queue = [[start, 0]];
    while (queue.length) {
      const [a, dir] = queue.shift();
      const next = adj[a].filter((x) => !seen[x]);
      next.forEach((b, k) => {
        const ang = dir + (next.length === 1 ? (k % 2 ? -1 : 1) * Math.PI / 3 : (k - (next.length - 1) / 2) * (2 * Math.PI / 3));
        pos[b] = [pos[a][0] + Math.cos(ang), pos[a][1] + Math.sin(ang)];
        seen[b] = true;
        queue.push([b, ang]);
      });
    }
    offset += Math.sqrt(n) * 3;
  }
  // Targets: bonded pairs at 1, pairs two bonds apart at √3 (120°).
  const target = new Map();
  const key = (a, b) => (a < b ? `${a},${b}` : `${b},${a}`);
  for (const b of mol.bonds) target.set(key(b.a, b.b), 1);
  for (let a = 0; a < n; a++) {
    for (const x of adj[a]) for (const y of adj[a]) if (x < y && !target.has(key(x, y))) target.set(key(x, y), adj[a].length > 3 ? 1.414 : 1.732);
  }
  const pairs = [...target].map(([k, d]) => { const [a, b] = k.split(',').map(Number); return [a, b, d]; });
  for (let it = 0; it < 600; it++) {
    const step = 0.1 * (1 - it / 700);
    const force = pos.map(() => [0, 0]);
    for (const [a, b, d] of pairs) {
      const dx = pos[b][0] - pos[a][0];
      const dy = pos[b][1] - pos[a][1];
      const len = Math.hypot(dx, dy) || 1e-3;
      const f = (len - d) / len;
      force[a][0] += f * dx; force[a][1] += f * dy;
      force[b][0] -= f * dx; force[b][1] -= f * dy;
    }
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        if (target.has(key(a, b))) continue;
        const dx = pos[b][0] - pos[a][0];
        const dy = pos[b][1] - pos[a][1];
        const d2 = dx * dx + dy * dy || 1e-3;
        if (d2 > 9) continue;
        const f = 0.6 / d2;
        force[a][0] -= f * dx; force[a][1] -= f * dy;
        force[b][0] += f * dx; force[b][1] += f * dy;
      }
    }
    for (let a = 0; a < n; a++) {
      pos[a][0] += Math.max(-0.5, Math.min(0.5, step * force[a][0] * 4));
      pos[a][1] += Math.max(-0.5, Math.min(0.5, step * force[a][1] * 4));
    }
  }
  return pos;
}

const COLOURS = { N: '#1f4fd1', O: '#c62828', S: '#9a7d00', P: '#d35400', F: '#1b7f3a', Cl: '#1b7f3a', Br: '#7b3f00', I: '#5b2c83' };

/** An SVG depiction; atoms in `highlight` (indices) are marked. */
export function depict(smiles, highlight = [], title = '') {
  const mol = parseSmiles(smiles);
  if (!mol.atoms.length) throw new Error('no atoms');
  const pos = layout(mol);
  const scale = 28;
  const xs = pos.map((p) => p[0]);
  const ys = pos.map((p) => p[1]);
  const minX = Math.min(...xs); const minY = Math.min(...ys);
  const w = (Math.max(...xs) - minX) * scale + 60;
  const hgt = (Math.max(...ys) - minY) * scale + 60;
  const P = (i) => [(pos[i][0] - minX) * scale + 30, (pos[i][1] - minY) * scale + 30];
  const marked = new Set(highlight);
  const svg = s('svg', { viewBox: `0 0 ${w.toFixed(1)} ${hgt.toFixed(1)}`, class: 'mol', role: 'img', 'aria-label': title || smiles });
  svg.append(s('title', {}, title || smiles));
  for (const i of marked) {
    if (i < mol.atoms.length) { const [x, y] = P(i); svg.append(s('circle', { cx: x, cy: y, r: 11, class: 'hl' })); }
  }
  for (const b of mol.bonds) {
    const [x1, y1] = P(b.a);
    const [x2, y2] = P(b.b);
    const cls = marked.has(b.a) && marked.has(b.b) ? 'bond hlb' : 'bond';
    svg.append(s('line', { x1, y1, x2, y2, class: cls }));
    if (b.order >= 1.5) {
      const dx = x2 - x1; const dy = y2 - y1; const len = Math.hypot(dx, dy) || 1;
      const ox = (-dy / len) * 4; const oy = (dx / len) * 4;
      svg.append(s('line', { x1: x1 + ox + dx * 0.12, y1: y1 + oy + dy * 0.12, x2: x2 + ox - dx * 0.12, y2: y2 + oy - dy * 0.12, class: b.order === 1.5 ? `${cls} arom` : cls }));
      if (b.order >= 3) svg.append(s('line', { x1: x1 - ox, y1: y1 - oy, x2: x2 - ox, y2: y2 - oy, class: cls }));
    }
  }
  mol.atoms.forEach((a, i) => {
    if (a.el === 'C' && !a.charge && !a.bracket) return;
    const [x, y] = P(i);
    let label = a.el;
    if (a.h) label += a.h > 1 ? `H${a.h}` : 'H';
    if (a.charge) label += a.charge > 0 ? '+' : '−';
    svg.append(s('circle', { cx: x, cy: y, r: 8, class: 'atombg' }));
    svg.append(s('text', { x, y: y + 4, 'text-anchor': 'middle', fill: COLOURS[a.el] || '#222', class: 'atom' }, label));
  });
  return svg;
}
