// Runs the search client's engine (themes/default/static/search.js) in node, without a
// browser, on the index of a built site, and prints one JSON line.
//   node search-engine.mjs search DIR QUERY…  → {QUERY: [{url, title, score}, …], …}
//   node search-engine.mjs tokens DIR TEXT…   → [[[position, key], …], …] per text
//   node search-engine.mjs buckets - KEY…     → [bucket of each key]
//   node search-engine.mjs files DIR KEY…     → [[terms file, positions file] of each key]
import { readFile } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { report } from './lib.mjs';

const engine = createRequire(import.meta.url)('../../themes/default/static/search.js');
const [mode, dir, ...rest] = process.argv.slice(2);

// The loader the engine asks for files of the index folder; the ?v= version is ignored.
function load(path, binary, done) {
  readFile(join(dir, 'search', path.split('?')[0]), (error, data) => {
    if (error) done(error);
    else done(null, binary ? new Uint8Array(data) : data.toString('utf8'));
  });
}

const promised = (f) => new Promise((resolve, reject) => f((e, v) => (e ? reject(e) : resolve(v))));

if (mode === 'search') {
  const searcher = new engine.Searcher(load);
  const out = {};
  for (const query of rest) {
    const found = await promised((cb) => searcher.search(query, cb));
    out[query] = [];
    for (const { id, score } of found.results) {
      const page = await promised((cb) => searcher.page(id, cb));
      out[query].push({ url: page.url, title: page.title, score });
    }
  }
  report(out);
} else if (mode === 'tokens') {
  const meta = JSON.parse(await promised((cb) => load('index.json', false, cb)));
  engine.useTraditional(meta.traditional);
  report(rest.map((text) => engine.tokenize(text).map((t) => [t.pos, t.key])));
} else if (mode === 'buckets') {
  // With a file starting at every bucket, a key's file number is its bucket.
  const everyBucket = new Array(65535).fill(1);
  report(rest.map((key) => engine.fileOf(key, everyBucket)));
} else if (mode === 'files') {
  const meta = JSON.parse(await promised((cb) => load('index.json', false, cb)));
  report(rest.map((key) => [engine.fileOf(key, meta.terms), engine.fileOf(key, meta.positions)]));
} else {
  throw new Error(`unknown mode ${mode}`);
}
