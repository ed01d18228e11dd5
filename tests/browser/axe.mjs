// Runs axe-core's WCAG 2.1 A and AA rules on every page of pages.mjs, in both reading modes and
// at both widths, in one browser. Usage: node axe.mjs BASE_URL
// Prints {checked, violations: [{page, mode, width, rule, impact, help, targets}]}, plus
// `notElder` for any visit where 长辈模式 did not actually apply.
import { createRequire } from 'node:module';
import { launch, report } from './lib.mjs';
import { pages, modes, widths, context } from './pages.mjs';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const base = process.argv[2].replace(/\/$/, '');
const browser = await launch();
const violations = [];
const notElder = [];
let checked = 0;
try {
  for (const mode of modes) {
    for (const width of widths) {
      const ctx = await context(browser, { width, mode });
      const page = await ctx.newPage();
      for (const path of pages) {
        await page.goto(base + path, { waitUntil: 'load' });
        const elder = await page.evaluate(() => document.documentElement.classList.contains('elder'));
        if (elder !== (mode === 'elder')) notElder.push({ page: path, mode, width });
        await page.addScriptTag({ path: axePath });
        const result = await page.evaluate(() => window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
          resultTypes: ['violations'],
        }));
        for (const v of result.violations) {
          violations.push({
            page: path, mode, width, rule: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary}`),
          });
        }
        checked += 1;
      }
      await ctx.close();
    }
  }
  report({ checked, violations, notElder });
} finally {
  await browser.close();
}
