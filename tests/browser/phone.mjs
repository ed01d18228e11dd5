// The default theme on a phone, checked in Chromium on the served demo site: every table cell
// on screen at 320 and 375 px (normal, 长辈模式, 200% text), search titles that wrap as text
// around <mark>, chart text inside its viewBox and sized like the page's text, cumulative
// layout shift under a slow-network, 4×-CPU profile, the header search without JavaScript, the
// header's share of the first screen, disclosure markers, unbroken footer units and distinct
// landmark names, and the WeChat share metadata with its 二维码 (decoded with zbarimg). Usage: node phone.mjs BASE_URL SCREENSHOT_DIR
// Prints one JSON object; the Rust test (tests/browser.rs) asserts on every field.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { launch, report } from './lib.mjs';
import { context } from './pages.mjs';

const base = process.argv[2].replace(/\/$/, '');
const shots = process.argv[3];
const article = '/news/gong-yi-guang-gao-shang-jie/';
const search = '/search/?q=%E6%96%87%E6%98%8E';
// An optional third argument runs only the named parts (comma-separated), for development.
const only = process.argv[4] ? process.argv[4].split(',') : null;
const part = (name) => !only || only.includes(name);

// The demo's progress, ranking and rule pages: every table on them must fit a phone.
const tablePages = [
  '/progress/',
  '/progress/2026-di-6-qi/',
  '/progress/2026-di-1-qi/',
  '/rankings/2026-w43/',
  '/rankings/2026-w40/',
  '/rules/la-ji-fen-lei-tou-fang-zhi-yin-2025/',
  '/rules/la-ji-fen-lei-zhi-yin/',
  '/news/hong-hei-bang-2026-04/',
  '/',
];
const chartPages = ['/progress/', '/progress/2026-di-6-qi/', '/rankings/2026-w43/'];

// In the page: every th/td (inside opened <details> too) whose box leaves the viewport
// sideways, and whether the page scrolls sideways.
function cellsOffScreen() {
  for (const d of document.querySelectorAll('details')) d.open = true;
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width + 1) {
    out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  }
  let cells = 0;
  for (const cell of document.querySelectorAll('main td, main th, main caption')) {
    if (!cell.checkVisibility()) continue;
    if (cell.closest('thead') && getComputedStyle(cell.closest('thead')).clipPath !== 'none') continue;
    cells += 1;
    const r = cell.getBoundingClientRect();
    if (r.left < -0.5 || r.right > width + 0.5) {
      out.push(`${cell.tagName.toLowerCase()} “${cell.textContent.trim().slice(0, 12)}” ${Math.round(r.left)}–${Math.round(r.right)}`);
    }
  }
  return { out, cells };
}

// In the page: every chart's text boxes (in the chart's own units) outside its viewBox or
// overlapping another text, and the chart text's size on screen next to the body text's.
function chartFacts() {
  const charts = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const vb = svg.viewBox.baseVal;
    const scale = svg.getBoundingClientRect().width / vb.width;
    const boxes = [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent, box: t.getBBox() }));
    const outside = boxes.filter(({ box }) => box.x < vb.x - 0.5 || box.y < vb.y - 0.5
      || box.x + box.width > vb.x + vb.width + 0.5 || box.y + box.height > vb.y + vb.height + 0.5)
      .map(({ text, box }) => `${text} ${box.x.toFixed(1)},${box.y.toFixed(1)} ${box.width.toFixed(1)}×${box.height.toFixed(1)}`);
    const overlaps = [];
    for (let i = 0; i < boxes.length; i += 1) {
      for (let j = i + 1; j < boxes.length; j += 1) {
        const a = boxes[i].box;
        const b = boxes[j].box;
        if (a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5) {
          overlaps.push(`${boxes[i].text}|${boxes[j].text}`);
        }
      }
    }
    const first = svg.querySelector('text');
    const fontPx = first ? parseFloat(getComputedStyle(first).fontSize) * scale : 0;
    charts.push({ id: svg.querySelector('title')?.id, outside, overlaps, fontPx: Math.round(fontPx * 10) / 10 });
  }
  return { charts, bodyFontPx: parseFloat(getComputedStyle(document.querySelector('main p') || document.body).fontSize) };
}

// In the page: search result titles whose words do not read in lines: a piece of a title (the
// text around a <mark>, or the mark) that starts above where the piece before it ended, as
// when the marks turn the link into side-by-side columns.
function splitTitles() {
  const split = [];
  let checked = 0;
  for (const a of document.querySelectorAll('.search-result h2 a')) {
    if (!a.querySelector('mark')) continue;
    checked += 1;
    let lastTop = -Infinity;
    for (const node of a.childNodes) {
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      if (!rects.length) continue;
      if (rects[0].top < lastTop - 1) {
        split.push(`${a.textContent}: “${node.textContent}” starts above the line before it`);
        break;
      }
      lastTop = rects[rects.length - 1].top;
    }
  }
  return { split, checked };
}

// In the page: what a reader needs to find their way. Every <summary> shows its disclosure
// marker; every footer unit (name, address, 备案号…) keeps its words on one line; no two
// landmarks of one kind share a name (a screen reader lists them by kind and name).
function wayfinding() {
  const summaries = [...document.querySelectorAll('summary')]
    .filter((s) => getComputedStyle(s).display !== 'list-item')
    .map((s) => s.textContent.trim());
  const units = [...document.querySelectorAll('footer .unit')];
  const brokenUnits = units
    .filter((u) => u.getClientRects().length > 1 || getComputedStyle(u).display !== 'inline-block')
    .map((u) => u.textContent.trim());
  const kinds = { main: 'main', nav: 'navigation', aside: 'complementary', search: 'search' };
  const named = (el) => {
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent.trim() ?? '').join(' ');
    return el.getAttribute('aria-label') ?? '';
  };
  const seen = new Map();
  const duplicates = [];
  for (const el of document.querySelectorAll('main, nav, aside, search, [role], section[aria-label], section[aria-labelledby], form[aria-label]')) {
    const role = el.getAttribute('role') || kinds[el.localName] || (el.localName === 'section' ? 'region' : el.localName === 'form' ? 'form' : null);
    if (!role || !['main', 'navigation', 'complementary', 'search', 'region', 'form', 'contentinfo', 'banner'].includes(role)) continue;
    const key = `${role} “${named(el)}”`;
    if (seen.has(key)) duplicates.push(key);
    seen.set(key, true);
  }
  return { summaries, brokenUnits, units: units.length, duplicates, landmarks: seen.size };
}

const browser = await launch();
const out = { tables: [], cellsChecked: 0, charts: [], chartFonts: {}, marks: {}, shift: {}, noScript: {}, header: {}, share: {}, wayfinding: {} };
try {
  // Tables at 320 and 375 px, normal and 长辈模式, and at 200% text.
  if (part('tables')) for (const [width, mode, css] of [
    [320, 'normal', ''], [375, 'normal', ''], [320, 'elder', ''], [375, 'elder', ''],
    [320, 'normal', 'html { font-size: 200% !important; }'],
    [375, 'normal', 'html { font-size: 200% !important; }'],
    [320, 'elder', 'html { font-size: 200% !important; }'],
    [375, 'elder', 'html { font-size: 200% !important; }'],
  ]) {
    const ctx = await context(browser, { width, mode });
    const page = await ctx.newPage();
    for (const path of tablePages) {
      await page.goto(base + path);
      if (css) await page.addStyleTag({ content: css });
      const { out: problems, cells } = await page.evaluate(cellsOffScreen);
      out.cellsChecked += cells;
      const label = `${width} ${mode}${css ? ' 200%' : ''} ${path}`;
      for (const p of problems) out.tables.push(`${label}: ${p}`);
    }
    // Charts in the same setting.
    if (!css) {
      for (const path of chartPages) {
        await page.goto(base + path);
        const facts = await page.evaluate(chartFacts);
        for (const c of facts.charts) {
          for (const o of c.outside) out.charts.push(`${width} ${mode} ${path} ${c.id}: outside: ${o}`);
          for (const o of c.overlaps) out.charts.push(`${width} ${mode} ${path} ${c.id}: overlap: ${o}`);
          const key = `${width}-${mode}`;
          out.chartFonts[key] = Math.min(out.chartFonts[key] ?? Infinity, c.fontPx);
        }
      }
    }
    await ctx.close();
  }

  // Search titles with their marks, at 320 px in 长辈模式.
  if (part('marks')) {
    const ctx = await context(browser, { width: 320, mode: 'elder' });
    const page = await ctx.newPage();
    await page.goto(base + search);
    await page.waitForSelector('.search-result h2 a mark');
    out.marks = await page.evaluate(splitTitles);
    await ctx.close();
  }

  // Cumulative layout shift on a phone over a slow network with a 4× slower CPU, as a first
  // visit and in 长辈模式.
  if (part('shift')) {
    for (const mode of ['normal', 'elder']) {
      for (const path of ['/', article, search]) {
        const ctx = await context(browser, { width: 375, mode });
        await ctx.addInitScript(() => {
          window.__shifts = [];
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) {
              if (!e.hadRecentInput) {
                window.__shifts.push({ value: e.value, sources: (e.sources || []).map((s) => s.node && s.node.nodeName ? `${s.node.nodeName.toLowerCase()}.${s.node.className || ''}` : '?') });
              }
            }
          }).observe({ type: 'layout-shift', buffered: true });
        });
        const page = await ctx.newPage();
        const cdp = await ctx.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', {
          offline: false, latency: 400, downloadThroughput: (400 * 1024) / 8, uploadThroughput: (400 * 1024) / 8,
        });
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        await page.goto(base + path, { waitUntil: 'load' });
        await page.waitForTimeout(2500);
        const shifts = await page.evaluate(() => window.__shifts);
        out.shift[`${mode} ${path}`] = {
          cls: Math.round(shifts.reduce((n, s) => n + s.value, 0) * 10000) / 10000,
          sources: [...new Set(shifts.flatMap((s) => s.sources))],
        };
        await ctx.close();
      }
    }
  }

  // The header on a phone: how much of the first screen the site name, search box and
  // 长辈模式 take, and that the sections stay on one row.
  if (part('header')) {
    mkdirSync(shots, { recursive: true });
    for (const [width, mode] of [[320, 'normal'], [375, 'normal'], [320, 'elder'], [375, 'elder']]) {
      const ctx = await context(browser, { width, mode, height: 667 });
      const page = await ctx.newPage();
      await page.goto(base + article);
      out.header[`${width}-${mode}`] = await page.evaluate(() => {
        const bottom = Math.max(...['.site-title', '.search-box', '#elder-toggle']
          .map((s) => document.querySelector(s).getBoundingClientRect().bottom));
        const items = [...document.querySelectorAll('.site-nav li')].map((li) => li.getBoundingClientRect().top);
        return {
          share: Math.round((bottom / window.innerHeight) * 100),
          navRows: new Set(items.map((t) => Math.round(t))).size,
        };
      });
      await page.screenshot({ path: `${shots}/header-${width}-${mode}.png` });
      await ctx.close();
    }
  }

  // Without JavaScript: the header search box is wide enough to use, says on focus that
  // search needs JavaScript (with the typed words still in the box and a link to the site
  // map), and a submitted search lands on the site map.
  if (part('noscript')) {
    for (const width of [320, 375, 1366]) {
      const ctx = await context(browser, { width, mode: 'normal', javaScript: false });
      const page = await ctx.newPage();
      await page.goto(base + article);
      const box = page.getByRole('searchbox', { name: '搜索本站' });
      const facts = { inputWidth: Math.round((await box.boundingBox()).width) };
      await box.fill('垃圾分类');
      facts.hint = await page.evaluate(() => {
        const hint = document.querySelector('.search-nojs');
        return hint.checkVisibility() ? hint.textContent.trim() : null;
      });
      facts.hintLinks = await page.locator('.search-nojs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      facts.typed = await box.inputValue();
      await page.keyboard.press('Enter');
      await page.waitForURL(/sitemap/);
      facts.landed = decodeURIComponent(new URL(page.url()).pathname + new URL(page.url()).search);
      out.noScript[width] = facts;
      await ctx.close();
    }
  }

  // Disclosure markers, unbroken footer units and distinct landmark names, at 320 px in
  // 长辈模式 (where the footer wraps most).
  if (part('wayfinding')) {
    const ctx = await context(browser, { width: 320, mode: 'elder' });
    const page = await ctx.newPage();
    for (const path of ['/', '/progress/', article, search]) {
      await page.goto(base + path);
      out.wayfinding[path] = await page.evaluate(wayfinding);
    }
    await ctx.close();
  }

  // WeChat share metadata and the page's 二维码, decoded from a screenshot with zbarimg.
  if (part('share')) {
    mkdirSync(shots, { recursive: true });
    const ctx = await context(browser, { width: 375, mode: 'normal' });
    const page = await ctx.newPage();
    await page.goto(base + article);
    out.share = await page.evaluate(() => {
      const meta = (sel) => document.querySelector(sel)?.getAttribute('content') ?? null;
      return {
        canonical: document.querySelector('link[rel=canonical]').href,
        ogTitle: meta('meta[property="og:title"]'),
        ogDescription: meta('meta[property="og:description"]'),
        ogImage: meta('meta[property="og:image"]'),
        ogUrl: meta('meta[property="og:url"]'),
        itemName: meta('meta[itemprop=name]'),
        itemDescription: meta('meta[itemprop=description]'),
        itemImage: meta('meta[itemprop=image]'),
        qrLabel: document.querySelector('svg.qr')?.getAttribute('aria-label') ?? null,
        qrHiddenAtFirst: !document.querySelector('svg.qr').checkVisibility(),
      };
    });
    await page.getByText('扫码分享').click();
    const file = `${shots}/qr.png`;
    await page.locator('svg.qr').screenshot({ path: file });
    out.share.decoded = execFileSync('zbarimg', ['--quiet', '--raw', file]).toString().trim();
    await page.emulateMedia({ media: 'print' });
    out.share.qrPrinted = await page.evaluate(() => {
      document.querySelector('details.share').open = false;
      return document.querySelector('svg.qr').checkVisibility();
    });
    await ctx.close();
  }

  report(out);
} finally {
  await browser.close();
}
