//! The lesson index: a card per built-in lesson (what you will learn, level, minutes, how far
//! you got), and a teacher's own lesson file opened by picking or dropping it.

use std::rc::Rc;

use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, FileList, HtmlInputElement};
use yew::prelude::*;

use crate::lesson::address::Source;
use crate::lesson::progress::Progress;
use crate::lesson::{Lesson, limits};
use crate::state::LessonAction;

/// Props of [`LessonIndex`].
#[derive(Debug, Properties, PartialEq)]
pub struct LessonIndexProps {
    /// The built-in lessons.
    pub lessons: Rc<Vec<Rc<Lesson>>>,
    /// What the learner has done.
    pub progress: Progress,
    /// Lesson actions (opening one, closing the index).
    pub on_lesson: Callback<LessonAction>,
    /// A lesson file was refused (the message names the file, the step and the fault).
    pub on_error: Callback<String>,
}

/// The lesson index.
#[function_component(LessonIndex)]
pub fn lesson_index(props: &LessonIndexProps) -> Html {
    let open_file = {
        let (on_lesson, on_error) = (props.on_lesson.clone(), props.on_error.clone());
        move |files: Option<FileList>| {
            let Some(file): Option<File> = files.and_then(|f| f.get(0)) else { return };
            let (on_lesson, on_error) = (on_lesson.clone(), on_error.clone());
            let name = file.name();
            if file.size() > limits::MAX_FILE_BYTES as f64 {
                on_error.emit(format!(
                    "Lesson file “{name}”: {}",
                    limits::over("its size in bytes", file.size() as usize, limits::MAX_FILE_BYTES)
                ));
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
                let Some(text) = text else {
                    on_error.emit(format!("Lesson file “{name}” could not be read as text."));
                    return;
                };
                match crate::lesson::parse(&name, &text) {
                    Ok(lesson) => on_lesson.emit(LessonAction::Open {
                        lesson: Rc::new(lesson),
                        source: Source::File { name, text },
                        step: 0,
                        present: false,
                    }),
                    Err(e) => on_error.emit(e.to_string()),
                }
            });
        }
    };
    let onchange = {
        let open_file = open_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            open_file(input.files());
            input.set_value("");
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = Callback::from(move |e: DragEvent| {
        e.prevent_default();
        open_file(e.data_transfer().and_then(|d| d.files()));
    });
    let close = props.on_lesson.reform(|_: MouseEvent| LessonAction::Index(false));
    html! {
        <section class="card lesson-index" role="dialog" aria-labelledby="lessons-title" id="lesson-index-panel">
            <div class="row spread">
                <h2 id="lessons-title">{ "Lessons" }</h2>
                <button id="lessons-close" onclick={close}>{ "Close" }</button>
            </div>
            <p class="hint">{ "Each lesson walks through one idea of Neural Structured Learning with the playground doing the showing. Your place in each is kept in this browser." }</p>
            <ul class="lesson-cards">
                { for props.lessons.iter().map(|lesson| {
                    let progress = props.progress.of(&lesson.id);
                    let tasks = lesson.steps.iter().filter(|s| s.task.is_some()).count();
                    let done = progress.done.len().min(tasks);
                    let started = progress.done.len() + progress.step > 0;
                    let open = {
                        let (lesson, step) = (lesson.clone(), if started { progress.step } else { 0 });
                        props.on_lesson.reform(move |_: MouseEvent| LessonAction::Open {
                            lesson: lesson.clone(),
                            source: Source::Builtin(lesson.id.clone()),
                            step,
                            present: false,
                        })
                    };
                    html! {
                        <li class="lesson-card" data-lesson={lesson.id.clone()}>
                            <h3>{ lesson.title.clone() }</h3>
                            <p>{ lesson.summary.clone() }</p>
                            <p class="meta">
                                { format!("{} · {} steps · about {} min", lesson.level.label(), lesson.steps.len(), lesson.minutes()) }
                                if let Some(source) = &lesson.source { <br />{ format!("Follows {source}") } }
                            </p>
                            <p class="meta">{ if started { format!("{done} of {tasks} tasks done · you were on step {}", progress.step + 1) } else { "not started".to_string() } }</p>
                            <button class="primary" id={format!("open-lesson-{}", lesson.id)} onclick={open}>
                                { if started { "Continue" } else { "Start" } }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <div class="dropzone" ondragover={ondragover} ondrop={ondrop}>
                <label for="lesson-file">{ "Your own lesson: pick or drop a lesson file (.toml, see docs/lessons.md)" }
                    <input id="lesson-file" type="file" accept=".toml,text/plain" onchange={onchange} />
                </label>
            </div>
        </section>
    }
}
