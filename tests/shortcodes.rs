//! Shortcodes from editor to page: fixture sites under `tests/fixtures/shortcodes/` built with
//! the binary, asserting the exact HTML of each use (built-in `tip`, `figure`, `video` and
//! a site's own templates, with the context they get), that code, escapes and template syntax
//! stay text, that hostile arguments and forged tokens inject nothing, and the exact message
//! of every syntax and template error.

mod common;

use common::{build, errors_only, read, temp};
use wenming::markdown::{MarkdownOptions, render};

#[test]
fn shortcodes_render_with_their_arguments_body_and_page() {
    let out = temp();
    let run = build("shortcodes/site", out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(out.path(), "all/index.html"), ALL_HTML);
}

const ALL_HTML: &str = "<p>开头一段，行内徽章 <span class=\"badge\">新·1</span> 和 <span class=\"badge\">热·2</span>。</p>
<div class=\"tip\" role=\"note\">
<p class=\"tip-title\">温馨提示</p>
<p>垃圾要<strong>分类</strong>投放，详见<a href=\"/qy/all/#小节\">本页</a>。</p>
<figure class=\"figure\">
<img src=\"/qy/images/chart.svg\" alt=\"分类投放示意图\" width=\"300\" height=\"150\" loading=\"lazy\">
<figcaption>图 1　分类投放</figcaption>
</figure>
</div>
<div class=\"card\" data-nth=\"1\">卡片|3|0.5|true|全部用法|/qy/all/|https://wm.example.gov.cn/qy/all/|all.md|短代码测试站
<h2 id=\"小节\">小节</h2>
<p>卡片里的文字。</p>
</div>
<p>写法示例：<code>{{&lt; tip &gt;}}</code> 和 {{&lt; tip title=\"提示\" &gt;}}，模板语法 {{ config.title }} 原样显示。</p>
<pre><code>{{&lt; figure src=\"/a.png\" alt=\"代码块里\" &gt;}}
</code></pre>

<figure class=\"video\">
<video controls preload=\"none\" src=\"/qy/videos/intro.mp4\" poster=\"/qy/images/chart.svg\" aria-label=\"栖云市文明城市宣传片\">
<p>您的浏览器无法播放视频，请<a href=\"/qy/videos/intro.mp4\" download>下载视频“栖云市文明城市宣传片”</a>（MP4）观看。</p>
</video>
<figcaption>栖云市文明城市宣传片</figcaption>
</figure>

";

#[test]
fn hostile_arguments_and_forged_tokens_inject_nothing() {
    let out = temp();
    let run = build("shortcodes/site", out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(out.path(), "hostile/index.html");
    assert_eq!(
        html,
        "<figure class=\"figure\">
<img src=\"#\" alt=\"&lt;script&gt;alert(1)&lt;/script&gt;\" loading=\"lazy\">
<figcaption>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</figcaption>
</figure>
<span class=\"badge\">&lt;b onclick=alert(1)&gt;粗&lt;/b&gt;·1</span>
<p>\"wm-sc-0000000000000000-0\" <a title=\"&quot;wm-sc-0000000000000000-0&quot;\">链接</a> </p>
<div class=\"tip\" role=\"note\">
<p class=\"tip-title\">提示</p>
<p><img src=\"x\"> <a>点</a></p>
</div>
<figure class=\"video\">
<video controls preload=\"none\" src=\"/qy/v.mp4\" aria-label=\"宣传片\">
<track kind=\"captions\" src=\"#\" srclang=\"zh\" label=\"中文字幕\" default>
<p>您的浏览器无法播放视频，请<a href=\"/qy/v.mp4\" download>下载视频“宣传片”</a>（MP4）观看。</p>
</video>
<figcaption>宣传片</figcaption>
</figure>

"
    );
    assert_eq!(wenming::fuzz::unsafe_markup(&html), None);
}

/// An editor who copies a page's real token into the page (as text, in an attribute, as
/// character references) changes the page, and so its key: nothing is replaced but the call.
#[test]
fn a_token_copied_into_the_page_is_text() {
    let r = render("{{< x >}}", MarkdownOptions::default());
    let token = r.html.trim().to_string();
    assert!(token.starts_with("\"wm-sc-"), "{token}");
    let encoded: String = token.chars().map(|c| format!("&#{};", c as u32)).collect();
    for unsafe_html in [false, true] {
        let forged = format!("{token}\n\n<b title='{token}'>b</b> {encoded}\n\n{{{{< x >}}}}\n",);
        let r = render(
            &forged,
            MarkdownOptions {
                unsafe_html,
                articles: false,
            },
        );
        let out = r.shortcodes.substitute(&r.html, &["<OUTPUT>".to_string()]);
        assert_eq!(out.matches("<OUTPUT>").count(), 1, "{out}");
        assert!(out.ends_with("<OUTPUT>\n"), "{out}");
    }
}

#[test]
fn syntax_errors_name_file_line_column_and_what_to_write() {
    let out = temp();
    let run = build("shortcodes/syntax", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/args.md:4:5: 短代码名称“Tip”无效：只能用小写英文字母、数字、_ 和 -
    提示：短代码写作 {{< 名称 参数=\"值\" >}}，以 >}} 结束；要显示“{{<”本身，请写 {{</* 名称 */>}}
错误：content/args.md:6:15: 短代码 tip 的参数“title”用了中文引号
    提示：请改用英文双引号，例如 title=\"温馨提示\"
错误：content/args.md:8:16: 短代码 figure 的参数“alt”的值“河道”要加英文双引号
    提示：文字放在英文双引号里，例如 title=\"温馨提示\"；不加引号的只能是数字、true 或 false
错误：content/args.md:10:12: 短代码 figure 的参数“src”后面缺少“=”
    提示：参数写作 名称=\"值\"，等号两边不要有空格
错误：content/args.md:12:25: 短代码 figure 的参数“src”重复
    提示：每个参数只写一次
错误：content/args.md:14:10: 短代码 card 的参数名“body”是保留的
    提示：换一个参数名；body、nth、page、config 由 wenming 提供给模板
错误：content/args.md:16:12: 短代码 figure 的参数名“Src”无效：只能用小写英文字母、数字、_ 和 -
    提示：短代码写作 {{< 名称 参数=\"值\" >}}，以 >}} 结束；要显示“{{<”本身，请写 {{</* 名称 */>}}
错误：content/args.md:18:15: 短代码 tip 的参数“title”的引号没有结束
    提示：在值的末尾加上英文双引号 \"；值里的双引号写作 \\\"
错误：content/close.md:6:1: 结束标记 {{< /note >}} 与前面未结束的 {{< tip >}} 不匹配
    提示：应写作 {{< /tip >}}
错误：content/deep.md:12:1: 短代码嵌套超过 8 层
    提示：一个短代码里最多再套 7 层短代码；请把内容拆开
错误：content/html.md:4:18: 短代码不能写在 HTML 代码里
    提示：在 HTML 前后各空一行，把短代码写在 HTML 之外
错误：content/link.md:4:8: 短代码不能写在链接地址、图片说明或 HTML 代码里
    提示：把短代码写在正文文字中，或单独写在一行
错误：content/stray.md:6:1: 结束标记 {{< /tip >}} 前面没有对应的 {{< tip >}}
    提示：检查名称是否写错；成对的短代码写作 {{< tip >}}…{{< /tip >}}
错误：content/unclosed.md:6:1: 短代码“{{<”没有用“>}}”结束
    提示：短代码写作 {{< 名称 参数=\"值\" >}}，以 >}} 结束；要显示“{{<”本身，请写 {{</* 名称 */>}}
构建失败：共 14 个错误，输出目录保持不变。
"
    );
}

#[test]
fn unknown_names_pairing_and_template_errors_name_the_call_and_the_template() {
    let out = temp();
    let run = build("shortcodes/render", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(errors_only(&run.stderr), "错误：content/pairs.md:4:1: 短代码 tip 没有结束标记 {{< /tip >}}
    提示：tip 要成对使用：在内容之后写 {{< /tip >}}
错误：content/pairs.md:6:1: 短代码 figure 不能成对使用：它的模板不显示中间的内容
    提示：删掉 {{< /figure >}}，把内容写在短代码之外
错误：content/template.md:4:1: 短代码 figure 的模板出错：figure 短代码缺少 alt：用一句话说明图片的内容，例如 alt=\"志愿者在河边清理垃圾\"
    提示：出错的模板：(内置 default 主题)/themes/default/templates/shortcodes/figure.html:7:21
错误：content/template.md:6:1: 短代码 broken 的模板出错：Variable `missing` is not defined. Available variables: config, nth, page
    提示：出错的模板：templates/shortcodes/broken.html:1:7
错误：content/template.md:8:1: 短代码 video 的模板出错：video 短代码只能播放本站的 MP4 文件：把视频放进 static/ 或页面包，src 写作 /videos/名称.mp4
    提示：出错的模板：(内置 default 主题)/themes/default/templates/shortcodes/video.html:7:117
错误：content/unknown.md:4:1: 未知的短代码“vidoe”
    提示：是否想写“video”？可用的短代码有：broken, figure, tip, video
错误：content/unknown.md:6:1: 未知的短代码“zzz”
    提示：可用的短代码有：broken, figure, tip, video；新的短代码放在 templates/shortcodes/名称.html
构建失败：共 7 个错误，输出目录保持不变。
");
}
