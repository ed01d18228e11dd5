// What the default theme promises a reader, checked in Chromium on the served demo site:
// 长辈模式 (toggle, sizes, persistence, hidden without JavaScript), tap target sizes, text
// sizes, reflow at 320 px, 200% text, the WCAG 1.4.12 text-spacing override, images with a
// size and lazy below the fold, visible keyboard focus, the page-weight budget, the print stylesheet, and
// screenshots for review. Usage: node theme.mjs BASE_URL SCREENSHOT_DIR
// Prints one JSON object; the Rust test (tests/browser.rs) asserts on every field.
import { mkdirSync } from 'node:fs';
import { launch, report } from './lib.mjs';
import { pages, context } from './pages.mjs';

const base = process.argv[2].replace(/\/$/, '');
const shots = process.argv[3];
const article = '/news/gong-yi-guang-gao-shang-jie/';

// The WCAG 1.4.12 text-spacing bookmarklet's values.
const TEXT_SPACING = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
  word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }`;

// In the page: where content spills out of its box, sideways scrolling of the whole page, and
// text cut off by `overflow: hidden` or `clip`.
function layoutProblems() {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  }
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    const clips = (v) => v === 'hidden' || v === 'clip';
    if (!el.checkVisibility() || !(clips(style.overflowX) || clips(style.overflowY))) continue;
    // Visually hidden for screen readers on purpose (a card table's header row).
    if (style.clipPath === 'inset(50%)') continue;
    if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) {
      problems.push(`clipped: ${el.tagName.toLowerCase()}.${el.className}`);
    }
  }
  return problems;
}

// In the page: the size and font facts of one page, and every stand-alone target smaller than
// `min` px. A link inside running text (an inline link whose block holds other words, or any
// link in an article's Markdown body) is exempt, as in WCAG 2.5.8.
function measure(min) {
  const described = (el) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''} “${el.textContent.trim().slice(0, 20)}”`;
  const small = [];
  const selector = 'a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex="-1"])';
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility() || el.classList.contains('skip-link')) continue;
    const style = getComputedStyle(el);
    if (el.tagName === 'A' && style.display === 'inline') {
      if (el.closest('.content')) continue;
      const block = el.parentElement.closest('p, li, td, th, dd, span, div');
      if (block && block.textContent.trim().length > el.textContent.trim().length) continue;
    }
    const r = el.getBoundingClientRect();
    if (r.height < min - 0.5 || r.width < min - 0.5) {
      small.push(`${described(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  const para = document.querySelector('main p') || document.body;
  const ps = getComputedStyle(para);
  const images = [...document.images];
  return {
    small,
    bodyFontPx: parseFloat(getComputedStyle(document.body).fontSize),
    paragraphFontPx: parseFloat(ps.fontSize),
    lineHeight: parseFloat(ps.lineHeight) / parseFloat(ps.fontSize),
    textColour: getComputedStyle(document.body).color,
    unsized: images.filter((i) => !i.getAttribute('width') || !i.getAttribute('height')).map((i) => i.src),
    eagerBelowFold: images
      .filter((i) => i.getBoundingClientRect().top + window.scrollY >= window.innerHeight)
      .filter((i) => i.loading !== 'lazy').map((i) => i.src),
  };
}

const browser = await launch();
const out = {
  toggle: {}, modes: {}, smallTargets: [], images: [], reflow320: [], text200: [],
  textSpacing: [], focus: {}, noScript: {}, budget: {}, print: {}, screenshots: [],
};
try {
  // 长辈模式: the toggle, what it changes, and that the choice holds on the next page.
  {
    const ctx = await context(browser, { width: 375, mode: 'normal' });
    const page = await ctx.newPage();
    await page.goto(base + '/');
    const toggle = page.locator('#elder-toggle');
    const state = async () => ({
      visible: await toggle.isVisible(),
      label: (await toggle.innerText()).replace(/\s+/g, ''),
      name: await toggle.evaluate((b) => b.textContent.trim()),
      pressed: await toggle.getAttribute('aria-pressed'),
      elder: await page.evaluate(() => document.documentElement.classList.contains('elder')),
    });
    out.toggle.before = await state();
    await toggle.click();
    out.toggle.afterClick = await state();
    await page.goto(base + article);
    out.toggle.nextPage = await state();
    await page.goto(base + '/rules/');
    await toggle.press('Enter');
    out.toggle.offAgain = await state();
    await page.goto(base + '/');
    out.toggle.offNextPage = await state();
    await ctx.close();
  }

  // Sizes and targets on every page, in both modes, on a phone.
  for (const mode of ['normal', 'elder']) {
    const min = mode === 'elder' ? 60 : 44;
    const ctx = await context(browser, { width: 375, mode });
    const page = await ctx.newPage();
    const facts = { minBodyFontPx: Infinity, minParagraphFontPx: Infinity, minLineHeight: Infinity, colours: new Set() };
    for (const path of pages) {
      await page.goto(base + path);
      const m = await page.evaluate(measure, min);
      facts.minBodyFontPx = Math.min(facts.minBodyFontPx, m.bodyFontPx);
      facts.minParagraphFontPx = Math.min(facts.minParagraphFontPx, m.paragraphFontPx);
      facts.minLineHeight = Math.min(facts.minLineHeight, m.lineHeight);
      facts.colours.add(m.textColour);
      for (const s of m.small) out.smallTargets.push(`${mode} ${path}: ${s}`);
      for (const s of m.unsized) out.images.push(`${path}: no width/height: ${s}`);
      for (const s of m.eagerBelowFold) out.images.push(`${path}: below the fold but not lazy: ${s}`);
    }
    out.modes[mode] = { ...facts, minLineHeight: Math.round(facts.minLineHeight * 100) / 100, colours: [...facts.colours] };
    await ctx.close();
  }

  // Reflow at 320 px, in both modes.
  for (const mode of ['normal', 'elder']) {
    const ctx = await context(browser, { width: 320, mode });
    const page = await ctx.newPage();
    for (const path of pages) {
      await page.goto(base + path);
      for (const p of await page.evaluate(layoutProblems)) out.reflow320.push(`${mode} ${path}: ${p}`);
    }
    await ctx.close();
  }

  // 200% text (the browser's or WeChat's largest setting) on a phone, and the text-spacing
  // override on a phone and a desktop.
  for (const [width, list, css] of [
    [375, out.text200, 'html { font-size: 200% !important; }'],
    [375, out.textSpacing, TEXT_SPACING],
    [1366, out.textSpacing, TEXT_SPACING],
  ]) {
    const ctx = await context(browser, { width, mode: 'normal' });
    const page = await ctx.newPage();
    for (const path of pages) {
      await page.goto(base + path);
      await page.addStyleTag({ content: css });
      for (const p of await page.evaluate(layoutProblems)) list.push(`${width} ${path}: ${p}`);
    }
    await ctx.close();
  }

  // Keyboard focus is visible: the skip link comes on screen first, and every element Tab
  // reaches (the first 25 on a 条例 with its table of contents) shows an outline of 3 px or more.
  for (const mode of ['normal', 'elder']) {
    const ctx = await context(browser, { width: 375, mode });
    const page = await ctx.newPage();
    await page.goto(base + '/rules/wen-ming-xing-wei-cu-jin-tiao-li/');
    const seen = [];
    for (let i = 0; i < 25; i += 1) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return {
          what: `${el.tagName.toLowerCase()} “${el.textContent.trim().slice(0, 12)}”`,
          outline: s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0,
          onScreen: r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth,
        };
      }));
    }
    out.focus[mode] = {
      first: seen[0].what,
      firstOnScreen: seen[0].onScreen,
      invisible: seen.filter((f) => f.outline < 3 || !f.onScreen).map((f) => f.what),
      count: new Set(seen.map((f) => f.what)).size,
    };
    await ctx.close();
  }

  // Without JavaScript: the toggle is hidden and the page still reads and navigates.
  {
    const ctx = await context(browser, { width: 375, mode: 'normal', javaScript: false });
    const page = await ctx.newPage();
    await page.goto(base + '/');
    out.noScript = {
      toggleVisible: await page.locator('#elder-toggle').isVisible(),
      navLinks: await page.locator('nav.site-nav a').count(),
      h1: await page.locator('h1').innerText(),
      problems: await page.evaluate(layoutProblems),
    };
    await page.locator('nav.site-nav a', { hasText: '通知公告' }).click();
    out.noScript.navigatedTo = new URL(page.url()).pathname;
    await ctx.close();
  }

  // The home page's weight as a first-time visitor on a phone downloads it.
  {
    const ctx = await context(browser, { width: 375, mode: 'normal' });
    const page = await ctx.newPage();
    const responses = [];
    page.on('response', (r) => responses.push(r));
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForLoadState('networkidle');
    const bytes = { html: 0, css: 0, js: 0, image: 0, other: 0 };
    const hosts = new Set();
    for (const r of responses) {
      const type = r.request().resourceType();
      const size = (await r.body().catch(() => Buffer.alloc(0))).length;
      hosts.add(new URL(r.url()).host);
      const key = type === 'document' ? 'html' : type === 'stylesheet' ? 'css'
        : type === 'script' ? 'js' : type === 'image' ? 'image' : 'other';
      bytes[key] += size;
    }
    const inline = await page.evaluate(() => ({
      inlineScriptBytes: [...document.scripts].filter((s) => !s.src).reduce((n, s) => n + s.text.length, 0),
      styleSheets: document.styleSheets.length,
      styleElements: document.querySelectorAll('style').length,
    }));
    out.budget = {
      ...bytes, ...inline, hosts: [...hosts],
      totalWithoutImages: bytes.html + bytes.css + bytes.js + bytes.other,
    };
    await ctx.close();
  }

  // The print stylesheet, on a 条例 and an article.
  for (const path of ['/rules/wen-ming-xing-wei-cu-jin-tiao-li/', article]) {
    const ctx = await context(browser, { width: 1366, mode: 'elder' });
    const page = await ctx.newPage();
    await page.goto(base + path);
    await page.emulateMedia({ media: 'print' });
    out.print[path] = await page.evaluate(() => {
      const shown = (sel) => [...document.querySelectorAll(sel)].some((e) => e.checkVisibility());
      return {
        hidden: ['.site-nav', '.header-tools', '.breadcrumb', '.prev-next', '.toc', '.skip-link']
          .filter((s) => document.querySelector(s) && shown(s)),
        contentShown: shown('.content'),
        urlShown: shown('.print-only'),
        colour: getComputedStyle(document.querySelector('.content')).color,
        fontSize: getComputedStyle(document.querySelector('.content p')).fontSize,
        fontFamily: getComputedStyle(document.querySelector('.content p')).fontFamily,
      };
    });
    const pdf = await page.pdf({ format: 'A4' });
    out.print[path].pdfBytes = pdf.length;
    await ctx.close();
  }

  // Screenshots for a person to look at: home and an article, on a phone, in both modes.
  mkdirSync(shots, { recursive: true });
  for (const mode of ['normal', 'elder']) {
    const ctx = await context(browser, { width: 375, mode });
    const page = await ctx.newPage();
    for (const [name, path] of [['home', '/'], ['article', article]]) {
      await page.goto(base + path);
      const file = `${shots}/${name}-375-${mode}.png`;
      await page.screenshot({ path: file, fullPage: true });
      out.screenshots.push(file);
    }
    await ctx.close();
  }
  report(out);
} finally {
  await browser.close();
}
