// Loads a page of a served site in Chromium and reports what a reader gets: the title, the
// language, the first heading, whether the stylesheet applied, and any console errors or
// requests to other hosts. Usage: node smoke.mjs URL
import { launch, report } from './lib.mjs';

const url = process.argv[2];
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  const errors = [];
  const foreign = [];
  const origin = new URL(url).origin;
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  await page.goto(url, { waitUntil: 'load' });
  const result = await page.evaluate(() => ({
    title: document.title,
    lang: document.documentElement.lang,
    h1: document.querySelector('h1')?.textContent.trim() ?? null,
    styled: getComputedStyle(document.body).fontFamily.includes('PingFang SC'),
    overflowsAt375: document.documentElement.scrollWidth > 375,
  }));
  report({ ...result, errors, foreign });
} finally {
  await browser.close();
}
