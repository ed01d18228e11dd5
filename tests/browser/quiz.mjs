// Answers a 知识问答 quiz in Chromium as a reader would, and reports what the page shows:
// once all right (with the keyboard), once partly wrong (with clicks), once unanswered, and
// once without JavaScript. Usage: node quiz.mjs URL (a page-quiz.html page)
import { launch, report } from './lib.mjs';

const url = process.argv[2];
const origin = new URL(url).origin;

// What the reader sees after 交卷: the live region, each question's feedback, which answers
// are unfolded.
function state(page) {
  return page.evaluate(() => {
    const result = document.querySelector('form.quiz .quiz-result');
    const questions = [...document.querySelectorAll('fieldset.quiz-question')];
    return {
      live: {
        role: result.getAttribute('role'),
        ariaLive: result.getAttribute('aria-live'),
        text: result.textContent,
        paragraphs: [...result.querySelectorAll('p')].map((p) => p.textContent),
        links: [...result.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      },
      feedback: questions.map((q) => {
        const f = q.querySelector('.quiz-feedback');
        return f.hidden ? null : f.textContent;
      }),
      open: questions.map((q) => q.querySelector('details').open),
      classes: questions.map((q) => q.className),
    };
  });
}

const browser = await launch();
try {
  const errors = [];
  const foreign = [];
  const requests = [];
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', (r) => {
    requests.push(r.method() + ' ' + r.url());
    if (!r.url().startsWith(origin)) foreign.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  const scripted = await page.evaluate(() => ({
    button: !document.querySelector('.quiz-submit').hidden,
    hint: !document.querySelector('.quiz-scripted').hidden,
  }));

  // All right, with the keyboard only: Space picks the focused option, Enter on 交卷 submits.
  const loaded = requests.length;
  await page.focus('#q1-1');
  await page.keyboard.press('Space');
  for (const id of ['#q2-1', '#q2-2', '#q2-4']) {
    await page.focus(id);
    await page.keyboard.press('Space');
  }
  await page.focus('#q3-1');
  await page.keyboard.press('ArrowDown'); // moves to, and picks, option B of the radio group
  await page.focus('.quiz-submit');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.quiz-result').textContent !== '');
  const right = await state(page);

  // Partly wrong, with clicks: question 1 wrong, question 2 half right, question 3 kept.
  await page.click('label[for="q1-2"]');
  await page.click('label[for="q2-4"]'); // unticks D: A and B are not enough
  await page.click('.quiz-submit');
  await page.waitForFunction(() => document.querySelector('.quiz-result').textContent.startsWith('得分 1/'));
  const wrong = await state(page);
  // Scoring asks nothing of the server: no request between loading and here (but the
  // favicon, which Chromium itself fetches some time after the page has loaded).
  const sent = requests.slice(loaded).filter((r) => !r.endsWith('/favicon.svg'));

  // Nothing answered.
  await page.goto(url, { waitUntil: 'load' });
  await page.click('.quiz-submit');
  await page.waitForFunction(() => document.querySelector('.quiz-result').textContent !== '');
  const empty = await state(page);

  // Without JavaScript: no button, and every answer is in its <details>.
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const plain = await ctx.newPage();
  await plain.goto(url, { waitUntil: 'load' });
  const withoutJs = await plain.evaluate(() => ({
    buttonVisible: !!document.querySelector('.quiz-submit').offsetParent,
    hintVisible: !!document.querySelector('.quiz-scripted').offsetParent,
    details: document.querySelectorAll('fieldset details').length,
  }));
  await plain.click('#q-3 summary');
  withoutJs.opened = await plain.evaluate(() => document.querySelector('#q-3 details').open);
  withoutJs.answer = await plain.evaluate(() => document.querySelector('#q-3 details p').innerText);
  await ctx.close();

  report({ scripted, right, wrong, empty, sent, withoutJs, errors, foreign });
} finally {
  await browser.close();
}
