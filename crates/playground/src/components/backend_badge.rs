use yew::prelude::*;

use crate::backend::BackendStatus;

/// Props of [`BackendBadge`].
#[derive(Properties, PartialEq)]
pub struct BackendBadgeProps {
    /// What the probe found.
    pub status: BackendStatus,
}

/// Which backend computes, and why not WebGPU when it is not.
#[function_component(BackendBadge)]
pub fn backend_badge(props: &BackendBadgeProps) -> Html {
    let title = match &props.status {
        BackendStatus::Cpu { reason } => format!("CPU backend: {reason}"),
        BackendStatus::WebGpu => "burn's WebGPU backend".to_string(),
        BackendStatus::Detecting => "probing for WebGPU".to_string(),
    };
    html! {
        <span class={classes!("badge", props.status.label().to_lowercase())} title={title.clone()} aria-label={title} data-testid="backend">
            { "Backend: " }{ props.status.label() }
        </span>
    }
}
