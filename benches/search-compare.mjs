// Compares wenming's search with Pagefind's on one built site: recall on substring queries
// and the bytes a browser downloads per query. See docs/perf.md for the whole procedure
// (the site comes from `cargo bench --bench search`, the Pagefind index from the PyPI package
// pagefind-bin-extended, run on the same output).
//
//   node benches/search-compare.mjs target/tmp/search-10000/public
//
// Without a Pagefind index in the site (no pagefind/pagefind.js), only wenming is measured and
// the Pagefind columns show —.
//
// Recall: the truth is every article page (title and body, read from its HTML) containing the
// query; a tool's recall is the share of those it returns. Bytes: a fresh Chromium context per
// query and tool; everything the search needs until the first ten results can be shown
// (wenming: search.js and search/ files, with excerpts; Pagefind: its JS API, search() and
// data() of the first ten results).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { launch } from '../tests/browser/lib.mjs';

const site = resolve(process.argv[2] ?? 'target/tmp/search-10000/public');
// The site's own client (so an index built by an older wenming is read by its own client).
const engine = createRequire(import.meta.url)(join(site, 'search.js'));

// [query, the text that counts as a match]: pieces of the corpus's sentences, most of them
// across the words a segmenter would cut (垃圾|分类, 文明|城市, 礼让|斑马线…).
const QUERIES = [
  ['分类', '分类'],
  ['志愿', '志愿'],
  ['圾分', '圾分'],
  ['明城', '明城'],
  ['愿者们', '愿者们'],
  ['红马甲', '红马甲'],
  ['让斑马', '让斑马'],
  ['督导检查', '督导检查'],
  ['漂浮垃圾', '漂浮垃圾'],
  ['智能手机课堂', '智能手机课堂'],
  ['百分之九十三', '百分之九十三'],
  ['树新风', '树新风'],
  ['乱堆乱放', '乱堆乱放'],
  ['红黑榜通报', '红黑榜通报'],
  ['垃圾分類', '垃圾分类'],
];

const decode = (html) => html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

// Every article page: url → its title and body text, from the built HTML.
function articles() {
  const out = new Map();
  for (const section of ['news', 'stories', 'notices', 'rules']) {
    for (const name of readdirSync(join(site, section))) {
      const file = join(site, section, name, 'index.html');
      if (!name.startsWith('page-') || !existsSync(file)) continue;
      const html = readFileSync(file, 'utf8');
      const title = /<h1>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? '';
      const body = /<div class="content">([\s\S]*?)<\/div>\s*(?:<p class="print-only"|<footer|<\/article>)/.exec(html)?.[1] ?? '';
      out.set(`/${section}/${name}/`, decode(title) + '\n' + decode(body));
    }
  }
  return out;
}

const promised = (f) => new Promise((ok, fail) => f((e, v) => (e ? fail(e) : ok(v))));

// wenming's engine in node on the index files: every result's url.
async function wenmingUrls(query) {
  const searcher = new engine.Searcher((path, binary, done) => {
    try {
      const data = readFileSync(join(site, 'search', path.split('?')[0]));
      done(null, binary ? new Uint8Array(data) : data.toString('utf8'));
    } catch (e) {
      done(e);
    }
  });
  const found = await promised((cb) => searcher.search(query, cb));
  return found.results.map((r) => JSON.parse(readFileSync(join(site, `search/pages/${r.id}.json`), 'utf8')).url);
}

// A Pagefind result id names its fragment, gzipped JSON with the url.
function pagefindUrl(id) {
  const fragment = gunzipSync(readFileSync(join(site, `pagefind/fragment/${id}.pf_fragment`)));
  // Fragments start with the "pagefind_dcd" signature before the JSON.
  const text = fragment.toString('utf8');
  return JSON.parse(text.slice(text.indexOf('{'))).url;
}

const PAGEFIND_PAGE = `<!DOCTYPE html><meta charset="utf-8"><title>pagefind</title>
<script type="module">
const q = new URLSearchParams(location.search).get('q');
const pagefind = await import('/pagefind/pagefind.js');
const search = await pagefind.search(q);
await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
window.found = search.results.map((r) => r.id);
document.title = 'done';
</script>`;

function freePort() {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function measure(browser, url, counts, done) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bodies = [];
  page.on('response', async (r) => {
    if (!counts(new URL(r.url()).pathname)) return;
    try { bodies.push(await r.body()); } catch { /* redirects have no body */ }
  });
  await page.goto(url);
  await page.waitForFunction(done, null, { timeout: 120_000 });
  const result = await page.evaluate(() => window.found ?? null);
  await page.waitForTimeout(200);
  await context.close();
  const raw = bodies.reduce((n, b) => n + b.length, 0);
  const gzip = bodies.reduce((n, b) => n + gzipSync(b).length, 0);
  return { raw, gzip, requests: bodies.length, result };
}

const withPagefind = existsSync(join(site, 'pagefind/pagefind.js'));
const port = await freePort();
writeFileSync(join(site, 'pagefind-bench.html'), PAGEFIND_PAGE);
const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port), '-d', site], { stdio: 'ignore' });
await new Promise((ok) => setTimeout(ok, 1000));
const base = `http://127.0.0.1:${port}`;
const browser = await launch();
try {
  const pages = articles();
  console.log(`${pages.size} article pages in ${site}\n`);
  console.log('| query | pages containing it | wenming found | wenming recall | Pagefind found | Pagefind recall | wenming bytes (gzip) | Pagefind bytes | wenming requests | Pagefind requests |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [query, needle] of QUERIES) {
    const truth = new Set([...pages].filter(([, text]) => text.includes(needle)).map(([url]) => url));
    const ours = new Set(await wenmingUrls(query));
    const w = await measure(browser, `${base}/search/?q=${encodeURIComponent(query)}`,
      (p) => p.startsWith('/search/') && p !== '/search/' || /^\/search(\.[0-9a-f]+)?\.js$/.test(p),
      () => /共找到|没有找到/.test(document.getElementById('search-status')?.textContent ?? ''));
    const pf = withPagefind
      ? await measure(browser, `${base}/pagefind-bench.html?q=${encodeURIComponent(query)}`,
        (p) => p.startsWith('/pagefind/'), () => document.title === 'done')
      : { requests: '—', result: [] };
    const theirs = new Set(pf.result.map(pagefindUrl).filter((u) => pages.has(u)));
    const hit = (set) => [...truth].filter((u) => set.has(u)).length;
    const pct = (n) => (truth.size ? `${((100 * n) / truth.size).toFixed(1)}%` : '—');
    const [pfFound, pfRecall, pfBytes] = withPagefind
      ? [theirs.size, pct(hit(theirs)), `${(pf.raw / 1000).toFixed(1)} kB`] : ['—', '—', '—'];
    console.log(`| ${query} | ${truth.size} | ${ours.size} | ${pct(hit(ours))} | ${pfFound} | ${pfRecall} | ${(w.raw / 1000).toFixed(1)} kB (${(w.gzip / 1000).toFixed(1)} kB) | ${pfBytes} | ${w.requests} | ${pf.requests} |`);
  }
} finally {
  await browser.close();
  server.kill();
}
