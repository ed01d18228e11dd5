//! `wenming import FILE.docx --section SECTION`: documents written the way Word, WPS and
//! LibreOffice write them become draft page bundles with the exact Markdown below, their
//! pictures beside them and their tail lines as front matter; bad input is refused with a
//! clear message and nothing written; the new page is checked like any page.
//!
//! The .docx fixtures are made by `tests/fixtures/import/make.py`.

mod common;

use std::io::Read;
use std::path::Path;

use common::{Run, files, fixture, fixture_copy, wenming_at};

const NOW: &str = "2026-11-21 10:00";

fn docx(name: &str) -> String {
    fixture("import").join(name).to_string_lossy().into_owned()
}

fn import(site: &Path, file: &str, extra: &[&str]) -> Run {
    let file = docx(file);
    let root = site.to_string_lossy().into_owned();
    let mut args = vec!["import", file.as_str(), "--root", root.as_str()];
    args.extend_from_slice(extra);
    wenming_at(NOW, &args)
}

/// The bytes of `part` in fixture `file`.
fn part(file: &str, part: &str) -> Vec<u8> {
    let bytes = std::fs::read(docx(file)).expect("fixture");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut entry = archive.by_name(part).expect("the part");
    let mut out = Vec::new();
    entry.read_to_end(&mut out).expect("readable");
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const DRAFT_LINE: &str = "这是一篇草稿（draft: true），请对照原文核对，用 wenming build --drafts 预览；确认无误后删除 draft 一行再发布。\n";

#[test]
fn a_word_document_becomes_a_draft_bundle_with_its_tail_lines_as_front_matter() {
    let site = fixture_copy("import/site");
    let run = import(
        site.path(),
        "word.docx",
        &["--section", "news", "--kind", "story"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let folder = "content/news/xue-lei-feng-zhi-yuan-fu-wu-huo-dong-zou-jin-wang-hu-she-qu";
    assert_eq!(
        run.stdout,
        format!("已导入：{folder}/index.md（草稿）\n图片：1 张，保存在 {folder}/\n{DRAFT_LINE}")
    );
    assert_eq!(
        run.stderr,
        format!(
            "警告：1 张图片的说明文字是占位的“图片1”，发布前必须改为描述图片内容的文字（看不见图片的读者用读屏软件听到的就是它）\n\
             检查发现 1 个问题（与 wenming check 相同的规则）：\n\
             错误：{folder}/index.md:26:6: 链接 https://wenming.qiyun.example.gov.cn/huodong/ 指向的地址不存在 [link-broken]\n    \
             提示：检查网址拼写；站内页面建议写成 @/ 加 content/ 下的文件路径，例如 @/news/a.md，改名后也不会断\n"
        )
    );
    let dir = site.path().join(folder);
    assert_eq!(files(&dir), ["index.md", "tu-pian-1.png"]);
    assert_eq!(
        std::fs::read(dir.join("tu-pian-1.png")).expect("picture"),
        part("word.docx", "word/media/image1.png")
    );
    assert_eq!(
        read(&dir.join("index.md")),
        "---
title: 学雷锋志愿服务活动走进望湖社区
date: 2026-03-05
draft: true
kind: story
author: 李明
source: 栖云日报
editor: 王芳
extra:
  correspondent: 赵六
---

3月5日上午，**蓝天志愿服务队**的*30余名*志愿者来到望湖社区[^1]，为居民提供便民服务。

## 一、活动内容

- 义务理发
- 家电维修
  - 免费测量血压

### 报名方式

1. 关注“栖云文明”公众号
2. 填写报名表，注明**姓名**和服务项目

详情请访问[栖云文明网](https://wenming.qiyun.example.gov.cn/huodong/)。

![图片1](tu-pian-1.png)

注：带\\*号的为必填项。

| 服务项目 | 人次 |
| --- | --- |
| 义务理发 | 45 |
| 家电维修 | 12 |

[^1]: 望湖社区位于云栖区东部。
"
    );
    // The draft is left out of a normal build and shown with --drafts.
    let out = common::temp();
    let root = site.path().to_string_lossy().into_owned();
    let output = out.path().to_string_lossy().into_owned();
    let built = wenming_at(
        NOW,
        &["build", "--root", &root, "--output", &output, "--drafts"],
    );
    assert_eq!(built.code, 0, "{}", built.stderr);
    let html = read(
        &out.path()
            .join("news/xue-lei-feng-zhi-yuan-fu-wu-huo-dong-zou-jin-wang-hu-she-qu/index.html"),
    );
    assert!(
        html.contains("<p>3月5日上午，<strong>蓝天志愿服务队</strong>的<em>30余名</em>志愿者"),
        "{html}"
    );
    // The picture is published like any photo: a copy under a fingerprinted name.
    assert!(
        html.contains("<img src=\"tu-pian-1.4.6978ed7f.png\" alt=\"图片1\""),
        "{html}"
    );
}

#[test]
fn a_wps_document_takes_its_title_from_the_first_line_and_reads_fields_and_vml_pictures() {
    let site = fixture_copy("import/site");
    let run = import(site.path(), "wps.docx", &["--section", "stories"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let folder = "content/stories/qi-yun-shi-zhao-kai-chuang-wen-gong-zuo-tui-jin-hui";
    assert_eq!(
        run.stdout,
        format!("已导入：{folder}/index.md（草稿）\n图片：2 张，保存在 {folder}/\n{DRAFT_LINE}")
    );
    assert_eq!(
        run.stderr,
        "警告：文档中有 1 个文本框，其中的文字没有导入，请对照原文补上\n\
         警告：2 张图片的说明文字是占位的“图片1”“图片2”，发布前必须改为描述图片内容的文字（看不见图片的读者用读屏软件听到的就是它）\n"
    );
    let dir = site.path().join(folder);
    // The picture in mc:AlternateContent is saved once, not once more for its VML fallback.
    assert_eq!(files(&dir), ["index.md", "tu-pian-1.gif", "tu-pian-2.png"]);
    assert_eq!(
        std::fs::read(dir.join("tu-pian-1.gif")).expect("picture"),
        part("wps.docx", "word/media/image1.gif")
    );
    assert_eq!(
        std::fs::read(dir.join("tu-pian-2.png")).expect("picture"),
        part("wps.docx", "word/media/image2.png")
    );
    assert_eq!(
        read(&dir.join("index.md")),
        "---
title: 栖云市召开创文工作推进会
date: 2026-11-20
draft: true
author: 张伟
source: 栖云市文明办
---

11月20日，**全市创建全国文明城市工作推进会**召开。

## 会议要求

3. 补齐短板
4. 压实责任

### 重点任务

会议通报了第三季度测评情况，详见[市政府网站](https://www.qiyun.example.gov.cn/)。

![图片1](tu-pian-1.gif)会场![图片2](tu-pian-2.png)

普通文字不加粗
"
    );
}

#[test]
fn a_libreoffice_document_keeps_merged_cells_notes_and_says_what_it_left_out() {
    let site = fixture_copy("import/site");
    let run = import(site.path(), "libreoffice.docx", &["--section", "news/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let folder = "content/news/yun-qi-qu-wen-ming-shi-jian-zhan-kai-fang-shi-jian-tiao-zheng";
    assert_eq!(
        run.stdout,
        format!("已导入：{folder}/index.md（草稿）\n{DRAFT_LINE}")
    );
    assert_eq!(
        run.stderr,
        "警告：文档中有一张 EMF 格式的图片，浏览器无法显示，没有导入：请在 Word 中把它另存为 JPG 或 PNG 图片后放入页面文件夹\n"
    );
    let dir = site.path().join(folder);
    assert_eq!(files(&dir), ["index.md"]);
    assert_eq!(
        read(&dir.join("index.md")),
        "---
title: 云栖区文明实践站开放时间调整
date: 2026-11-18
draft: true
source: 云栖区融媒体中心
editor: 孙丽
extra:
  correspondent: 周八
---

自12月1日起，区内各新时代文明实践站开放时间调整如下。

## 开放时间

| 站点 | 工作日 | 周末 |
| --- | --- | --- |
| 梧桐街道站 | 8:30-17:30 | 9:00-16:00 |
| | 全天开放（A\\|B 班轮值） | |

### 注意事项

- 节假日安排另行通知[^1]
- 咨询电话见[区政府网站](https://www.yunqi.example.gov.cn/)[^2]

（此处原有一张图片，未能导入：EMF 格式，浏览器无法显示）

欢迎居民前来参加活动。

[^1]: 春节期间暂停开放。

[^2]: 区文明办 0000-82100011。
"
    );
}

#[test]
fn personal_data_and_typos_in_a_document_are_reported_after_import() {
    let site = fixture_copy("import/site");
    let run = import(site.path(), "pii.docx", &["--section", "news"]);
    assert_eq!(run.code, 0, "the page is a draft: {}", run.stderr);
    assert_eq!(
        run.stderr,
        "检查发现 2 个问题（与 wenming check 相同的规则）：\n\
         错误：content/news/zhi-yuan-zhe-zhao-mu/index.md:7:12: 发现未脱敏的手机号 139****5678 [pii-mobile]\n    \
         提示：改为 139****5678（模板中可用 mask 过滤器）；确需公开，请在 waive 中写明 pii-mobile 的理由\n\
         错误：content/news/zhi-yuan-zhe-zhao-mu/index.md:9:5: “再接再励”是错别字 [term-typo]\n    \
         提示：改为“再接再厉”\n"
    );
    // No date line: today's date, as `wenming new` writes it.
    assert_eq!(
        read(
            &site
                .path()
                .join("content/news/zhi-yuan-zhe-zhao-mu/index.md")
        ),
        "---\ntitle: 志愿者招募\ndate: 2026-11-21 10:00\ndraft: true\n---\n\n报名请联系李老师，电话13912345678。\n\n希望大家再接再励，踊跃报名。\n"
    );
}

/// Imports `file` and expects it refused with `message` on stderr, the site unchanged.
fn refused(file: &str, extra: &[&str], message: &str) {
    let site = fixture_copy("import/site");
    let before = files(site.path());
    let run = import(site.path(), file, extra);
    assert_eq!(run.code, 1, "{file}: {}", run.stderr);
    assert_eq!(run.stdout, "", "{file}");
    assert_eq!(
        run.stderr,
        format!("{message}\n导入失败，没有写入任何文件。\n"),
        "{file}"
    );
    assert_eq!(files(site.path()), before, "{file}: nothing written");
}

const SAVE_AS: &str = "    提示：在 Word 或 WPS 中打开，点“文件→另存为”，保存类型选“Word 文档（*.docx）”，再导入新保存的文件";

#[test]
fn bad_input_is_refused_with_a_clear_message_and_nothing_written() {
    let news = ["--section", "news"];
    refused(
        "not-a-zip.docx",
        &news,
        &format!(
            "错误：{}: 不是 Word 文档（.docx）：文件内容不是 .docx 格式\n{SAVE_AS}",
            docx("not-a-zip.docx")
        ),
    );
    refused(
        "old.doc",
        &news,
        &format!(
            "错误：{}: 这是旧版 Word 文档（.doc），wenming 只能导入 .docx 格式\n{SAVE_AS}",
            docx("old.doc")
        ),
    );
    refused(
        "encrypted.docx",
        &news,
        &format!(
            "错误：{}: 文档设置了打开密码（已加密），无法读取其中的内容\n    提示：在 Word 中点“文件→信息→保护文档→用密码进行加密”，清空密码；WPS 中点“文件→文档加密→密码加密”，清空密码；保存后再导入",
            docx("encrypted.docx")
        ),
    );
    refused(
        "bomb.docx",
        &news,
        &format!(
            "错误：{}: 文档超出导入的限制（其中 word/document.xml 解压后有 65 MB，上限 64 MB），可能已损坏或不是正常的 Word 文档，未导入\n    提示：在 Word 或 WPS 中打开文档，另存为一个新的 .docx 后再导入；照片可以另外发送",
            docx("bomb.docx")
        ),
    );
    // Headers that claim a small part: the inflating stops at the claimed size.
    refused(
        "bomb-lying.docx",
        &news,
        &format!(
            "错误：{}: 不是 Word 文档（.docx）：其中 word/document.xml 已损坏（File is larger than its declared uncompressed size）\n{SAVE_AS}",
            docx("bomb-lying.docx")
        ),
    );
    // Encrypted zip entries (not Office's own encryption, which is an OLE file).
    refused(
        "zip-encrypted.docx",
        &news,
        &format!(
            "错误：{}: 文档设置了打开密码（已加密），无法读取其中的内容\n    提示：在 Word 中点“文件→信息→保护文档→用密码进行加密”，清空密码；WPS 中点“文件→文档加密→密码加密”，清空密码；保存后再导入",
            docx("zip-encrypted.docx")
        ),
    );
    refused(
        "external-image.docx",
        &news,
        &format!(
            "错误：{}: 文档中有图片只是链接到外部文件（file:///C:/Users/admin/Pictures/IMG_0001.JPG），图片本身不在文档里，无法导入\n    提示：在 Word 中点“文件→信息→编辑指向文件的链接”，选中链接后点“断开链接”（或删除该图片后用“插入→图片”重新插入），保存后再导入",
            docx("external-image.docx")
        ),
    );
}

#[test]
fn an_existing_page_is_never_overwritten() {
    // A page file with the slug the title gives.
    refused(
        "wps.docx",
        &["--section", "news"],
        "错误：content/news/qi-yun-shi-zhao-kai-chuang-wen-gong-zuo-tui-jin-hui.md: 同名页面已存在（标题“栖云市召开创文工作推进会”），未做任何修改\n    \
         提示：如果是同一篇稿件，直接编辑已有的页面；如果是另一篇，先在 Word 中修改标题（文件→属性中的标题，或第一行）再导入",
    );
    // The same document imported twice: the first page, as edited, stays.
    let site = fixture_copy("import/site");
    assert_eq!(
        import(site.path(), "word.docx", &["--section", "news"]).code,
        0
    );
    let page = site
        .path()
        .join("content/news/xue-lei-feng-zhi-yuan-fu-wu-huo-dong-zou-jin-wang-hu-she-qu/index.md");
    std::fs::write(&page, "---\ntitle: 已编辑\n---\n").expect("edit");
    let before = files(site.path());
    let again = import(site.path(), "word.docx", &["--section", "news"]);
    assert_eq!(again.code, 1);
    assert_eq!(
        again.stderr,
        "错误：content/news/xue-lei-feng-zhi-yuan-fu-wu-huo-dong-zou-jin-wang-hu-she-qu: 同名页面已存在（标题“学雷锋志愿服务活动走进望湖社区”），未做任何修改\n    \
         提示：如果是同一篇稿件，直接编辑已有的页面；如果是另一篇，先在 Word 中修改标题（文件→属性中的标题，或第一行）再导入\n\
         导入失败，没有写入任何文件。\n"
    );
    assert_eq!(read(&page), "---\ntitle: 已编辑\n---\n");
    assert_eq!(files(site.path()), before);
}

#[test]
fn the_section_must_be_a_folder_of_content_and_the_kind_a_page_kind() {
    refused(
        "word.docx",
        &["--section", "huodong"],
        "错误：content/huodong: 栏目文件夹不存在\n    提示：可用的栏目：news、stories",
    );
    refused(
        "word.docx",
        &["--section", "../news"],
        "错误：content: --section “../news”不是 content/ 下的文件夹名\n    提示：可用的栏目：news、stories",
    );
    refused(
        "word.docx",
        &["--section", "news/wen-ming-zhan-lan"],
        "错误：content/news/wen-ming-zhan-lan: 这是一篇页面的文件夹（其中有 index.md），不是栏目\n    提示：--section 写栏目文件夹，例如这篇页面所在的栏目",
    );
    refused(
        "word.docx",
        &["--section", ".git"],
        "错误：content: --section “.git”不是 content/ 下的文件夹名\n    提示：可用的栏目：news、stories",
    );
    let site = fixture_copy("import/site");
    let run = import(
        site.path(),
        "word.docx",
        &["--section", "news", "--kind", "directory"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("错误：参数 --kind <类型> 的值“directory”无效\n可选的值：story、rule、progress、notice、ranking、quiz\n"),
        "{}",
        run.stderr
    );
}
