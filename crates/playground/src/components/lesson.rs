//! The lesson beside the tool: the step's title and prose, its task with each check's state,
//! the feedback and the reveal once it passes, the way between steps, free play and back, and
//! in the presenter view a link that puts every learner on this step.

use std::collections::BTreeSet;

use yew::prelude::*;

use crate::components::prose::Prose;
use crate::state::{LessonAction, LessonView};

/// Props of [`LessonPanel`].
#[derive(Debug, Properties, PartialEq)]
pub struct LessonPanelProps {
    /// The lesson on screen.
    pub view: LessonView,
    /// Steps whose task passed.
    pub done: BTreeSet<usize>,
    /// The shown step's checks in words, and whether each holds now.
    pub checks: Vec<(String, bool)>,
    /// The link to this step (for the presenter).
    pub step_link: AttrValue,
    /// Lesson actions.
    pub on_lesson: Callback<LessonAction>,
}

/// The lesson panel.
#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let view = &props.view;
    let lesson = &view.lesson;
    let step = view.current();
    let (index, count) = (view.step, lesson.steps.len());
    let act = |action: LessonAction| props.on_lesson.reform(move |_: MouseEvent| action.clone());
    if view.away.is_some() {
        return html! {
            <aside class="lesson-panel away" id="lesson-panel" aria-label="Lesson">
                <p>{ format!("Free play — the lesson “{}” waits at step {} of {count}.", lesson.title, index + 1) }</p>
                <button id="lesson-return" class="primary" onclick={act(LessonAction::Return)}>{ "Back to the lesson" }</button>
            </aside>
        };
    }
    let passed = step.task.is_none() || props.done.contains(&index);
    let copy = {
        let link = props.step_link.to_string();
        Callback::from(move |_: MouseEvent| {
            if let Some(window) = web_sys::window() {
                // The clipboard may be refused: the link stays selectable.
                let _ = window.navigator().clipboard().write_text(&link);
            }
        })
    };
    html! {
        <aside class={classes!("lesson-panel", view.present.then_some("present"))} id="lesson-panel" aria-label="Lesson"
            data-step={(index + 1).to_string()} data-passed={passed.to_string()}>
            <div class="lesson-head">
                <p class="lesson-name">
                    <strong>{ lesson.title.clone() }</strong>
                    { format!(" · step {} of {count} · about {} min", index + 1, step.minutes) }
                </p>
                <div class="row">
                    <button id="lesson-index" onclick={act(LessonAction::Index(true))}>{ "All lessons" }</button>
                    <button id="lesson-present" aria-pressed={view.present.to_string()}
                        onclick={act(LessonAction::Present(!view.present))}>{ "Presenter view" }</button>
                    <button id="lesson-leave" onclick={act(LessonAction::Leave)}
                        title="Every control, no task: come back to this step when you like">{ "Free play" }</button>
                    <button id="lesson-close" onclick={act(LessonAction::Close)} aria-label="Close the lesson">{ "×" }</button>
                </div>
            </div>
            <ol class="step-dots" aria-label="Steps">
                { for lesson.steps.iter().enumerate().map(|(i, s)| {
                    let label = format!("Step {}: {}{}", i + 1, s.title, if props.done.contains(&i) { " (done)" } else { "" });
                    html! {
                        <li>
                            <button class={classes!("dot", props.done.contains(&i).then_some("done"))}
                                aria-current={(i == index).then_some("step")} aria-label={label.clone()} title={label}
                                onclick={act(LessonAction::Go(i))}>{ (i + 1).to_string() }</button>
                        </li>
                    }
                }) }
            </ol>
            <h2 id="lesson-step-title">{ step.title.clone() }</h2>
            <Prose markdown={AttrValue::from(step.text.clone())} class="lesson-text" />
            if let Some(task) = &step.task {
                <section class={classes!("task", passed.then_some("passed"))} id="lesson-task" aria-labelledby="task-title">
                    <h3 id="task-title">{ if passed { "Done" } else { "Your turn" } }</h3>
                    <Prose markdown={AttrValue::from(task.prompt.clone())} />
                    <ul class="checks" aria-label="What counts as done">
                        { for props.checks.iter().map(|(what, holds)| html! {
                            <li class={if *holds || passed { "holds" } else { "pending" }}>
                                <span aria-hidden="true">{ if *holds || passed { "✓ " } else { "○ " } }</span>{ what.clone() }
                            </li>
                        }) }
                    </ul>
                    if passed {
                        <div class="success" role="status" id="lesson-success">
                            <Prose markdown={AttrValue::from(task.success.clone())} />
                        </div>
                    }
                </section>
            }
            if let (true, Some(reveal)) = (passed, &step.reveal) {
                <details class="reveal" id="lesson-reveal" open=true>
                    <summary>{ "What just happened" }</summary>
                    <Prose markdown={AttrValue::from(reveal.clone())} />
                </details>
            }
            <nav class="lesson-nav" aria-label="Lesson steps">
                <button id="lesson-back" disabled={index == 0} onclick={act(LessonAction::Go(index.saturating_sub(1)))}>{ "← Back" }</button>
                if index + 1 < count {
                    <button id="lesson-next" class={classes!(passed.then_some("primary"))}
                        onclick={act(LessonAction::Go(index + 1))}>{ if passed { "Next →" } else { "Skip ahead →" } }</button>
                } else {
                    <button id="lesson-finish" class="primary" onclick={act(LessonAction::Index(true))}>{ "Finish: all lessons" }</button>
                }
            </nav>
            if view.present {
                <div class="presenter-link">
                    <label for="step-link">{ "Put every learner on this step" }
                        <input id="step-link" type="text" readonly=true value={props.step_link.clone()} />
                    </label>
                    <button onclick={copy}>{ "Copy link" }</button>
                </div>
            }
        </aside>
    }
}
