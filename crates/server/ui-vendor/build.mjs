// Derives the web UI's vendored files (crates/server/ui/vendor/) from the npm packages that
// package-lock.json pins. The output is committed and embedded in the binary, so building the
// Rust project needs no Node.js; `.ci/run` runs `npm ci` and this script into a scratch folder
// and fails when the result differs from what is committed.
//
//   node build.mjs OUT_DIR
//
// Writes, deterministically (same lock, same bytes):
// - world-110m.json: Natural Earth 1:110m admin-0 countries (public domain), from world-atlas's
//   TopoJSON decoded with topojson-client into plain rings of longitude/latitude pairs (degrees,
//   two decimals — finer than 1:110m's own precision), so the browser needs no TopoJSON code.
// - jsqr.js: jsQR's distribution wrapped as an ES module (its UMD wrapper sees a CommonJS
//   `module`), the QR decoder the label check uses where the browser has no BarcodeDetector.
// - LICENSES.txt: the licences of what the files above come from.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUT_DIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const require = createRequire(join(here, 'package.json'));
const nm = (p) => join(here, 'node_modules', p);
const version = (pkg) => JSON.parse(readFileSync(nm(`${pkg}/package.json`), 'utf8')).version;

// Countries.
const topojson = require('topojson-client');
const topology = JSON.parse(readFileSync(nm('world-atlas/countries-110m.json'), 'utf8'));
const round = (x) => Math.round(x * 100) / 100;

// Rings that cross the antimeridian (Russia's and Fiji's) are cut there into pieces, each
// closed along the ±180° meridian, and a ring that circles a pole (Antarctica) is closed over
// the pole, so a browser drawing point by point needs no spherical clipping. The closing edges
// are sampled every degree of latitude, since a meridian is curved on the map.
const side = (lon) => (lon < 0 ? -180 : 180);
function crossingLat(a, b) {
  const edge = side(a[0]);
  const bLon = b[0] + (a[0] < 0 ? -360 : 360);
  const t = bLon === a[0] ? 0 : (edge - a[0]) / (bLon - a[0]);
  return a[1] + t * (b[1] - a[1]);
}
function along(lon, from, to) {
  const out = [];
  const steps = Math.ceil(Math.abs(to - from));
  for (let k = 1; k < steps; k++) out.push([lon, from + ((to - from) * k) / steps]);
  return out;
}
function cutRing(ring) {
  const pts = ring.slice();
  const [f, l] = [pts[0], pts[pts.length - 1]];
  if (pts.length > 1 && f[0] === l[0] && f[1] === l[1]) pts.pop();
  const n = pts.length;
  const cross = [];
  for (let i = 0; i < n; i++) if (Math.abs(pts[(i + 1) % n][0] - pts[i][0]) > 180) cross.push(i);
  if (!cross.length) return [pts];
  const from = (i) => [...pts.slice(i + 1), ...pts.slice(0, i + 1)];
  if (cross.length % 2 === 1) {
    const i = cross[0];
    const a = pts[i]; const b = pts[(i + 1) % n];
    const lat = crossingLat(a, b);
    const pole = lat < 0 ? -90 : 90;
    return [[...from(i), [side(a[0]), lat], ...along(side(a[0]), lat, pole), [side(a[0]), pole],
      [side(b[0]), pole], ...along(side(b[0]), pole, lat), [side(b[0]), lat]]];
  }
  const pieces = [];
  for (let k = 0; k < cross.length; k++) {
    const i = cross[k]; const j = cross[(k + 1) % cross.length];
    const first = (i + 1) % n;
    const body = [];
    for (let m = first; ; m = (m + 1) % n) { body.push(pts[m]); if (m === j) break; }
    const lon = side(body[0][0]);
    const latIn = crossingLat(pts[i], pts[first]);
    const latOut = crossingLat(pts[j], pts[(j + 1) % n]);
    pieces.push([[lon, latIn], ...body, [lon, latOut], ...along(lon, latOut, latIn)]);
  }
  return pieces;
}
const countries = topojson.feature(topology, topology.objects.countries).features.map((f) => {
  const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  const rings = [];
  for (const polygon of polygons) {
    for (const ring of polygon.flatMap(cutRing)) {
      const flat = [];
      for (const [lon, lat] of ring) {
        const x = round(lon); const y = round(lat);
        const n = flat.length;
        if (n >= 2 && flat[n - 2] === x && flat[n - 1] === y) continue;
        flat.push(x, y);
      }
      if (flat.length >= 6) rings.push(flat);
    }
  }
  return { id: f.id ?? null, name: f.properties.name, rings };
}).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const world = {
  about: `Natural Earth 1:110m admin-0 countries (public domain), world-atlas ${version('world-atlas')} decoded with topojson-client ${version('topojson-client')}; rings of [lon, lat, lon, lat, ...] in degrees; made by crates/server/ui-vendor/build.mjs`,
  countries,
};
writeFileSync(join(out, 'world-110m.json'), `${JSON.stringify(world)}\n`);

// The QR decoder as an ES module.
const jsqr = readFileSync(nm('jsqr/dist/jsQR.js'), 'utf8');
writeFileSync(join(out, 'jsqr.js'),
  `// jsQR ${version('jsqr')} (Apache-2.0; licence in LICENSES.txt), dist/jsQR.js unchanged inside an\n` +
  '// ES-module wrapper made by crates/server/ui-vendor/build.mjs.\n' +
  'const module = { exports: {} };\nconst exports = module.exports;\n' +
  `${jsqr}\nexport default module.exports;\n`);

// Licences.
const licence = (pkg, file) => `== ${pkg} ${version(pkg)} ==\n\n${readFileSync(nm(`${pkg}/${file}`), 'utf8').trim()}\n`;
writeFileSync(join(out, 'LICENSES.txt'), [
  'Third-party files of the web UI, derived by crates/server/ui-vendor/build.mjs.\n',
  'world-110m.json: Natural Earth vector data, public domain ("No permission is needed to use\nNatural Earth"), through world-atlas and topojson-client:\n',
  licence('world-atlas', 'LICENSE'),
  licence('topojson-client', 'LICENSE'),
  'jsqr.js:\n',
  licence('jsqr', 'LICENSE'),
].join('\n'));
