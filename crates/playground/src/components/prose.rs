//! Lesson prose on the page: the tree [`crate::lesson::prose`] makes, as elements. Text is
//! text nodes; a formula is its MathML (checked to hold MathML only) or, failing that, its TeX.

use yew::prelude::*;

use crate::lesson::prose::{self, Node};

/// Props of [`Prose`].
#[derive(Debug, Properties, PartialEq)]
pub struct ProseProps {
    /// Markdown with TeX.
    pub markdown: AttrValue,
    /// A class for the wrapper.
    #[prop_or_default]
    pub class: Classes,
}

/// Rendered Markdown with formulas.
#[function_component(Prose)]
pub fn prose_view(props: &ProseProps) -> Html {
    let nodes = use_memo(props.markdown.clone(), |markdown| prose::parse(markdown));
    html! { <div class={classes!("prose", props.class.clone())}>{ for nodes.iter().map(node) }</div> }
}

fn node(node: &Node) -> Html {
    match node {
        Node::Element(element, children) => {
            html! { <@{element.tag()}>{ for children.iter().map(self::node) }</@> }
        }
        Node::Link(href, children) => html! {
            <a href={href.clone()} target="_blank" rel="noopener noreferrer">{ for children.iter().map(self::node) }</a>
        },
        Node::Text(text) => html! { { text.clone() } },
        Node::Code(code) => html! { <code>{ code.clone() }</code> },
        Node::Break => html! { <br /> },
        Node::Math { display: false, mathml: Some(markup), .. } => {
            html! { <span class="formula">{ Html::from_html_unchecked(AttrValue::from(markup.clone())) }</span> }
        }
        // A formula on its own line scrolls sideways when wider than the panel: focusable, so
        // the keyboard can scroll it too.
        Node::Math { display: true, mathml: Some(markup), .. } => html! {
            <span class="formula display" tabindex="0">{ Html::from_html_unchecked(AttrValue::from(markup.clone())) }</span>
        },
        Node::Math { tex, .. } => html! { <code class="tex">{ tex.clone() }</code> },
    }
}
