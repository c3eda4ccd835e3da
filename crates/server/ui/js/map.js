// The world map under the flow map and an incident's position: Natural Earth 1:110m country
// outlines (vendor/world-110m.json, derived from npm's world-atlas by ui-vendor/build.mjs) on the
// Equal Earth projection (Šavrič, Patterson & Jenny 2018: equal-area, so regions keep their
// relative sizes, with straight parallels), graticule and sphere outline, all as SVG drawn here.
// Country points come from /ui/geo/centroids.json, the same table the flows API places nodes by.
import { s } from './lib.js';

const A1 = 1.340264; const A2 = -0.081106; const A3 = 0.000893; const A4 = 0.003796;
const M = Math.sqrt(3) / 2;
const RAD = Math.PI / 180;

/** Equal Earth in unit coordinates: [x, y] for latitude and longitude in degrees (y up). */
export function equalEarth(lat, lon) {
  const theta = Math.asin(M * Math.sin(lat * RAD));
  const t2 = theta * theta; const t6 = t2 * t2 * t2;
  const x = (lon * RAD * Math.cos(theta)) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
  const y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
  return [x, y];
}

const XMAX = equalEarth(0, 180)[0];
const YMAX = equalEarth(90, 0)[1];
export const W = 800;
const K = W / (2 * XMAX);
export const H = Math.ceil(2 * YMAX * K);

/** The SVG position of a point: [x, y] in a W × H view box. */
export function project(lat, lon) {
  const [x, y] = equalEarth(Number(lat), Number(lon));
  return [W / 2 + x * K, H / 2 - y * K];
}

const f1 = (v) => v.toFixed(1);

function line(points) {
  return points.map(([lat, lon], i) => {
    const [x, y] = project(lat, lon);
    return `${i ? 'L' : 'M'}${f1(x)},${f1(y)}`;
  }).join('');
}

const range = (a, b, step) => Array.from({ length: Math.floor((b - a) / step) + 1 }, (_, i) => a + i * step);

let world = null;
/** The country outlines, fetched once from the server (never from elsewhere). */
export function loadWorld() {
  if (!world) {
    world = fetch('/ui/vendor/world-110m.json').then((r) => {
      if (!r.ok) throw new Error(`world map: ${r.status}`);
      return r.json();
    }).catch((e) => { world = null; throw e; });
  }
  return world;
}

let points = null;
/** `{CC: [lat, lon]}`: the countries' points, as the flow map's nodes stand. */
export function loadCentroids() {
  if (!points) {
    points = fetch('/ui/geo/centroids.json').then((r) => {
      if (!r.ok) throw new Error(`country points: ${r.status}`);
      return r.json();
    }).catch((e) => { points = null; throw e; });
  }
  return points;
}

function countryPath(c) {
  let d = '';
  for (const ring of c.rings) {
    for (let i = 0; i < ring.length; i += 2) {
      const [x, y] = project(ring[i + 1], ring[i]);
      d += `${i ? 'L' : 'M'}${f1(x)},${f1(y)}`;
    }
    d += 'Z';
  }
  return d;
}

let paths = null;
/** The countries as SVG path data, computed once per page load. */
function countryPaths(w) {
  if (!paths) paths = w.countries.map((c) => ({ name: c.name, d: countryPath(c) }));
  return paths;
}

/**
 * An SVG world map: sphere, graticule every 30°, countries (`w` from `loadWorld()`), with
 * `cls` for the svg element and `label` as its accessible name. Callers add their marks on top
 * at `project(lat, lon)`.
 */
export function worldMap(w, cls, label) {
  const left = range(-90, 90, 5).map((lat) => [lat, -180]);
  const right = range(-90, 90, 5).reverse().map((lat) => [lat, 180]);
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: cls, role: 'img', 'aria-label': label },
    s('title', {}, label),
    s('path', { d: `${line([...left, ...right])}Z`, class: 'sea' }),
    range(-60, 60, 30).map((lat) => s('path', { d: line(range(-180, 180, 10).map((lon) => [lat, lon])), class: lat === 0 ? 'grat eq' : 'grat' })),
    range(-150, 150, 30).map((lon) => s('path', { d: line(range(-90, 90, 5).map((lat) => [lat, lon])), class: 'grat' })),
    s('g', { class: 'land' }, w ? countryPaths(w).map((c) => s('path', { d: c.d, class: 'country' }, s('title', {}, c.name))) : null));
}
