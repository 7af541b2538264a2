//! Export buttons: the spec (`nsl train --spec`), the curves (CSV), and the TensorFlow NSL
//! script with its data.

use nsl::spec::ExperimentSpec;
use yew::prelude::*;

use crate::download::{download, spec_json, stem, tensorflow_bundle};
use crate::shared::Shared;

/// Props of [`Downloads`].
#[derive(Debug, Properties, PartialEq)]
pub struct DownloadsProps {
    /// The setup.
    pub spec: Shared<ExperimentSpec>,
    /// The curves as CSV (made when the button is pressed, by the app).
    pub on_results: Callback<()>,
    /// Where failures are reported.
    pub on_error: Callback<String>,
}

/// The export card.
#[function_component(Downloads)]
pub fn downloads(props: &DownloadsProps) -> Html {
    let name = stem(&props.spec);
    let spec_button = {
        let (spec, name, on_error) = (props.spec.clone(), name.clone(), props.on_error.clone());
        Callback::from(move |_: MouseEvent| {
            if let Err(e) = download(&format!("{name}.json"), "application/json", spec_json(&spec).as_bytes())
            {
                on_error.emit(e);
            }
        })
    };
    let script_button = {
        let (spec, on_error) = (props.spec.clone(), props.on_error.clone());
        Callback::from(move |_: MouseEvent| {
            let result = tensorflow_bundle(&spec)
                .and_then(|tar| download(&format!("{name}-tensorflow.tar"), "application/x-tar", &tar));
            if let Err(e) = result {
                on_error.emit(format!("TensorFlow export: {e}"));
            }
        })
    };
    html! {
        <section class="card" aria-labelledby="export-title">
            <h2 id="export-title">{ "Export" }</h2>
            <div class="row">
                <button id="export-spec" onclick={spec_button} title="The spec that `nsl train --spec` runs">{ "Spec (JSON)" }</button>
                <button id="export-results" onclick={props.on_results.reform(|_| ())}>{ "Results (CSV)" }</button>
                <button id="export-python" onclick={script_button} title="TensorFlow NSL (Keras) script, spec and data, as a tar archive">
                    { "TensorFlow script" }
                </button>
            </div>
        </section>
    }
}
