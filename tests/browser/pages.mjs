// The demo-site pages the accessibility and theme tests visit: the home page, every section
// list, one page of each content kind (and of each state a kind can be in), taxonomy pages
// and the 404 page. One line per page; add a page here and every test sees it.
export const pages = [
  '/', //                                              home
  '/news/', //                                         section lists
  '/news/page/2/', //                                  a second pager
  '/notices/',
  '/progress/', //                                     with the progress dashboard
  '/rankings/',
  '/rules/',
  '/stories/',
  '/about/', //                                        a page without a kind
  '/news/hong-hei-bang-2026-04/', //                   an article with a 更正说明
  '/stories/he-dao-shou-hu-zhe/', //                   story (a page bundle with an image)
  '/rules/wen-ming-xing-wei-cu-jin-tiao-li/', //       rule in force, with chapters
  '/rules/la-ji-fen-lei-tou-fang-zhi-yin-2025/', //    rule no longer in force
  '/progress/2026-di-6-qi/', //                        progress announcement
  '/notices/xue-lei-feng-tong-zhi/', //                notice, expired
  '/rankings/2026-w43/', //                            ranking (红黑榜)
  '/wen-da/chuang-wen-zhi-shi-wen-da-2026/', //        quiz (知识问答)
  '/zhen-di/', //                                      directory of 新时代文明实践 阵地
  '/tags/', //                                         taxonomy list
  '/tags/xue-lei-feng/', //                            taxonomy term
  '/404.html', //                                      not found
  '/sitemap/', //                                      the site map (网站地图)
  '/search/?q=%E6%96%87%E6%98%8E', //                  search results for 文明
];

// The two reading modes: the default, and 长辈模式 (set as a returning reader would have it).
export const modes = ['normal', 'elder'];

// Phone and desktop widths.
export const widths = [375, 1366];

// Opens a browser context in `mode`: 长辈模式 is switched on the way the toggle stores it.
export async function context(browser, { width, mode, javaScript = true, height = 800 }) {
  const ctx = await browser.newContext({
    viewport: { width, height },
    javaScriptEnabled: javaScript,
  });
  if (mode === 'elder') {
    await ctx.addInitScript(() => window.localStorage.setItem('wenming-elder', '1'));
  }
  return ctx;
}
