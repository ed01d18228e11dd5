// Live reload in a real Chromium against `wenming serve`: opens a page, edits its Markdown and
// waits for the new text without reloading by hand; edits the stylesheet and checks it is
// swapped without a reload; breaks the front matter and waits for the error overlay over the
// last good page, then fixes it and waits for the overlay to go.
// Usage: node livereload.mjs PAGE_URL MARKDOWN_FILE CSS_FILE
import fs from 'node:fs';
import { launch, report } from './lib.mjs';

const [url, markdown, css] = process.argv.slice(2);
const NEW_TEXT = '浏览器里自动出现的新段落。';
const FIXED_TEXT = '改正之后的内容。';
const timeout = 15000;
const out = { errors: [] };
const browser = await launch();
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => out.errors.push(String(e)));
  const connected = () =>
    page.waitForResponse((r) => r.url().includes('/__wenming/events'), { timeout });
  const mark = () => page.evaluate(() => { window.__wenmingSamePage = true; });
  const samePage = () => page.evaluate(() => window.__wenmingSamePage === true);

  let listening = connected();
  await page.goto(url, { waitUntil: 'load' });
  await listening;
  await mark();

  // 1. A Markdown edit: the new text appears without a manual reload.
  listening = connected();
  fs.appendFileSync(markdown, `\n${NEW_TEXT}\n`);
  await page.waitForFunction((t) => document.body.innerText.includes(t), NEW_TEXT, { timeout });
  out.textAppeared = true;
  out.reloadedItself = !(await samePage());
  await listening;
  await mark();

  // 2. A stylesheet edit: swapped in place, the page is not reloaded.
  fs.appendFileSync(css, '\n:root { --wenming-test: 42; }\n');
  await page.waitForFunction(
    () => getComputedStyle(document.documentElement).getPropertyValue('--wenming-test').trim() === '42',
    null,
    { timeout },
  );
  out.cssApplied = true;
  out.cssWithoutReload = await samePage();

  // 3. A broken file: an overlay over the last good page.
  const good = fs.readFileSync(markdown, 'utf8');
  fs.writeFileSync(markdown, good.replace('title: ', 'title: [没有闭合\n'));
  await page.waitForSelector('#wenming-error-overlay', { timeout });
  out.overlayText = await page.textContent('#wenming-error-overlay');
  out.lastGoodPageShown = await page.evaluate((t) => document.body.innerText.includes(t), NEW_TEXT);

  // 4. Fixed: the overlay goes and the change shows.
  fs.writeFileSync(markdown, `${good}\n${FIXED_TEXT}\n`);
  await page.waitForFunction(
    (t) => !document.getElementById('wenming-error-overlay') && document.body.innerText.includes(t),
    FIXED_TEXT,
    { timeout },
  );
  out.overlayCleared = true;
} catch (e) {
  out.failure = String(e);
} finally {
  await browser.close();
}
report(out);
