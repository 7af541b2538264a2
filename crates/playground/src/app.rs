//! The root component: owns the reducer, starts the backend probe, wires components.

use yew::prelude::*;

use crate::components::{BackendBadge, DistanceExplorer, Header};
use crate::state::{Action, State};

/// The page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);

    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                dispatch.dispatch(Action::Backend(crate::backend::detect().await));
            });
        });
    }
    {
        // Recompute whenever the inputs change (the reducer cleared the old result).
        let dispatch = state.dispatcher();
        let inputs = state.distance.clone();
        let backend = state.backend.clone();
        use_effect_with((inputs, backend), move |(inputs, backend)| {
            let (inputs, backend) = (inputs.clone(), backend.clone());
            if backend != crate::backend::BackendStatus::Detecting {
                wasm_bindgen_futures::spawn_local(async move {
                    dispatch
                        .dispatch(Action::DistanceComputed(crate::compute::distance(inputs, backend).await));
                });
            }
        });
    }

    let on_action = {
        let dispatch = state.dispatcher();
        Callback::from(move |action: Action| dispatch.dispatch(action))
    };
    html! {
        <>
            <Header>
                <BackendBadge status={state.backend.clone()} />
            </Header>
            <main>
                <DistanceExplorer
                    inputs={state.distance.clone()}
                    result={state.distance_result.clone()}
                    on_action={on_action}
                />
            </main>
        </>
    }
}
