//! The lesson on screen as the page state holds it, and what a learner does with it: plain data
//! (the reducer in `state` acts on it).

use std::rc::Rc;

use nsl::spec::ExperimentSpec;

use super::address::Source;
use super::{Lesson, Step};
use crate::presets;
use crate::shared::Shared;

/// The lesson on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonView {
    /// The lesson.
    pub lesson: Rc<Lesson>,
    /// Where it came from (a built-in's id, or a teacher's file: what its link carries).
    pub source: Source,
    /// The step shown (0-based).
    pub step: usize,
    /// Free play: the learner left the path; the setup they had then, restored on return.
    pub away: Option<Shared<ExperimentSpec>>,
    /// The presenter view.
    pub present: bool,
    /// The step asked for fresh models and they have not arrived: until they do, the figures
    /// on screen are of models trained before the step, and no check may pass on them.
    pub fresh_pending: bool,
    /// The models' generation when the step began.
    pub entered: usize,
}

impl LessonView {
    /// The step shown.
    pub fn current(&self) -> &Step {
        &self.lesson.steps[self.step]
    }
}

/// What a learner does with a lesson.
#[derive(Debug, Clone, PartialEq)]
pub enum LessonAction {
    /// Open `lesson` (from `source`) at `step`, in the presenter view or not.
    Open { lesson: Rc<Lesson>, source: Source, step: usize, present: bool },
    /// Go to a step.
    Go(usize),
    /// Leave the path for free play.
    Leave,
    /// Back to the step from free play.
    Return,
    /// Close the lesson.
    Close,
    /// Presenter view on or off.
    Present(bool),
    /// Open or close the lesson index.
    Index(bool),
}

/// The spec of step `step` as the lesson builds it from the opening scene (a setup that fails
/// there keeps the spec before it: the lesson file was checked on this very path).
pub fn replay(lesson: &Lesson, step: usize) -> ExperimentSpec {
    lesson.steps[..=step].iter().fold(presets::opening_scene(), |spec, s| match &s.setup {
        Some(setup) => setup.build(&spec).unwrap_or(spec),
        None => spec,
    })
}
