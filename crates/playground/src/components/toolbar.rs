//! Play / pause / step / reset, the speed control, and where training stands.

use yew::prelude::*;

use crate::protocol::{Command, Stop};
use crate::state::Status;

/// Steps per snapshot on offer.
pub const SPEEDS: [usize; 7] = [1, 2, 5, 10, 20, 50, 100];

/// Props of [`Toolbar`].
#[derive(Debug, Properties, PartialEq)]
pub struct ToolbarProps {
    /// Trainer status.
    pub status: Status,
    /// Steps done.
    pub step: usize,
    /// Epochs done (fractional).
    pub epoch: f64,
    /// Steps the setup trains for.
    pub total_steps: usize,
    /// Steps per snapshot.
    pub speed: usize,
    /// Commands to the worker.
    pub on_command: Callback<Command>,
    /// Speed changes.
    pub on_speed: Callback<usize>,
    /// Name of the loaded setup.
    pub loaded: AttrValue,
    /// Losses of the first and latest snapshot (shown, and read by the browser tests).
    pub losses: (Option<f32>, Option<f32>),
    /// Whether the worker trains the setup as edited (read by the browser tests, which wait
    /// for it after an edit instead of sleeping).
    pub synced: bool,
}

/// The transport bar.
#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let running = props.status == Status::Running;
    let loading = props.status == Status::Loading;
    let send = |c: Command| props.on_command.reform(move |_: MouseEvent| c.clone());
    let on_speed = props.on_speed.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        select.value().parse().unwrap_or(10)
    });
    let message = match &props.status {
        Status::Loading => html! { <span>{ "Loading…" }</span> },
        Status::Idle => html! { <span>{ "Ready: press play." }</span> },
        Status::Running => html! { <span>{ "Training…" }</span> },
        Status::Paused => html! { <span>{ "Paused." }</span> },
        Status::Stopped(Stop::Finished) => {
            html! { <span>{ "Done: all epochs trained. Raise the epochs to go on." }</span> }
        }
        Status::Stopped(Stop::Diverged { message, advice }) => html! {
            <span class="error" role="alert">{ format!("Diverged: {message}. {advice}") }</span>
        },
        Status::Stopped(Stop::Failed { message }) => {
            html! { <span class="error" role="alert">{ message.clone() }</span> }
        }
    };
    let fmt = |l: Option<f32>| l.map_or(String::new(), |l| l.to_string());
    html! {
        // A named region (a landmark screen readers list), not role="toolbar": that role
        // promises arrow-key movement between the buttons, and Tab is what moves here.
        <section class="toolbar" aria-label="Training">
            <button id="reset" onclick={send(Command::Reset)} disabled={loading} title="Fresh models, same setup">{ "⟲ Reset" }</button>
            if running {
                <button id="play" class="primary" onclick={send(Command::Pause)} aria-pressed="true">{ "❚❚ Pause" }</button>
            } else {
                <button id="play" class="primary" onclick={send(Command::Play)} disabled={loading} aria-pressed="false">{ "▶ Play" }</button>
            }
            <button id="step" onclick={send(Command::Step)} disabled={running || loading} title="One optimizer step">{ "Step" }</button>
            <label class="inline" for="speed" title="At least this many steps between two updates of the page; a model that takes them in less than two frames (33 ms) trains on until that time is up">{ "Steps per update" }
                <select id="speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|&s| html! { <option value={s.to_string()} selected={s == props.speed}>{ s }</option> }) }
                </select>
            </label>
            <output id="progress" data-step={props.step.to_string()} data-first-loss={fmt(props.losses.0)}
                data-last-loss={fmt(props.losses.1)} data-status={props.status.key()} data-loaded={props.loaded.clone()}
                data-synced={props.synced.to_string()}>
                { format!("step {} / {} · epoch {:.2}", props.step, props.total_steps, props.epoch) }
                if let Some(l) = props.losses.1 { { format!(" · loss {l:.4}") } }
            </output>
            <div class="status" aria-live="polite" id="status">{ message }</div>
        </section>
    }
}
