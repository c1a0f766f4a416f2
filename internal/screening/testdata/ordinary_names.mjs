// Generates testdata/ordinary_names.csv: node ordinary_names.mjs > ordinary_names.csv, run beside an unpacked @faker-js/faker 10.6.0 (npm pack @faker-js/faker@10.6.0; tar xzf; the package/ folder).
import { Faker, en_US, de, es, fr, ru, uk, ar, fa, zh_CN, ja, ko, th, base, en } from './package/dist/index.js';
const sets = [
  ['latin', [en_US, en, base]], ['latin', [de, en, base]], ['latin', [es, en, base]], ['latin', [fr, en, base]],
  ['cyrillic', [ru, en, base]], ['cyrillic', [uk, en, base]],
  ['arabic', [ar, en, base]], ['arabic', [fa, en, base]],
  ['han', [zh_CN, en, base]], ['japanese', [ja, en, base]], ['hangul', [ko, en, base]], ['thai', [th, en, base]],
];
const rows = [];
let seed = 2026;
for (const [script, locale] of sets) {
  const f = new Faker({ locale });
  f.seed(seed++);
  const n = script === 'latin' ? 100 : (script === 'cyrillic' || script === 'arabic' ? 200 : 400);
  const seen = new Set();
  for (let i = 0; i < n * 3 && seen.size < n; i++) {
    let name;
    if (i % 4 === 3) { try { name = f.company.name(); } catch { name = f.person.fullName(); } }
    else name = f.person.fullName();
    if (!name || seen.has(name)) continue;
    seen.add(name);
    rows.push([script, locale[0] === undefined ? '' : script, name]);
  }
}
const q = s => /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
console.log('script,name');
for (const r of rows) console.log(r[0] + ',' + q(r[2]));
