//! The title bar: what this is, which backend computes (and a switch), the lessons, the
//! classroom panel.

use yew::prelude::*;

use crate::protocol::{BackendChoice, BackendInfo, StepTimes};

/// Props of [`Header`].
#[derive(Debug, Properties, PartialEq)]
pub struct HeaderProps {
    /// The backend in use (`None` while the worker probes).
    pub backend: Option<BackendInfo>,
    /// The user's choice.
    pub choice: BackendChoice,
    /// Show the backend switch.
    pub show_switch: bool,
    /// The base model trains in a second worker.
    pub second_worker: bool,
    /// Backend choices.
    pub on_backend: Callback<BackendChoice>,
    /// Opens the classroom panel.
    pub on_classroom: Callback<()>,
    /// Opens the lesson index.
    pub on_lessons: Callback<()>,
}

/// The title bar.
#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let (label, class, title) = match &props.backend {
        None => ("detecting…".to_string(), "detecting", "probing for WebGPU".to_string()),
        Some(info) if info.timing => (
            "timing…".into(),
            "detecting",
            "timing this setup's step on the CPU and on WebGPU, to compute on the faster".into(),
        ),
        Some(info) if info.webgpu => ("WebGPU".into(), "webgpu", "burn's WebGPU backend, in a worker".into()),
        Some(info) => {
            let (label, workers) = if props.second_worker {
                (
                    "CPU, 2 workers",
                    "two workers, on two cores: the base model trains in the second, beside the regularized one",
                )
            } else {
                ("CPU", "a worker")
            };
            let title = match &info.webgpu_unavailable {
                Some(why) => format!("burn's CPU backend in {workers}. {why}"),
                None => format!("burn's CPU backend in {workers} (WebGPU available: switch below)"),
            };
            (label.into(), "cpu", title)
        }
    };
    let webgpu_possible = props.backend.as_ref().is_some_and(|b| b.webgpu_unavailable.is_none());
    let on_change = props.on_backend.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        match select.value().as_str() {
            "cpu" => BackendChoice::Cpu,
            "webgpu" => BackendChoice::WebGpu,
            _ => BackendChoice::Auto,
        }
    });
    let selected = |c: BackendChoice| c == props.choice;
    html! {
        <header class="top">
            <div>
                <h1>{ "NSL Playground" }</h1>
                <p class="tagline">{ "Neural Structured Learning in your browser: graph and adversarial regularization, computed as TensorFlow NSL computes them." }</p>
            </div>
            <div class="header-tools">
                <div class="backend-status">
                    <span class={classes!("badge", class)} title={title.clone()} data-testid="backend" id="backend-badge">
                        { format!("Backend: {label}") }
                    </span>
                    if let Some(times) = props.backend.as_ref().and_then(|b| b.times.filter(|_| !b.timing)) {
                        <span id="backend-why" class="backend-why" title="timed when the setup loaded: a few steps of its models on each backend, each ended by reading the numbers back; the faster computes (choose one beside to override)">
                            { step_times(&times) }
                        </span>
                    }
                </div>
                if props.show_switch {
                    <label class="inline" for="backend">{ "Compute on" }
                        <select id="backend" onchange={on_change}>
                            <option value="auto" selected={selected(BackendChoice::Auto)}>{ "best available" }</option>
                            <option value="webgpu" selected={selected(BackendChoice::WebGpu)} disabled={!webgpu_possible}>{ "WebGPU" }</option>
                            <option value="cpu" selected={selected(BackendChoice::Cpu)}>{ "CPU" }</option>
                        </select>
                    </label>
                }
                <button id="lessons-open" class="primary" onclick={props.on_lessons.reform(|_| ())}>{ "Lessons" }</button>
                <button id="classroom-open" onclick={props.on_classroom.reform(|_| ())}>{ "Classroom link…" }</button>
            </div>
        </header>
    }
}

/// "CPU: 1.2 ms per step, WebGPU: 38 ms per step for this model".
pub fn step_times(times: &StepTimes) -> String {
    format!(
        "CPU: {} per step, WebGPU: {} per step for this model",
        millis(times.cpu_ms),
        millis(times.webgpu_ms)
    )
}

/// Milliseconds to two significant figures or so: 0.42 ms, 1.2 ms, 38 ms, 1,250 ms.
fn millis(ms: f64) -> String {
    match ms {
        ms if ms < 1.0 => format!("{ms:.2} ms"),
        ms if ms < 10.0 => format!("{ms:.1} ms"),
        ms if ms < 1000.0 => format!("{ms:.0} ms"),
        ms => format!("{},{:03} ms", (ms / 1000.0).floor(), (ms % 1000.0).floor()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_times_read_as_the_header_says_them() {
        let times = StepTimes { cpu_ms: 1.23, webgpu_ms: 38.4 };
        assert_eq!(step_times(&times), "CPU: 1.2 ms per step, WebGPU: 38 ms per step for this model");
        assert_eq!(millis(0.456), "0.46 ms");
        assert_eq!(millis(1250.7), "1,250 ms");
    }
}
