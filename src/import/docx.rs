//! WordprocessingML → a list of blocks (headings, paragraphs, list items, tables) with their
//! inline content (text with bold, italic and links; pictures; note references), the way Word,
//! WPS and LibreOffice write it: heading and title styles by name or outline level, lists from
//! `numbering.xml`, hyperlinks as relationships or `HYPERLINK` fields, pictures as DrawingML
//! or VML, footnotes and endnotes. What cannot become Markdown (text boxes, charts, pictures in
//! formats browsers cannot show) is left out with a warning.

use std::collections::HashMap;

use super::package::Package;
use super::xml::{self, Element};
use crate::error::{Diagnostic, Position};

/// One block of the document body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph in the Title style.
    Title(Vec<Inline>),
    /// A heading; `level` 1 is Word's "heading 1".
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    /// A list item; `depth` 0 is the outermost level.
    Item {
        ordered: bool,
        depth: usize,
        number: u32,
        content: Vec<Inline>,
    },
    /// Rows of cells; merged cells are repeated as empty cells so every row has the grid's
    /// width.
    Table(Vec<Vec<Vec<Inline>>>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(Span),
    /// A picture: index into [`Document::pictures`].
    Picture(usize),
    /// A picture that was not imported, and why (`EMF 格式，浏览器无法显示`).
    Unsupported(String),
    /// A footnote or endnote reference: its number, from 1.
    Note(usize),
    /// A line break inside the paragraph.
    Break,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub link: Option<String>,
}

/// A picture stored in the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// Its part in the zip, e.g. `word/media/image1.png`.
    pub part: String,
    pub bytes: Vec<u8>,
    /// `png`, `jpg`, `gif`, `webp` or `bmp`, from the bytes.
    pub extension: &'static str,
}

/// What was read from a .docx.
#[derive(Debug, Default)]
pub struct Document {
    /// The title property (File → Properties), when set.
    pub property_title: Option<String>,
    pub blocks: Vec<Block>,
    pub pictures: Vec<Picture>,
    /// Footnotes and endnotes in the order of their first reference.
    pub notes: Vec<Vec<Inline>>,
    /// Things that were not imported, in Chinese.
    pub warnings: Vec<String>,
}

/// Plain text of inline content (pictures and notes left out).
pub fn plain_text(content: &[Inline]) -> String {
    content
        .iter()
        .map(|i| match i {
            Inline::Text(s) => s.text.as_str(),
            Inline::Break => "\n",
            _ => "",
        })
        .collect()
}

/// The heading level of a paragraph written as an official document numbers its headings
/// without a heading style (GB/T 9704): `一、总体要求` is a first-level heading, `（一）工作目标`
/// a second-level one. Only a short line of its own counts: a paragraph that goes on after
/// its number (`（一）加强组织领导。各区要……`) or ends as a sentence stays a paragraph.
fn numbered_heading_level(text: &str) -> Option<u8> {
    const NUMERALS: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    let text = text.trim();
    if text.chars().count() > 30 || text.contains('\n') {
        return None;
    }
    if text.ends_with(['。', '；', '，', '：', '.', ';', ',', ':', '？', '！']) {
        return None;
    }
    let numeral_then = |rest: &str, close: char| -> Option<usize> {
        let digits = rest.chars().take_while(|c| NUMERALS.contains(c)).count();
        let after = rest.chars().nth(digits)?;
        let title = rest.chars().skip(digits + 1).collect::<String>();
        (digits > 0 && digits <= 3 && after == close && !title.trim().is_empty()).then_some(digits)
    };
    if numeral_then(text, '、').is_some() {
        Some(1)
    } else if let Some(rest) = text.strip_prefix(['（', '(']) {
        (numeral_then(rest, '）').is_some() || numeral_then(rest, ')').is_some()).then_some(2)
    } else {
        None
    }
}

/// Reads the document in `package`.
pub fn read(package: &mut Package) -> Result<Document, Diagnostic> {
    let main = main_part(package)?;
    let text = package.read_text(&main)?.ok_or_else(|| {
        Diagnostic::new(
            package.shown(),
            "不是 Word 文档（.docx）：文件中没有 Word 文档的正文",
        )
        .hint("在 Word 或 WPS 中打开，点“文件→另存为”，保存类型选“Word 文档（*.docx）”，再导入新保存的文件")
    })?;
    let root = parse_part(package, &main, &text)?;
    drop(text);
    let folder = main.rsplit_once('/').map_or("", |(f, _)| f).to_string();
    let rels = relationships(package, &main)?;
    let styles = match package.read_text(&format!("{folder}/styles.xml"))? {
        Some(t) => Styles::read(&parse_part(package, "styles.xml", &t)?),
        None => Styles::default(),
    };
    let numbering = match package.read_text(&format!("{folder}/numbering.xml"))? {
        Some(t) => Numbering::read(&parse_part(package, "numbering.xml", &t)?),
        None => Numbering::default(),
    };
    let property_title = match package.read_text("docProps/core.xml")? {
        Some(t) => parse_part(package, "docProps/core.xml", &t)?
            .child("title")
            .map(|e| e.text().trim().to_string())
            .filter(|t| !t.is_empty()),
        None => None,
    };
    let mut reader = Reader {
        package,
        folder,
        styles,
        numbering,
        rels,
        doc: Document {
            property_title,
            ..Document::default()
        },
        picture_parts: HashMap::new(),
        note_refs: Vec::new(),
        counters: HashMap::new(),
        skipped_drawings: 0,
        skipped_text_boxes: 0,
        skipped_toc: false,
    };
    let body = root.child("body").ok_or_else(|| {
        Diagnostic::new(
            reader.package.shown(),
            "文档内容损坏：正文（word/document.xml）中没有 body",
        )
    })?;
    let mut blocks = Vec::new();
    reader.body(body, &mut blocks)?;
    reader.doc.blocks = blocks;
    reader.notes()?;
    if reader.skipped_text_boxes > 0 {
        reader.doc.warnings.push(format!(
            "文档中有 {} 个文本框，其中的文字没有导入，请对照原文补上",
            reader.skipped_text_boxes
        ));
    }
    if reader.skipped_drawings > 0 {
        reader.doc.warnings.push(format!(
            "文档中有 {} 个图形或图表（不是图片），没有导入；需要的话请截图后作为图片放入",
            reader.skipped_drawings
        ));
    }
    if reader.skipped_toc {
        reader
            .doc
            .warnings
            .push("文档中自动生成的目录没有导入：网站会根据各级标题自动生成目录".to_string());
    }
    Ok(reader.doc)
}

/// The main document part named by the package relationships (`word/document.xml`).
fn main_part(package: &mut Package) -> Result<String, Diagnostic> {
    if let Some(text) = package.read_text("_rels/.rels")? {
        let root = parse_part(package, "_rels/.rels", &text)?;
        for rel in root.elements() {
            if rel
                .attr("Type")
                .is_some_and(|t| t.ends_with("/officeDocument"))
                && let Some(target) = rel.attr("Target")
            {
                return Ok(resolve("", target));
            }
        }
    }
    Ok("word/document.xml".to_string())
}

fn parse_part(package: &Package, part: &str, text: &str) -> Result<Element, Diagnostic> {
    xml::parse(text).map_err(|e| {
        let at = Position::of_offset(text, e.offset);
        Diagnostic::new(
            package.shown(),
            format!(
                "文档内容损坏：{part} 第 {} 行第 {} 列：{}",
                at.line, at.column, e.reason
            ),
        )
        .hint("在 Word 或 WPS 中打开文档，另存为一个新的 .docx 后再导入")
    })
}

/// `target` of a relationship of a part in `folder`, as a path in the zip.
fn resolve(folder: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        folder.split('/').filter(|p| !p.is_empty()).collect()
    };
    for piece in target.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// A relationship of a part: where it points and whether that is outside the document.
#[derive(Debug, Clone)]
struct Relationship {
    target: String,
    external: bool,
}

/// The relationships of `part` (`word/_rels/document.xml.rels` for `word/document.xml`).
fn relationships(
    package: &mut Package,
    part: &str,
) -> Result<HashMap<String, Relationship>, Diagnostic> {
    let (folder, name) = part.rsplit_once('/').unwrap_or(("", part));
    let rels_part = if folder.is_empty() {
        format!("_rels/{name}.rels")
    } else {
        format!("{folder}/_rels/{name}.rels")
    };
    let mut rels = HashMap::new();
    if let Some(text) = package.read_text(&rels_part)? {
        let root = parse_part(package, &rels_part, &text)?;
        for rel in root.elements() {
            let (Some(id), Some(target)) = (rel.attr("Id"), rel.attr("Target")) else {
                continue;
            };
            let external = rel.attr("TargetMode") == Some("External");
            let target = if external {
                target.to_string()
            } else {
                resolve(folder, target)
            };
            rels.insert(id.to_string(), Relationship { target, external });
        }
    }
    Ok(rels)
}

/// What a style contributes: a heading level (1-based) or the title, and for character
/// styles bold and italic.
#[derive(Debug, Default, Clone)]
struct Style {
    heading: Option<u8>,
    title: bool,
    bold: Option<bool>,
    italic: Option<bool>,
    based_on: Option<String>,
}

#[derive(Debug, Default)]
struct Styles(HashMap<String, Style>);

impl Styles {
    fn read(root: &Element) -> Styles {
        let mut styles = HashMap::new();
        for s in root.elements().filter(|e| e.name == "style") {
            let Some(id) = s.attr("styleId") else {
                continue;
            };
            let name = s.val_of("name").unwrap_or("").to_lowercase();
            let name = name.trim();
            let mut style = Style {
                based_on: s.val_of("basedOn").map(str::to_string),
                ..Style::default()
            };
            // Word and WPS write built-in names in English ("heading 1", "Title") whatever the
            // language; LibreOffice writes "Heading 1"; some templates use "标题 1".
            let numbered = name
                .strip_prefix("heading")
                .or_else(|| name.strip_prefix("标题"))
                .map(str::trim)
                .and_then(|n| n.parse::<u8>().ok());
            style.heading = numbered.filter(|n| (1..=9).contains(n)).or_else(|| {
                s.child("pPr")
                    .and_then(|p| p.val_of("outlineLvl"))
                    .and_then(|l| l.parse::<u8>().ok())
                    .filter(|l| *l < 9)
                    .map(|l| l + 1)
            });
            style.title = name == "title" || name == "标题";
            if s.attr("type") == Some("character")
                && let Some(rpr) = s.child("rPr")
            {
                style.bold = rpr.toggle("b");
                style.italic = rpr.toggle("i");
            }
            styles.insert(id.to_string(), style);
        }
        Styles(styles)
    }

    /// The style `id` with what it inherits through `basedOn` (at most 16 steps, so a
    /// circular chain ends).
    fn resolved(&self, id: &str) -> Style {
        let mut out = Style::default();
        let mut next = Some(id.to_string());
        for _ in 0..16 {
            let Some(s) = next.as_deref().and_then(|id| self.0.get(id)) else {
                break;
            };
            out.heading = out.heading.or(s.heading);
            out.title |= s.title;
            out.bold = out.bold.or(s.bold);
            out.italic = out.italic.or(s.italic);
            next = s.based_on.clone();
        }
        out
    }
}

/// The list definitions: for each list (`numId`) and level, whether it is a bullet list
/// and where its numbering starts.
#[derive(Debug, Default)]
struct Numbering {
    /// (numId, level) → (bullet, start)
    levels: HashMap<(String, u8), (bool, u32)>,
}

impl Numbering {
    fn read(root: &Element) -> Numbering {
        let mut abstracts: HashMap<&str, &Element> = HashMap::new();
        for a in root.elements().filter(|e| e.name == "abstractNum") {
            if let Some(id) = a.attr("abstractNumId") {
                abstracts.insert(id, a);
            }
        }
        let level = |lvl: &Element| {
            let bullet = matches!(lvl.val_of("numFmt"), Some("bullet" | "none"));
            let start = lvl
                .val_of("start")
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            (bullet, start)
        };
        let mut levels = HashMap::new();
        for num in root.elements().filter(|e| e.name == "num") {
            let Some(num_id) = num.attr("numId") else {
                continue;
            };
            if let Some(abs) = num.val_of("abstractNumId").and_then(|a| abstracts.get(a)) {
                for lvl in abs.elements().filter(|e| e.name == "lvl") {
                    if let Some(ilvl) = lvl.attr("ilvl").and_then(|l| l.parse().ok()) {
                        levels.insert((num_id.to_string(), ilvl), level(lvl));
                    }
                }
            }
            for o in num.elements().filter(|e| e.name == "lvlOverride") {
                let Some(ilvl) = o.attr("ilvl").and_then(|l| l.parse::<u8>().ok()) else {
                    continue;
                };
                let key = (num_id.to_string(), ilvl);
                if let Some(lvl) = o.child("lvl") {
                    levels.insert(key.clone(), level(lvl));
                }
                if let Some(start) = o.val_of("startOverride").and_then(|s| s.parse().ok()) {
                    let entry = levels.entry(key).or_insert((false, start));
                    entry.1 = start;
                }
            }
        }
        Numbering { levels }
    }
}

/// What inline content inherits from around it: the link of a `w:hyperlink` or field.
#[derive(Debug, Clone, Default)]
struct Format {
    link: Option<String>,
}

/// Bold and italic of a run.
#[derive(Debug, Clone, Copy)]
struct Look {
    bold: bool,
    italic: bool,
}

/// A complex field being read (`fldChar begin … instrText … separate … end`).
#[derive(Debug)]
struct Field {
    instruction: String,
    /// Past `separate`: the runs are the field's shown result.
    in_result: bool,
}

struct Reader<'p> {
    package: &'p mut Package,
    folder: String,
    styles: Styles,
    numbering: Numbering,
    rels: HashMap<String, Relationship>,
    doc: Document,
    /// Picture part → index in `doc.pictures`, or why it was not imported.
    picture_parts: HashMap<String, Result<usize, String>>,
    /// Referenced notes in order: (is an endnote, id).
    note_refs: Vec<(bool, String)>,
    /// Ordered list counters by (numId, level).
    counters: HashMap<(String, u8), u32>,
    skipped_drawings: usize,
    skipped_text_boxes: usize,
    skipped_toc: bool,
}

impl Reader<'_> {
    fn body(&mut self, body: &Element, out: &mut Vec<Block>) -> Result<(), Diagnostic> {
        for e in body.elements() {
            match e.name.as_str() {
                "p" => self.paragraph(e, out)?,
                "tbl" => {
                    let table = self.table(e)?;
                    if !table.is_empty() {
                        out.push(Block::Table(table));
                    }
                }
                "sdt" => {
                    let gallery = e
                        .child("sdtPr")
                        .and_then(|p| p.find("docPartGallery"))
                        .and_then(|g| g.attr("val"));
                    if gallery.is_some_and(|g| g.contains("Table of Contents")) {
                        self.skipped_toc = true;
                    } else if let Some(content) = e.child("sdtContent") {
                        self.body(content, out)?;
                    }
                }
                "customXml" | "ins" | "moveTo" => self.body(e, out)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn paragraph(&mut self, p: &Element, out: &mut Vec<Block>) -> Result<(), Diagnostic> {
        let ppr = p.child("pPr");
        let style = ppr
            .and_then(|p| p.val_of("pStyle"))
            .map(|id| self.styles.resolved(id))
            .unwrap_or_default();
        let outline = ppr
            .and_then(|p| p.val_of("outlineLvl"))
            .and_then(|l| l.parse::<u8>().ok())
            .filter(|l| *l < 9)
            .map(|l| l + 1);
        let mut content = Vec::new();
        let mut fields = Vec::new();
        self.inline(p, &Format::default(), &mut fields, &mut content)?;
        trim_inlines(&mut content);
        if content.is_empty() {
            return Ok(());
        }
        let level = outline
            .or(style.heading)
            .or_else(|| numbered_heading_level(&plain_text(&content)));
        if style.title {
            out.push(Block::Title(content));
        } else if let Some(level) = level {
            out.push(Block::Heading { level, content });
        } else if let Some((num_id, ilvl)) = ppr.and_then(|p| p.child("numPr")).and_then(|n| {
            let id = n.val_of("numId")?;
            let ilvl = n.val_of("ilvl").and_then(|l| l.parse().ok()).unwrap_or(0);
            (id != "0").then(|| (id.to_string(), ilvl))
        }) {
            let (bullet, start) = self
                .numbering
                .levels
                .get(&(num_id.clone(), ilvl))
                .copied()
                .unwrap_or((true, 1));
            // A higher level restarts the levels below it.
            self.counters
                .retain(|(id, level), _| id != &num_id || *level <= ilvl);
            let counter = self
                .counters
                .entry((num_id, ilvl))
                .and_modify(|n| *n += 1)
                .or_insert(start);
            out.push(Block::Item {
                ordered: !bullet,
                depth: usize::from(ilvl),
                number: *counter,
                content,
            });
        } else {
            out.push(Block::Paragraph(content));
        }
        Ok(())
    }

    /// The inline content below `e` (a paragraph, a hyperlink, a run…).
    fn inline(
        &mut self,
        e: &Element,
        format: &Format,
        fields: &mut Vec<Field>,
        out: &mut Vec<Inline>,
    ) -> Result<(), Diagnostic> {
        for child in e.elements() {
            match child.name.as_str() {
                "r" => self.run(child, format, fields, out)?,
                "hyperlink" => {
                    let link = child
                        .attr("id")
                        .and_then(|id| self.rels.get(id))
                        .filter(|r| r.external)
                        .map(|r| r.target.clone())
                        .or_else(|| format.link.clone());
                    self.inline(child, &Format { link }, fields, out)?;
                }
                "fldSimple" => {
                    let link = child
                        .attr("instr")
                        .and_then(hyperlink_of_field)
                        .or_else(|| format.link.clone());
                    self.inline(child, &Format { link }, fields, out)?;
                }
                "AlternateContent" => {
                    // Word writes the same content twice (new markup, then a fallback):
                    // read only the first choice.
                    if let Some(choice) = child.child("Choice") {
                        self.inline(choice, format, fields, out)?;
                    }
                }
                "pPr" | "rPr" | "del" | "moveFrom" | "bookmarkStart" | "bookmarkEnd"
                | "proofErr" | "commentRangeStart" | "commentRangeEnd" | "sdtPr" | "sdtEndPr" => {}
                _ => self.inline(child, format, fields, out)?,
            }
        }
        Ok(())
    }

    fn run(
        &mut self,
        r: &Element,
        format: &Format,
        fields: &mut Vec<Field>,
        out: &mut Vec<Inline>,
    ) -> Result<(), Diagnostic> {
        let rpr = r.child("rPr");
        let char_style = rpr
            .and_then(|p| p.val_of("rStyle"))
            .map(|id| self.styles.resolved(id))
            .unwrap_or_default();
        let look = Look {
            bold: rpr
                .and_then(|p| p.toggle("b"))
                .or(char_style.bold)
                .unwrap_or(false),
            italic: rpr
                .and_then(|p| p.toggle("i"))
                .or(char_style.italic)
                .unwrap_or(false),
        };
        self.run_content(r, look, format, fields, out)
    }

    fn run_content(
        &mut self,
        r: &Element,
        look: Look,
        format: &Format,
        fields: &mut Vec<Field>,
        out: &mut Vec<Inline>,
    ) -> Result<(), Diagnostic> {
        for c in r.elements() {
            let in_instruction = fields.last().is_some_and(|f| !f.in_result);
            let text = |text: String, fields: &[Field]| {
                let link = fields
                    .iter()
                    .rev()
                    .find(|f| f.in_result)
                    .and_then(|f| hyperlink_of_field(&f.instruction))
                    .or_else(|| format.link.clone());
                Inline::Text(Span {
                    text,
                    bold: look.bold,
                    italic: look.italic,
                    link,
                })
            };
            match c.name.as_str() {
                "fldChar" => match c.attr("fldCharType") {
                    Some("begin") => fields.push(Field {
                        instruction: String::new(),
                        in_result: false,
                    }),
                    Some("separate") => {
                        if let Some(f) = fields.last_mut() {
                            f.in_result = true;
                        }
                    }
                    Some("end") => {
                        fields.pop();
                    }
                    _ => {}
                },
                "instrText" => {
                    if let Some(f) = fields.last_mut() {
                        f.instruction.push_str(&c.text());
                    }
                }
                _ if in_instruction => {}
                "t" => out.push(text(c.text(), fields)),
                "tab" | "ptab" => out.push(text(" ".to_string(), fields)),
                "noBreakHyphen" => out.push(text("-".to_string(), fields)),
                // A page or column break is not a line break in a web page.
                "br" | "cr" if !matches!(c.attr("type"), Some("page" | "column")) => {
                    out.push(Inline::Break);
                }
                "footnoteReference" | "endnoteReference" => {
                    if let Some(id) = c.attr("id") {
                        let key = (c.name == "endnoteReference", id.to_string());
                        let number = match self.note_refs.iter().position(|k| *k == key) {
                            Some(i) => i + 1,
                            None => {
                                self.note_refs.push(key);
                                self.note_refs.len()
                            }
                        };
                        out.push(Inline::Note(number));
                    }
                }
                "drawing" => self.drawing(c, out)?,
                "pict" | "object" => self.vml(c, out)?,
                "AlternateContent" => {
                    // Word writes the same object twice (new markup, then a fallback for
                    // older readers): read only the first choice.
                    if let Some(choice) = c.child("Choice") {
                        self.run_content(choice, look, format, fields, out)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A DrawingML object: its pictures (a group may hold several), or a warning for a text
    /// box, chart or shape.
    fn drawing(&mut self, d: &Element, out: &mut Vec<Inline>) -> Result<(), Diagnostic> {
        let mut blips = Vec::new();
        d.find_all("blip", &mut blips);
        if blips.is_empty() {
            self.skip(d);
        }
        for blip in blips {
            // Word's "insert and link" keeps an embedded copy too: that one is used.
            if let Some(id) = blip.attr("embed") {
                out.push(self.picture(id)?);
            } else if let Some(link) = blip.attr("link") {
                let target = self
                    .rels
                    .get(link)
                    .map_or_else(|| link.to_string(), |r| r.target.clone());
                return Err(self.external_picture(&target));
            }
        }
        Ok(())
    }

    /// Counts a drawing without a picture: a text box, or a shape or chart.
    fn skip(&mut self, drawing: &Element) {
        if drawing.find("txbxContent").is_some() {
            self.skipped_text_boxes += 1;
        } else {
            self.skipped_drawings += 1;
        }
    }

    /// A VML picture (`w:pict`, older Word and WPS): `v:imagedata r:id`.
    fn vml(&mut self, p: &Element, out: &mut Vec<Inline>) -> Result<(), Diagnostic> {
        let mut images = Vec::new();
        p.find_all("imagedata", &mut images);
        if images.is_empty() {
            self.skip(p);
        }
        for image in images {
            if let Some(id) = image.attr("id").or_else(|| image.attr("relid")) {
                out.push(self.picture(id)?);
            }
        }
        Ok(())
    }

    fn external_picture(&self, target: &str) -> Diagnostic {
        Diagnostic::new(
            self.package.shown(),
            format!("文档中有图片只是链接到外部文件（{target}），图片本身不在文档里，无法导入"),
        )
        .hint("在 Word 中点“文件→信息→编辑指向文件的链接”，选中链接后点“断开链接”（或删除该图片后用“插入→图片”重新插入），保存后再导入")
    }

    /// The picture of relationship `id`, saved once however often it is shown.
    fn picture(&mut self, id: &str) -> Result<Inline, Diagnostic> {
        const MISSING: &str = "图片文件在文档中缺失";
        let Some(rel) = self.rels.get(id).cloned() else {
            self.doc
                .warnings
                .push(format!("文档中有一张图片缺失（{id}），没有导入"));
            return Ok(Inline::Unsupported(MISSING.to_string()));
        };
        if rel.external {
            return Err(self.external_picture(&rel.target));
        }
        if let Some(known) = self.picture_parts.get(&rel.target) {
            return Ok(match known {
                Ok(i) => Inline::Picture(*i),
                Err(reason) => Inline::Unsupported(reason.clone()),
            });
        }
        let Some(bytes) = self.package.read(&rel.target)? else {
            self.doc
                .warnings
                .push(format!("文档中的图片 {} 缺失，没有导入", rel.target));
            self.picture_parts
                .insert(rel.target, Err(MISSING.to_string()));
            return Ok(Inline::Unsupported(MISSING.to_string()));
        };
        match picture_extension(&bytes) {
            Some(extension) => {
                self.doc.pictures.push(Picture {
                    part: rel.target.clone(),
                    bytes,
                    extension,
                });
                let index = self.doc.pictures.len() - 1;
                self.picture_parts.insert(rel.target, Ok(index));
                Ok(Inline::Picture(index))
            }
            None => {
                let name = format_name(&rel.target);
                self.doc.warnings.push(format!(
                    "文档中有一张 {name} 格式的图片，浏览器无法显示，没有导入：请在 Word 中把它另存为 JPG 或 PNG 图片后放入页面文件夹"
                ));
                let reason = format!("{name} 格式，浏览器无法显示");
                self.picture_parts.insert(rel.target, Err(reason.clone()));
                Ok(Inline::Unsupported(reason))
            }
        }
    }

    /// Reads the referenced footnotes and endnotes into `doc.notes`.
    fn notes(&mut self) -> Result<(), Diagnostic> {
        let mut parts: [Option<(Element, HashMap<String, Relationship>)>; 2] = [None, None];
        for (slot, name) in [(0, "footnotes.xml"), (1, "endnotes.xml")] {
            if !self.note_refs.iter().any(|(end, _)| *end == (slot == 1)) {
                continue;
            }
            let part = format!("{}/{name}", self.folder);
            if let Some(text) = self.package.read_text(&part)? {
                let root = parse_part(self.package, &part, &text)?;
                let rels = relationships(self.package, &part)?;
                parts[slot] = Some((root, rels));
            }
        }
        let mut i = 0;
        // Reading a note may reference further notes; the list grows while it is read.
        while i < self.note_refs.len() {
            let (end, id) = self.note_refs[i].clone();
            let mut content = Vec::new();
            if let Some((root, rels)) = &parts[usize::from(end)] {
                let note = root.elements().find(|n| n.attr("id") == Some(id.as_str()));
                if let Some(note) = note {
                    let saved = std::mem::replace(&mut self.rels, rels.clone());
                    for p in note.elements().filter(|e| e.name == "p") {
                        let mut para = Vec::new();
                        self.inline(p, &Format::default(), &mut Vec::new(), &mut para)?;
                        trim_inlines(&mut para);
                        if para.is_empty() {
                            continue;
                        }
                        if !content.is_empty() {
                            content.push(Inline::Break);
                        }
                        content.extend(para);
                    }
                    self.rels = saved;
                }
            }
            self.doc.notes.push(content);
            i += 1;
        }
        Ok(())
    }

    /// Rows of cells; a cell's paragraphs are joined by line breaks.
    fn table(&mut self, t: &Element) -> Result<Vec<Vec<Vec<Inline>>>, Diagnostic> {
        let mut rows = Vec::new();
        for tr in rows_of(t, "tr") {
            let mut row = Vec::new();
            for tc in rows_of(tr, "tc") {
                let tcpr = tc.child("tcPr");
                let span = tcpr
                    .and_then(|p| p.val_of("gridSpan"))
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let continued = tcpr
                    .and_then(|p| p.child("vMerge"))
                    .is_some_and(|m| m.attr("val").is_none_or(|v| v == "continue"));
                let mut cell = Vec::new();
                if !continued {
                    self.cell(tc, &mut cell)?;
                }
                row.push(cell);
                for _ in 1..span {
                    row.push(Vec::new());
                }
            }
            rows.push(row);
        }
        rows.retain(|r: &Vec<Vec<Inline>>| !r.is_empty());
        Ok(rows)
    }

    fn cell(&mut self, tc: &Element, out: &mut Vec<Inline>) -> Result<(), Diagnostic> {
        let mut blocks = Vec::new();
        self.body(tc, &mut blocks)?;
        for block in blocks {
            let content = match block {
                Block::Title(c)
                | Block::Heading { content: c, .. }
                | Block::Paragraph(c)
                | Block::Item { content: c, .. } => c,
                Block::Table(rows) => {
                    let mut flat = Vec::new();
                    for cell in rows.into_iter().flatten() {
                        if !flat.is_empty() && !cell.is_empty() {
                            flat.push(Inline::Break);
                        }
                        flat.extend(cell);
                    }
                    flat
                }
            };
            if content.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push(Inline::Break);
            }
            out.extend(content);
        }
        Ok(())
    }
}

/// The children of `e` named `name`, looking through content controls and custom XML.
fn rows_of<'a>(e: &'a Element, name: &str) -> Vec<&'a Element> {
    let mut out = Vec::new();
    for c in e.elements() {
        if c.name == name {
            out.push(c);
        } else if matches!(c.name.as_str(), "sdt" | "sdtContent" | "customXml") {
            out.extend(rows_of(c, name));
        }
    }
    out
}

/// The address of a `HYPERLINK "https://…"` field instruction (`\l` bookmarks are not
/// addresses).
fn hyperlink_of_field(instruction: &str) -> Option<String> {
    let rest = instruction.trim().strip_prefix("HYPERLINK")?.trim();
    if rest.starts_with('\\') {
        return None;
    }
    let url = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?,
        None => rest.split_whitespace().next()?,
    };
    (!url.is_empty()).then(|| url.to_string())
}

/// The picture format of `bytes`, when browsers show it.
fn picture_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else if bytes.starts_with(b"BM") {
        Some("bmp")
    } else {
        None
    }
}

/// A format's name from a part's extension (`EMF` for `media/image1.emf`).
fn format_name(part: &str) -> String {
    part.rsplit_once('.')
        .map_or("未知", |(_, ext)| ext)
        .to_uppercase()
}

/// Drops spaces and line breaks at both ends of inline content.
pub fn trim_inlines(content: &mut Vec<Inline>) {
    while let Some(first) = content.first_mut() {
        match first {
            Inline::Break => {
                content.remove(0);
            }
            Inline::Text(s) => {
                let trimmed = s.text.trim_start();
                if trimmed.is_empty() {
                    content.remove(0);
                } else {
                    s.text = trimmed.to_string();
                    break;
                }
            }
            _ => break,
        }
    }
    while let Some(last) = content.last_mut() {
        match last {
            Inline::Break => {
                content.pop();
            }
            Inline::Text(s) => {
                let trimmed = s.text.trim_end();
                if trimmed.is_empty() {
                    content.pop();
                } else {
                    s.text = trimmed.to_string();
                    break;
                }
            }
            _ => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::Path;

    use super::*;

    const W: &str = r#"xmlns:w="w" xmlns:r="r" xmlns:a="a" xmlns:wp="wp""#;

    /// Reads a .docx made of `body` (inside `w:body`), `rels` (relationship elements) and
    /// `media` parts.
    fn read_body(body: &str, rels: &str, media: &[(&str, &[u8])]) -> Result<Document, Diagnostic> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let mut parts: Vec<(String, Vec<u8>)> = vec![
            (
                "word/document.xml".into(),
                format!("<w:document {W}><w:body>{body}</w:body></w:document>").into_bytes(),
            ),
            (
                "word/_rels/document.xml.rels".into(),
                format!("<Relationships>{rels}</Relationships>").into_bytes(),
            ),
        ];
        for (name, bytes) in media {
            parts.push(((*name).to_string(), bytes.to_vec()));
        }
        for (name, bytes) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(&bytes).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        let mut package = super::super::package::open(bytes, Path::new("t.docx"))?;
        read(&mut package)
    }

    fn texts(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(c) | Block::Title(c) | Block::Heading { content: c, .. } => {
                    plain_text(c)
                }
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_picture_inserted_and_linked_uses_its_embedded_copy() {
        let png = b"\x89PNG\r\n\x1a\nrest";
        let doc = read_body(
            r#"<w:p><w:r><w:drawing><a:blip r:embed="rId1" r:link="rId2"/></w:drawing></w:r></w:p>"#,
            r#"<Relationship Id="rId1" Target="media/a.png"/><Relationship Id="rId2" Target="file:///C:/a.png" TargetMode="External"/>"#,
            &[("word/media/a.png", png)],
        )
        .unwrap();
        assert_eq!(doc.blocks, vec![Block::Paragraph(vec![Inline::Picture(0)])]);
        assert_eq!(doc.pictures[0].bytes, png);
        assert_eq!(doc.pictures[0].extension, "png");
    }

    #[test]
    fn numbered_lines_of_an_official_document_become_headings() {
        let p = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
        let body = [
            p("一、总体要求"),
            p("（一）工作目标"),
            p("(二)工作原则"),
            p("（三）加强组织领导。各区要成立工作专班。"),
            p("二、本条写成一句话。"),
            p("十一、附则"),
            p("一是坚持问题导向"),
            p("一、"),
        ]
        .concat();
        let doc = read_body(&body, "", &[]).unwrap();
        let levels: Vec<Option<u8>> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading { level, .. } => Some(*level),
                _ => None,
            })
            .collect();
        assert_eq!(
            levels,
            [Some(1), Some(2), Some(2), None, None, Some(1), None, None]
        );
    }

    #[test]
    fn revisions_page_breaks_fields_and_tables_of_contents() {
        let doc = read_body(
            concat!(
                r#"<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr>"#,
                r#"<w:sdtContent><w:p><w:r><w:t>目录 1</w:t></w:r></w:p></w:sdtContent></w:sdt>"#,
                r#"<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"#,
                r#"<w:ins><w:r><w:t>插入</w:t></w:r></w:ins><w:r><w:br w:type="page"/><w:t>页</w:t></w:r></w:p>"#,
                r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>"#,
                r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#,
            ),
            "",
            &[],
        )
        .unwrap();
        assert_eq!(texts(&doc), ["保留插入页", "7"]);
        assert_eq!(
            doc.warnings,
            ["文档中自动生成的目录没有导入：网站会根据各级标题自动生成目录"]
        );
    }

    #[test]
    fn a_broken_part_is_reported_with_its_line_and_column() {
        let error = read_body("<w:p>\n<w:r></w:p>", "", &[]).unwrap_err();
        assert!(
            error
                .message
                .starts_with("文档内容损坏：word/document.xml 第 2 行第 "),
            "{}",
            error.message
        );
    }

    #[test]
    fn resolves_relationship_targets() {
        assert_eq!(resolve("word", "media/image1.png"), "word/media/image1.png");
        assert_eq!(resolve("word", "../media/a.png"), "media/a.png");
        assert_eq!(resolve("word", "/word/media/b.png"), "word/media/b.png");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
    }

    #[test]
    fn reads_hyperlink_fields() {
        assert_eq!(
            hyperlink_of_field(" HYPERLINK \"https://a.example/x\" \\t \"_blank\" "),
            Some("https://a.example/x".to_string())
        );
        assert_eq!(hyperlink_of_field("HYPERLINK \\l \"_Toc1\""), None);
        assert_eq!(hyperlink_of_field("PAGE"), None);
    }
}
