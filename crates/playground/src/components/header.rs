use yew::prelude::*;

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// Shown at the right end (the backend badge).
    pub children: Html,
}

/// The title bar.
#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    html! {
        <header class="top">
            <div>
                <h1>{ "NSL Playground" }</h1>
                <p class="tagline">{ "Neural Structured Learning in your browser: graph and adversarial regularization, computed as TensorFlow NSL computes them." }</p>
            </div>
            { props.children.clone() }
        </header>
    }
}
