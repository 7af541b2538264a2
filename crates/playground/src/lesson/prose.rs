//! A lesson's prose: Markdown (pulldown-cmark) with TeX between `$…$` and `$$…$$`, turned into
//! a small tree of the few elements a lesson needs. Lesson text comes from strangers' files and
//! links, so nothing in it reaches the page as markup: raw HTML in the Markdown stays text,
//! links keep only `http(s)` and in-page addresses, and TeX becomes MathML (pulldown-latex)
//! that is used only when it holds MathML elements and nothing else.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// An element of lesson prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    /// A paragraph.
    Paragraph,
    /// A heading (Markdown's level; the page shows them below the step's title).
    Heading(u8),
    /// A bulleted list.
    List,
    /// A numbered list.
    Numbered,
    /// A list item.
    Item,
    /// A quotation.
    Quote,
    /// Preformatted code.
    CodeBlock,
    /// Emphasis.
    Emphasis,
    /// Strong emphasis.
    Strong,
    /// Struck-through text.
    Struck,
}

impl Element {
    /// The HTML element it is shown as.
    pub fn tag(self) -> &'static str {
        match self {
            Element::Paragraph => "p",
            // Under the step's own <h2>/<h3>.
            Element::Heading(1 | 2) => "h4",
            Element::Heading(_) => "h5",
            Element::List => "ul",
            Element::Numbered => "ol",
            Element::Item => "li",
            Element::Quote => "blockquote",
            Element::CodeBlock => "pre",
            Element::Emphasis => "em",
            Element::Strong => "strong",
            Element::Struck => "del",
        }
    }
}

/// A node of lesson prose.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An element and what it holds.
    Element(Element, Vec<Node>),
    /// A link (its address is `http(s)`, `mailto` or `#…`).
    Link(String, Vec<Node>),
    /// Text.
    Text(String),
    /// Inline code.
    Code(String),
    /// A line break.
    Break,
    /// A formula as MathML, or its TeX when it could not be turned into MathML.
    Math { display: bool, mathml: Option<String>, tex: String },
}

/// The tree of `markdown`.
pub fn parse(markdown: &str) -> Vec<Node> {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_MATH | Options::ENABLE_STRIKETHROUGH);
    // A stack of open elements: each holds the children gathered so far.
    let mut stack: Vec<(Option<Open>, Vec<Node>)> = vec![(None, Vec::new())];
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => stack.push((Some(open(tag)), Vec::new())),
            Event::End(end) => {
                if stack.len() > 1 {
                    let (opened, children) = stack.pop().expect("more than the root");
                    let node = close(opened.expect("not the root"), children, end);
                    stack.last_mut().expect("the root").1.extend(node);
                }
            }
            other => {
                let children = &mut stack.last_mut().expect("the root").1;
                match other {
                    // Raw HTML is shown as the text it is.
                    Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => push_text(children, &t),
                    Event::Code(c) => children.push(Node::Code(c.to_string())),
                    Event::InlineMath(tex) => children.push(math(&tex, false)),
                    Event::DisplayMath(tex) => children.push(math(&tex, true)),
                    Event::SoftBreak => push_text(children, " "),
                    Event::HardBreak => children.push(Node::Break),
                    _ => {}
                }
            }
        }
    }
    // Unclosed elements (pulldown-cmark closes all, but stay safe): their children surface.
    while stack.len() > 1 {
        let (_, children) = stack.pop().expect("more than the root");
        stack.last_mut().expect("the root").1.extend(children);
    }
    stack.pop().map(|(_, nodes)| nodes).unwrap_or_default()
}

/// An element being gathered.
#[derive(Debug)]
enum Open {
    Element(Element),
    Link(String),
    /// Something lesson prose does not show as such (tables, images, footnotes): its text stays.
    Transparent,
}

fn open(tag: Tag<'_>) -> Open {
    match tag {
        Tag::Paragraph => Open::Element(Element::Paragraph),
        Tag::Heading { level, .. } => Open::Element(Element::Heading(level as u8)),
        Tag::BlockQuote(_) => Open::Element(Element::Quote),
        Tag::CodeBlock(_) => Open::Element(Element::CodeBlock),
        Tag::List(Some(_)) => Open::Element(Element::Numbered),
        Tag::List(None) => Open::Element(Element::List),
        Tag::Item => Open::Element(Element::Item),
        Tag::Emphasis => Open::Element(Element::Emphasis),
        Tag::Strong => Open::Element(Element::Strong),
        Tag::Strikethrough => Open::Element(Element::Struck),
        Tag::Link { dest_url, .. } => Open::Link(dest_url.to_string()),
        _ => Open::Transparent,
    }
}

fn close(opened: Open, children: Vec<Node>, _end: TagEnd) -> Vec<Node> {
    match opened {
        Open::Element(element) => vec![Node::Element(element, children)],
        Open::Link(href) if safe_href(&href) => vec![Node::Link(href, children)],
        // A link to somewhere else (`javascript:`, `data:`): its text only.
        Open::Link(_) | Open::Transparent => children,
    }
}

fn push_text(children: &mut Vec<Node>, text: &str) {
    if let Some(Node::Text(last)) = children.last_mut() {
        last.push_str(text);
    } else {
        children.push(Node::Text(text.to_string()));
    }
}

/// Whether a link may be followed from lesson prose.
fn safe_href(href: &str) -> bool {
    let lower = href.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with('#')
}

/// The elements MathML Core has (and pulldown-latex writes).
const MATHML: [&str; 28] = [
    "math",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mrow",
    "msub",
    "msup",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "munder",
    "mover",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
    "mspace",
    "mpadded",
    "mphantom",
    "mstyle",
    "merror",
    "semantics",
    "annotation",
    "mmultiscripts",
    "mprescripts",
];

/// Whether `markup` holds MathML elements only, with no event handler, link or style sheet.
fn only_mathml(markup: &str) -> bool {
    let lower = markup.to_ascii_lowercase();
    let names_ok = lower.split('<').skip(1).all(|rest| {
        let name: String =
            rest.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        MATHML.contains(&name.as_str())
    });
    let dangerous = ["href", "src=", "javascript:", "<style", "url("];
    let handler =
        lower.split(|c: char| c.is_whitespace()).any(|word| word.starts_with("on") && word.contains('='));
    names_ok && !handler && !dangerous.iter().any(|d| lower.contains(d))
}

/// `tex` as MathML (`None` when it does not parse or yields anything but MathML).
pub fn mathml(tex: &str, display: bool) -> Option<String> {
    use pulldown_latex::config::DisplayMode;
    let storage = pulldown_latex::Storage::new();
    let parser = pulldown_latex::Parser::new(tex, &storage);
    let config = pulldown_latex::RenderConfig {
        display_mode: if display { DisplayMode::Block } else { DisplayMode::Inline },
        ..Default::default()
    };
    let mut out = String::new();
    // A parse error is written into the markup as an <merror>: a formula that does not parse
    // is shown as its TeX instead.
    let events: Result<Vec<_>, _> = parser.collect();
    pulldown_latex::push_mathml(
        &mut out,
        events.ok()?.into_iter().map(Ok::<_, std::convert::Infallible>),
        config,
    )
    .ok()?;
    only_mathml(&out).then_some(out)
}

fn math(tex: &str, display: bool) -> Node {
    Node::Math { display, mathml: mathml(tex, display), tex: tex.to_string() }
}

/// The text of `nodes` (formulas as their TeX): what a screen reader's summary or a test reads.
pub fn plain_text(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            Node::Element(_, children) | Node::Link(_, children) => out.push_str(&plain_text(children)),
            Node::Text(t) | Node::Code(t) => out.push_str(t),
            Node::Break => out.push(' '),
            Node::Math { tex, .. } => out.push_str(tex),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_a_tree_of_few_elements() {
        let nodes = parse(
            "A **bold** and *soft* `code` [NSL](https://www.tensorflow.org/neural_structured_learning).\n\n- one\n- two",
        );
        let Node::Element(Element::Paragraph, children) = &nodes[0] else { panic!("{nodes:?}") };
        assert_eq!(children[1], Node::Element(Element::Strong, vec![Node::Text("bold".into())]));
        assert_eq!(children[5], Node::Code("code".into()));
        assert!(matches!(&children[7], Node::Link(href, _) if href.starts_with("https://")));
        let Node::Element(Element::List, items) = &nodes[1] else { panic!("{nodes:?}") };
        assert_eq!(items.len(), 2);
        assert_eq!(plain_text(&nodes), "A bold and soft code NSL.onetwo");
    }

    #[test]
    fn tex_becomes_mathml() {
        let nodes = parse(
            "The loss $\\mathcal{L} = \\ell(y, f(x)) + \\alpha \\sum_j w_j d(h(x), h(x_j))$.\n\n$$\\delta = \\epsilon \\, \\mathrm{sign}(\\nabla_x \\ell)$$",
        );
        let Node::Element(Element::Paragraph, children) = &nodes[0] else { panic!("{nodes:?}") };
        let Node::Math { display: false, mathml: Some(markup), .. } = &children[1] else {
            panic!("{children:?}")
        };
        assert!(markup.starts_with("<math") && markup.contains("<mo") && markup.contains("∑"), "{markup}");
        let display = nodes.iter().flat_map(|n| match n {
            Node::Element(_, c) => c.clone(),
            other => vec![other.clone()],
        });
        assert!(
            display.into_iter().any(|n| matches!(n, Node::Math { display: true, mathml: Some(_), .. })),
            "{nodes:?}"
        );
        assert_eq!(mathml("\\frac{1}{", false), None, "an unfinished formula is shown as TeX");
    }

    /// Hostile prose: nothing of it becomes markup.
    #[test]
    fn html_scripts_and_links_elsewhere_stay_text() {
        let nodes = parse(
            "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) \
             $\\text{<img src=x onerror=alert(4)>}$ $\\href{javascript:alert(5)}{x}$",
        );
        let text = plain_text(&nodes);
        assert!(text.contains("<script>alert(1)</script>") && text.contains("<img src=x"), "{text}");
        fn walk(nodes: &[Node], f: &mut impl FnMut(&Node)) {
            for n in nodes {
                f(n);
                if let Node::Element(_, c) | Node::Link(_, c) = n {
                    walk(c, f);
                }
            }
        }
        walk(&nodes, &mut |n| match n {
            Node::Link(href, _) => panic!("a link to {href}"),
            Node::Math { mathml: Some(m), .. } => {
                assert!(only_mathml(m) && !m.contains("<img") && !m.contains("onerror="), "{m}");
            }
            _ => {}
        });
        assert!(!only_mathml("<math><mi onclick=\"x\">a</mi></math>"));
        assert!(!only_mathml("<math><img/></math>"));
        assert!(only_mathml("<math display=\"block\"><mi>a</mi></math>"));
    }
}
