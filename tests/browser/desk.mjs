// The editor's desk in a real Chromium, driven by the labels editors see (the contract of
// issue 16): 新建稿件 in 创文动态 with the toolbar and the live preview, 保存, an edit, the
// stale-save conflict, a forged POST, 插入图片 with 图片说明, 导入Word文档, the 三审 buttons,
// 发布, and restoring a version from 历史版本; axe-core's WCAG 2.1 A/AA rules and no sideways
// scrolling at 375 px on the desk's pages, at normal and 200% text.
// Usage: node desk.mjs DESK_URL SITE_ROOT WORD_FILE [SCREENSHOT_DIR]
// Prints {steps: {...}, violations: [...], overflow: [...], errors: [...]}.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { launch, report } from './lib.mjs';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const [deskUrl, root, wordFile, shots] = process.argv.slice(2);
const timeout = 15000;
const out = { steps: {}, violations: [], overflow: [], errors: [] };

// A 40×30 PNG, red: small, real, made here.
function png() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const [w, h] = [40, 30];
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows = [];
  for (let y = 0; y < h; y++) rows.push(Buffer.from([0, ...Array(w).fill([183, 28, 28]).flat()]));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (e) => out.errors.push(String(e)));
  const shot = async (name) => {
    if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
  };
  const audit = async (name) => {
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }));
    for (const v of result.violations) {
      out.violations.push({ page: name, rule: v.id, targets: v.nodes.map((n) => n.target.join(' ')) });
    }
  };

  // 列表 → 新建稿件
  await page.goto(deskUrl, { waitUntil: 'load' });
  await shot('list');
  await audit('列表');
  await page.getByRole('link', { name: '新建稿件' }).first().click();
  // Another 栏目 brings its own fields at once, saving nothing.
  await page.getByLabel('栏目', { exact: true }).selectOption({ label: '志愿服务' });
  await page.getByLabel('服务时长（小时）').waitFor();
  out.steps.switched = await page.getByText('已换到栏目“志愿服务”').count();
  await page.getByLabel('栏目', { exact: true }).selectOption({ label: '创文动态' });
  await page.getByText('已换到栏目“创文动态”').waitFor();
  await page.goto(`${deskUrl}new`, { waitUntil: 'load' });
  out.steps.defaultSection = await page.getByLabel('栏目', { exact: true }).inputValue();
  await page.getByLabel('标题', { exact: true }).fill('文明餐桌行动启动');
  const body = page.getByLabel('正文', { exact: true });
  await body.fill('全市餐饮单位倡导光盘行动。\n\n## 活动安排\n\n- 发放倡议书\n- 评选文明餐桌示范店\n');
  await body.evaluate((area) => area.setSelectionRange(0, 13));
  await page.getByRole('button', { name: '加粗' }).click();
  await page.locator('#preview strong').filter({ hasText: '全市餐饮单位倡导光盘行动。' }).waitFor();
  out.steps.previewBold = true;
  await page.getByLabel('栏目', { exact: true }).scrollIntoViewIfNeeded();
  await shot('new');
  await page.evaluate(() => document.getElementById('body').scrollIntoView());
  await shot('new-body');
  await audit('新建稿件');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('已新建稿件（草稿）。').waitFor();
  const rel = new URL(page.url()).searchParams.get('file');
  out.steps.created = rel;
  out.steps.createdText = fs.readFileSync(path.join(root, rel), 'utf8');

  // Edit: 来源
  await page.getByLabel('来源', { exact: true }).fill('示例市文明办');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('已保存。').waitFor();
  out.steps.edited = fs.readFileSync(path.join(root, rel), 'utf8').includes('source: 示例市文明办');
  await audit('编辑');
  await shot('edit');

  // The stale-save conflict: the file changes on disk while the form is open.
  const onDisk = fs.readFileSync(path.join(root, rel), 'utf8');
  const theirs = onDisk.replace('光盘行动', '光盘行动（另一位编辑改的）');
  fs.writeFileSync(path.join(root, rel), theirs);
  await body.fill('我的修改。');
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('冲突：这篇稿件在您打开之后已被修改', { exact: false }).waitFor();
  out.steps.conflict = fs.readFileSync(path.join(root, rel), 'utf8') === theirs;
  await shot('conflict');

  // A forged POST (no token) from the page itself is refused.
  out.steps.forged = await page.evaluate(async () => {
    const r = await fetch('/_desk/new', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'section=news&kind=&f.title=%E4%BC%AA%E9%80%A0&body=x',
    });
    return r.status;
  });

  // 插入图片 with 图片说明
  await page.goto(`${deskUrl}edit?file=${encodeURIComponent(rel)}`, { waitUntil: 'load' });
  await page.getByLabel('选择图片').setInputFiles({ name: '光盘行动.png', mimeType: 'image/png', buffer: png() });
  await page.getByLabel('图片说明').fill('市民在餐馆打包剩菜');
  await page.getByRole('button', { name: '插入图片' }).click();
  await page.getByText('已插入图片并保存。').waitFor();
  const bundled = new URL(page.url()).searchParams.get('file');
  out.steps.picture = {
    page: bundled,
    markdown: fs.readFileSync(path.join(root, bundled), 'utf8').includes('![市民在餐馆打包剩菜](guang-pan-xing-dong.png)'),
    file: fs.existsSync(path.join(root, path.dirname(bundled), 'guang-pan-xing-dong.png')),
  };

  // 三审 and 发布
  for (const level of ['初审', '复审', '终审']) {
    await page.getByLabel('审核人').fill({ 初审: '王芳', 复审: '李强', 终审: '张伟' }[level]);
    await page.getByRole('button', { name: `${level}通过` }).click();
    await page.getByText('已记录审核意见。').waitFor();
  }
  out.steps.reviewed = await page.getByText('初审：已通过　复审：已通过　终审：已通过').count();
  await page.locator('#check-title').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById('check-title').scrollIntoView());
  await shot('review');
  await page.getByRole('button', { name: '发布', exact: true }).click();
  await page.getByText('已发布：稿件不再是草稿。').waitFor();
  out.steps.published = !fs.readFileSync(path.join(root, bundled), 'utf8').includes('draft:');

  // 历史版本: restore the version before 发布.
  await page.getByRole('link', { name: '历史版本' }).first().click();
  await audit('历史版本');
  await page.getByRole('link', { name: '查看' }).first().click();
  await page.getByRole('button', { name: '恢复此版本' }).click();
  await page.getByText('已恢复到所选版本').waitFor();
  out.steps.restored = fs.readFileSync(path.join(root, bundled), 'utf8').includes('draft: true');

  // 导入Word文档
  await page.goto(`${deskUrl}new`, { waitUntil: 'load' });
  await page.getByLabel('导入到栏目').selectOption({ label: '创文动态' });
  await page.getByLabel('导入Word文档').setInputFiles(wordFile);
  await page.getByRole('button', { name: '导入', exact: true }).click();
  await page.getByText('已导入 Word 文档').waitFor();
  out.steps.imported = new URL(page.url()).searchParams.get('file');

  // A phone: nothing scrolls sideways.
  await page.setViewportSize({ width: 375, height: 800 });
  for (const target of ['', 'new', `edit?file=${encodeURIComponent(bundled)}`]) {
    await page.goto(deskUrl + target, { waitUntil: 'load' });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 375) out.overflow.push({ page: target || '列表', width: wide });
  }
  await shot('phone');
  // And at 200% text, as a reader who enlarges the browser's text sees it.
  for (const target of ['', 'new', `edit?file=${encodeURIComponent(bundled)}`]) {
    await page.goto(deskUrl + target, { waitUntil: 'load' });
    // Through the CSSOM: the desk's CSP refuses inline <style>.
    await page.evaluate(() => document.documentElement.style.setProperty('font-size', '200%', 'important'));
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 375) out.overflow.push({ page: `${target || '列表'} 200%`, width: wide });
  }
} catch (e) {
  out.failure = String(e && e.stack || e);
} finally {
  await browser.close();
}
report(out);
