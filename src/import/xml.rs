//! A small element tree of one XML part of a Word document, read with quick-xml. Names are
//! kept without their namespace prefix (`w:p` → `p`): Word, WPS and LibreOffice all use the
//! standard prefixes, and the few local names that repeat across namespaces are told apart by
//! where they sit. No DTD is ever expanded, and nesting is capped, so a hostile part cannot
//! make the tree, or a walk over it, unbounded.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Deeper nesting than this is refused; Word's own documents stay well below 50.
const MAX_DEPTH: usize = 256;

#[derive(Debug, Default)]
pub struct Element {
    /// The local name (`p` for `w:p`).
    pub name: String,
    /// Attributes by local name (`embed` for `r:embed`), values unescaped.
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// Why a part could not be read: a reason and the byte offset where it was found.
#[derive(Debug)]
pub struct XmlError {
    pub offset: usize,
    pub reason: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The element children.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The first element named `name` at any depth below this one (this one excluded).
    pub fn find(&self, name: &str) -> Option<&Element> {
        self.elements().find_map(|e| {
            if e.name == name {
                Some(e)
            } else {
                e.find(name)
            }
        })
    }

    /// Every element named `name` below this one, in document order (not below a match).
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            } else {
                e.find_all(name, out);
            }
        }
    }

    /// The `w:val` of child `name`, e.g. `val_of("pStyle")` of a `w:pPr`.
    pub fn val_of(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|c| c.attr("val"))
    }

    /// An on/off property such as `<w:b/>` or `<w:b w:val="false"/>`: `Some(true)` when the
    /// child is there and not switched off, `None` when absent.
    pub fn toggle(&self, name: &str) -> Option<bool> {
        self.child(name)
            .map(|c| !matches!(c.attr("val"), Some("0" | "false" | "off" | "none")))
    }

    /// All the text below this element, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Parses `text` into its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(text);
    let error = |reader: &Reader<&[u8]>, reason: String| XmlError {
        offset: usize::try_from(reader.error_position()).unwrap_or(0),
        reason,
    };
    // The open elements; the bottom one collects the root.
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| error(&reader, e.to_string()))?;
        match event {
            Event::Start(start) => {
                if stack.len() > MAX_DEPTH {
                    return Err(error(&reader, format!("元素嵌套超过 {MAX_DEPTH} 层")));
                }
                stack.push(element(&start).map_err(|r| error(&reader, r))?);
            }
            Event::Empty(start) => {
                let e = element(&start).map_err(|r| error(&reader, r))?;
                push_node(&mut stack, Node::Element(e));
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(error(&reader, "多余的结束标记".into()));
                };
                push_node(&mut stack, Node::Element(done));
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                push_text(&mut stack, &content);
            }
            Event::CData(t) => {
                let content = t.xml10_content();
                push_text(&mut stack, &content);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| error(&reader, format!("未知的实体 &{};", &*r)))?
                        .to_string(),
                    Err(e) => return Err(error(&reader, e.to_string())),
                };
                push_text(&mut stack, &resolved);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if stack.len() != 1 {
        return Err(XmlError {
            offset: text.len(),
            reason: "文件在元素结束前就结束了".into(),
        });
    }
    let mut bottom = stack.pop().unwrap_or_default();
    let root = bottom.children.drain(..).find_map(|n| match n {
        Node::Element(e) => Some(e),
        Node::Text(_) => None,
    });
    root.ok_or_else(|| XmlError {
        offset: 0,
        reason: "没有根元素".into(),
    })
}

fn element(start: &quick_xml::events::BytesStart) -> Result<Element, String> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        attrs.push((local(attr.key.as_ref()).to_string(), value.into_owned()));
    }
    Ok(Element {
        name: local(start.name().as_ref()).to_string(),
        attrs,
        children: Vec::new(),
    })
}

fn push_node(stack: &mut [Element], node: Node) {
    if let Some(top) = stack.last_mut() {
        top.children.push(node);
    }
}

/// Text is kept only where it can matter: whitespace between elements is dropped, except
/// inside `w:t` and `w:instrText`, where it is the document's own text.
fn push_text(stack: &mut [Element], text: &str) {
    let Some(top) = stack.last_mut() else { return };
    if text.trim().is_empty() && !matches!(top.name.as_str(), "t" | "instrText") {
        return;
    }
    if let Some(Node::Text(last)) = top.children.last_mut() {
        last.push_str(text);
    } else {
        top.children.push(Node::Text(text.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_local_names_attributes_and_entities() {
        let root = parse(
            r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t xml:space="preserve"> A &amp; B &#x4E2D; </w:t></w:r></w:p><w:b w:val="0"/></w:body></w:document>"#,
        )
        .unwrap();
        assert_eq!(root.name, "document");
        let body = root.child("body").unwrap();
        assert_eq!(body.find("t").unwrap().text(), " A & B 中 ");
        assert_eq!(body.toggle("b"), Some(false));
        assert_eq!(body.toggle("i"), None);
    }

    #[test]
    fn refuses_deep_nesting_and_bad_xml_with_a_position() {
        let deep = "<a>".repeat(MAX_DEPTH + 5);
        assert!(parse(&deep).unwrap_err().reason.contains("嵌套"));
        let bad = parse("<a><b></a>").unwrap_err();
        assert!(bad.offset > 0, "{bad:?}");
        assert!(parse("<a>&nbsp;</a>").unwrap_err().reason.contains("nbsp"));
    }
}
