//! Classroom mode: a teacher picks the controls a lesson hides and copies the link; a learner on
//! such a link sees only the rest (and may reveal everything).

use std::collections::BTreeSet;

use yew::prelude::*;

use crate::link::{SECTIONS, Section};

/// Props of [`ClassroomPanel`].
#[derive(Debug, Properties, PartialEq)]
pub struct ClassroomProps {
    /// Sections hidden in the link.
    pub hidden: BTreeSet<Section>,
    /// The lesson link.
    pub link: AttrValue,
    /// A section is hidden (`true`) or shown.
    pub on_hide: Callback<(Section, bool)>,
    /// Closes the panel.
    pub on_close: Callback<()>,
}

/// The panel that builds a lesson link.
#[function_component(ClassroomPanel)]
pub fn classroom_panel(props: &ClassroomProps) -> Html {
    let copy = {
        let link = props.link.to_string();
        Callback::from(move |_: MouseEvent| {
            if let Some(window) = web_sys::window() {
                // The clipboard may be refused (insecure context): the link stays selectable.
                let _ = window.navigator().clipboard().write_text(&link);
            }
        })
    };
    html! {
        <section class="card classroom" role="dialog" aria-labelledby="classroom-title" id="classroom">
            <h2 id="classroom-title">{ "Classroom link" }</h2>
            <p class="hint">{ "Tick what the lesson hides; the link opens this setup with only the rest shown." }</p>
            <div class="checks">
                { for SECTIONS.iter().map(|&(section, key, label)| {
                    let on_hide = props.on_hide.clone();
                    let onchange = Callback::from(move |e: Event| {
                        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                        on_hide.emit((section, input.checked()));
                    });
                    let id = format!("hide-{key}");
                    html! {
                        <label class="toggle" for={id.clone()}>
                            <input type="checkbox" id={id} checked={props.hidden.contains(&section)} {onchange} />
                            { format!("hide {label}") }
                        </label>
                    }
                }) }
            </div>
            <label for="lesson-link">{ "Lesson link" }
                <input id="lesson-link" type="text" readonly=true value={props.link.clone()} />
            </label>
            <div class="row">
                <button onclick={copy}>{ "Copy link" }</button>
                <button onclick={props.on_close.reform(|_| ())}>{ "Close" }</button>
            </div>
        </section>
    }
}
