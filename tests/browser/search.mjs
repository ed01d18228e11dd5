// Uses the site search in Chromium the way a reader does and reports what they get.
//   node search.mjs fixture URL   the `search` fixture: type into the header box, no-result and
//                                 <script> queries, an HTML-looking title, keyboard order, and
//                                 the header box without JavaScript
//   node search.mjs more URL      a site with more than ten results for 文明: "显示更多结果"
import { launch, report } from './lib.mjs';

const [mode, base] = process.argv.slice(2);
const origin = new URL(base).origin;
const errors = [];
const foreign = [];
const dialogs = [];

function watch(page) {
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  page.on('request', (r) => { if (!r.url().startsWith(origin)) foreign.push(r.url()); });
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  return page;
}

// Waits until the search has finished (the status no longer says it is searching).
async function settled(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status');
    return s && s.textContent !== '' && s.textContent !== '正在搜索……';
  });
  return page.evaluate(() => ({
    path: decodeURIComponent(location.pathname + location.search),
    title: document.title,
    status: document.getElementById('search-status').textContent,
    statusRole: document.getElementById('search-status').getAttribute('role'),
    statusLinks: [...document.querySelectorAll('#search-status a')].map((a) => a.getAttribute('href')),
    input: document.getElementById('search-query').value,
    scripts: document.querySelectorAll('main script').length,
    results: [...document.querySelectorAll('#search-results > li')].map((li) => ({
      title: li.querySelector('h2').textContent,
      url: li.querySelector('a').getAttribute('href'),
      meta: li.querySelector('.search-result-meta').textContent,
      excerpt: li.querySelector('.search-result-excerpt').textContent,
      marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
      elements: [...li.querySelectorAll('h2 *, p *')].map((e) => e.tagName.toLowerCase()),
    })),
    more: document.querySelector('.search-more')?.textContent ?? null,
  }));
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
  const page = watch(await context.newPage());
  const out = {};
  if (mode === 'fixture') {
    // A reader on the home page types 分类 into the header box and presses Enter.
    await page.goto(`${base}/`);
    await page.getByRole('searchbox', { name: '搜索本站' }).click();
    await page.keyboard.type('分类');
    await page.keyboard.press('Enter');
    out.typed = await settled(page);
    out.label = await page.getByRole('searchbox', { name: '搜索关键词' }).count();
    // From the search field, Tab reaches the button, then the first result.
    await page.getByRole('searchbox', { name: '搜索关键词' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    out.tabbedTo = await page.evaluate(() => document.activeElement.getAttribute('href'));

    await page.goto(`${base}/search/?q=${encodeURIComponent('不存在的内容')}`);
    out.none = await settled(page);

    // A query with markup, typed into the search page's own field.
    await page.getByRole('searchbox', { name: '搜索关键词' }).fill('<script>alert(1)</script>');
    await page.keyboard.press('Enter');
    await page.waitForURL(/alert/);
    out.script = await settled(page);

    await page.goto(`${base}/search/?q=${encodeURIComponent('加粗')}`);
    out.markup = await settled(page);

    // Without JavaScript the header box leads to the site map.
    const noScript = watch(await (await browser.newContext({ javaScriptEnabled: false })).newPage());
    await noScript.goto(`${base}/`);
    await noScript.getByRole('searchbox', { name: '搜索本站' }).fill('分类');
    await noScript.keyboard.press('Enter');
    await noScript.waitForURL(/sitemap/);
    out.withoutJs = await noScript.evaluate(() => ({
      path: decodeURIComponent(location.pathname + location.search),
      h1: document.querySelector('h1').textContent,
      notice: document.querySelector('noscript') !== null,
    }));
  } else {
    await page.goto(`${base}/search/?q=${encodeURIComponent('文明')}`);
    out.first = await settled(page);
    await page.getByRole('button', { name: '显示更多结果' }).press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#search-results > li').length > 10);
    out.second = await settled(page);
    out.focused = await page.evaluate(() => {
      const items = [...document.querySelectorAll('#search-results > li a')];
      return items.indexOf(document.activeElement);
    });
  }
  report({ ...out, errors, foreign, dialogs });
} finally {
  await browser.close();
}
