//! The lesson being followed: which step, what the learner passed, free play and the way back.
//! The reducer enters steps (their setup, the controls they show) and evaluates the step's
//! task on live state after every action.

use nsl::spec::ExperimentSpec;
use serde_json::{Value, json};

use super::{History, State};
use crate::adversary::Method;
use crate::lesson::Panel;
use crate::lesson::check::{Check, Figures, Live};
use crate::lesson::view::{LessonAction, LessonView, replay};
use crate::protocol::Variant;
use crate::shared::Shared;

impl State {
    pub(super) fn on_lesson(&mut self, action: LessonAction) {
        match action {
            LessonAction::Open { lesson, source, step, present } => {
                let step = step.min(lesson.steps.len() - 1);
                self.page.lessons_open = false;
                self.page.notice = None;
                self.lesson = Some(LessonView {
                    lesson: lesson.clone(),
                    source,
                    step,
                    away: None,
                    present,
                    fresh_pending: false,
                    entered: self.training.generation,
                });
                // A lesson opens at its step as the lesson built it.
                let spec = replay(&lesson, step);
                self.enter(step, spec, true);
            }
            LessonAction::Go(step) => {
                let Some(view) = &self.lesson else { return };
                let lesson = view.lesson.clone();
                if step >= lesson.steps.len() {
                    return;
                }
                let from = view.step;
                if step == from {
                    return;
                }
                // Forward: each step's setup on the learner's setup, as a teacher turns the
                // knobs; back (or a setup that no longer fits it): the step as the lesson builds it.
                let forward = (from + 1..=step)
                    .try_fold((*self.spec).clone(), |spec, i| match &lesson.steps[i].setup {
                        Some(setup) => setup.build(&spec).ok(),
                        None => Some(spec),
                    })
                    .filter(|_| step > from);
                let fresh =
                    forward.is_none() || lesson.steps[from + 1..=step].iter().any(|s| s.setup.is_some());
                let spec = forward.unwrap_or_else(|| replay(&lesson, step));
                self.enter(step, spec, fresh);
            }
            LessonAction::Leave => {
                if let Some(view) = &mut self.lesson {
                    view.away = Some(self.spec.clone());
                    self.page.reveal = true;
                }
            }
            LessonAction::Return => {
                if let Some(view) = &mut self.lesson
                    && let Some(spec) = view.away.take()
                {
                    self.page.reveal = false;
                    self.page.hidden = view.lesson.hidden(view.step);
                    self.remembered.note(&spec.regularization);
                    self.spec = spec;
                }
            }
            LessonAction::Close => {
                if self.lesson.take().is_some() {
                    self.page.hidden.clear();
                    self.page.reveal = false;
                }
            }
            LessonAction::Present(on) => {
                if let Some(view) = &mut self.lesson {
                    view.present = on;
                }
            }
            LessonAction::Index(open) => self.page.lessons_open = open,
        }
    }

    /// Shows step `step` of the open lesson on `spec`, from `fresh` models: a step's setup
    /// starts its own training (models trained in an earlier step would pass its checks).
    fn enter(&mut self, step: usize, spec: ExperimentSpec, fresh: bool) {
        let Some(view) = &mut self.lesson else { return };
        if fresh {
            self.page.fresh_models += 1;
            view.fresh_pending = true;
        }
        view.step = step;
        view.away = None;
        view.entered = self.training.generation;
        self.page.hidden = view.lesson.hidden(step);
        self.page.reveal = false;
        self.progress.on_step(&view.lesson.id, step);
        if spec != *self.spec {
            self.remembered.note(&spec.regularization);
            if spec.data != self.spec.data {
                self.inspector.node = None;
                self.inspector.clear();
            }
            self.spec = Shared::new(spec);
        }
    }

    /// The panel the lesson points at now.
    pub fn highlight(&self) -> Option<Panel> {
        self.lesson.as_ref().filter(|v| v.away.is_none()).and_then(|v| v.current().highlight)
    }

    /// Whether the task of the step shown has passed (`true` for a step without one).
    pub fn task_passed(&self) -> bool {
        self.lesson.as_ref().is_some_and(|v| {
            v.current().task.is_none() || self.progress.of(&v.lesson.id).done.contains(&v.step)
        })
    }

    /// Evaluates the shown step's task on the state as it is now; a pass is kept.
    pub(super) fn evaluate_lesson(&mut self) {
        let Some(view) = &self.lesson else { return };
        let Some(task) = &view.current().task else { return };
        if view.away.is_some()
            || view.fresh_pending
            || self.progress.of(&view.lesson.id).done.contains(&view.step)
        {
            return;
        }
        // "Change it and train again": not on the models that trained before the change.
        if task.after_reset && self.training.generation <= view.entered {
            return;
        }
        let live = self.live(&task.checks);
        if task.checks.iter().all(|c| c.holds(&live)) {
            let (id, step) = (view.lesson.id.clone(), view.step);
            self.progress.passed(&id, step);
        }
    }

    /// What `checks` read (the spec as JSON only when one of them reads it: this runs after
    /// every action while a task waits, and a drawn graph makes the spec long).
    pub fn live(&self, checks: &[Check]) -> Live {
        let probe = &self.adversary.probe;
        let method = match probe.method {
            Method::Fgsm => "fgsm",
            Method::Pgd => "pgd",
            Method::Vat => "vat",
        };
        let flipped = |variant: Variant| self.probe_of(variant)?.flipped_share();
        let figures = |history: &History, variant: Variant| {
            history.latest.as_ref().map(|p| Figures {
                step: p.step as f64,
                epoch: p.epoch,
                loss: history.points.last().map(|p| f64::from(p.total)),
                train_accuracy: p.train_acc,
                test_accuracy: p.test_acc,
                attacked_accuracy: p.attacked_acc,
                flipped: flipped(variant),
                dgi_accuracy: p.dgi_acc,
            })
        };
        Live {
            spec: if checks.iter().any(Check::reads_spec) {
                serde_json::to_value(&*self.spec).unwrap_or(Value::Null)
            } else {
                Value::Null
            },
            probe: json!({
                "method": method,
                "norm": serde_json::to_value(probe.norm).unwrap_or(Value::Null),
                "epsilon": probe.epsilon,
                "pgd_iterations": probe.pgd_iterations,
                "pgd_ball": probe.pgd_ball,
            }),
            sampling: {
                let sampling = &self.explorer.sampling;
                json!({
                    "hops": sampling.hops.len(),
                    "fanouts": sampling.hops.iter().map(|h| h.size).collect::<Vec<_>>(),
                    "strategies": sampling.hops.iter().map(|h| serde_json::to_value(h.strategy).unwrap_or(Value::Null)).collect::<Vec<_>>(),
                    "roots": sampling.seeds.len(),
                })
            },
            synced: self.synced(),
            regularized: figures(&self.training.regularized, Variant::Regularized),
            base: self.training.base.as_ref().and_then(|b| figures(b, Variant::Base)),
            robustness_measured: self
                .adversary
                .robustness
                .as_ref()
                .is_some_and(|r| r.finished() && r.error.is_none()),
            inspected: self.inspector.node.is_some() && !self.inspector.models.is_empty(),
            // Drawn with the sampling as it is now (a change asks for a new sample).
            sampled: self.explorer.sample.is_some()
                && self.explorer.sampled_with.as_ref() == Some(&self.explorer.sampling),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::rc::Rc;

    use super::*;
    use crate::lesson::address::Source;
    use crate::link::Section;
    use crate::presets;
    use crate::protocol::{BackendChoice, Event};
    use crate::state::Action;
    use nsl::session::Progress;
    use yew::Reducible;

    const LESSON: &str = r#"
id = "walk"
title = "A walk"
summary = "Three steps."
level = "beginner"

[[step]]
title = "Karate"
minutes = 1
text = "A graph."
show = ["regularization"]
[step.setup]
from = "karate"
[step.task]
prompt = "Train to 0.8."
success = "Yes."
[[step.task.check]]
metric = "test_accuracy"
at_least = 0.8

[[step]]
title = "No graph"
minutes = 1
text = "Set the multiplier to 0."
highlight = "regularization"
[step.task]
prompt = "Multiplier 0, then Reset."
success = "Yes."
after_reset = true
[[step.task.check]]
setting = "regularization.graph.multiplier"
equals = 0

[[step]]
title = "Wider"
minutes = 1
text = "Wider."
show = ["model", "optimizer"]
[step.setup]
set = { "model.hidden" = [32] }
"#;

    fn open(step: usize) -> Rc<State> {
        let lesson = Rc::new(crate::lesson::parse("walk.toml", LESSON).unwrap());
        let state = Rc::new(State::new(presets::opening_scene(), BTreeSet::new(), BackendChoice::Auto, 10));
        state.reduce(Action::Lesson(LessonAction::Open {
            lesson,
            source: Source::Builtin("walk".into()),
            step,
            present: false,
        }))
    }

    fn progress(step: usize, test_acc: f64) -> Progress {
        Progress { train_acc: test_acc, test_acc, ..crate::state::tests::progress(step, 1.0) }
    }

    fn trained(state: Rc<State>, test_acc: f64) -> Rc<State> {
        let spec = (*state.spec).clone();
        state
            .reduce(Action::Worker(Event::Ready { spec, info: Box::new(crate::state::tests::points_info()) }))
            .reduce(Action::Worker(Event::Progress(vec![(Variant::Regularized, progress(40, test_acc))])))
    }

    #[test]
    fn a_lesson_opens_at_its_step_with_its_setup_and_controls() {
        let state = open(0);
        assert_eq!(*state.spec, presets::preset(presets::Family::Karate, 0));
        assert_eq!(state.page.hidden.len(), crate::link::SECTIONS.len() - 1);
        assert!(state.shows(Section::Regularization) && !state.shows(Section::Data));
        assert!(!state.task_passed());
        // By link at step 3: the setups of steps 1 to 3, and step 1's controls list kept.
        let third = open(2);
        assert!(matches!(&third.spec.model, nsl::spec::ModelSpec::Mlp { hidden, .. } if hidden == &[32]));
        assert!(third.shows(Section::Model) && !third.shows(Section::Regularization));
        assert_eq!(third.progress.of("walk").step, 2);
        assert!(third.task_passed(), "a step without a task");
        assert_eq!(open(99).lesson.as_ref().unwrap().step, 2, "past the end: the last step");
    }

    #[test]
    fn tasks_pass_on_live_figures_of_the_setup_as_edited_and_stay_passed() {
        // Before the fresh models the step asked for arrive, the old ones' figures do not count.
        let early =
            open(0).reduce(Action::Worker(Event::Progress(vec![(Variant::Regularized, progress(40, 0.9))])));
        assert!(early.lesson.as_ref().unwrap().fresh_pending && !early.task_passed());
        let state = trained(open(0), 0.7);
        assert!(!state.task_passed());
        let state = trained(state, 0.85);
        assert!(state.task_passed(), "test accuracy 0.85 ≥ 0.8");
        assert_eq!(state.progress.of("walk").done, [0].into());
        // An edit the worker has not applied: figures of the old models do not count.
        let fresh = trained(open(0), 0.7).reduce(Action::Edit(crate::edit::Edit::LearningRate(0.02)));
        let fresh =
            fresh.reduce(Action::Worker(Event::Progress(vec![(Variant::Regularized, progress(41, 0.9))])));
        assert!(!fresh.task_passed(), "not synced");
        // Step 2: a setting.
        let second = state.reduce(Action::Lesson(LessonAction::Go(1)));
        assert_eq!(second.highlight(), Some(Panel::Section(Section::Regularization)));
        assert!(!second.task_passed());
        let second = second.reduce(Action::Edit(crate::edit::Edit::GraphMultiplier(0.0)));
        assert!(!second.task_passed(), "the models trained before the change do not count");
        let spec = (*second.spec).clone();
        let second = second.reduce(Action::Worker(Event::Ready {
            spec,
            info: Box::new(crate::state::tests::points_info()),
        }));
        assert!(second.task_passed(), "fresh models (after Reset) with the multiplier at 0");
        assert!(second.progress.of("walk").done.contains(&0), "the first pass is kept");
    }

    #[test]
    fn going_on_keeps_the_learners_setup_and_free_play_comes_back_to_it() {
        let state = open(0).reduce(Action::Edit(crate::edit::Edit::LearningRate(0.02)));
        let fresh = state.page.fresh_models;
        let third = state.reduce(Action::Lesson(LessonAction::Go(2)));
        assert_eq!(third.spec.optimizer.learning_rate, 0.02, "forward: the learner's knobs stay");
        assert_eq!(third.page.fresh_models, fresh + 1, "step 3's setup starts from fresh models");
        let second = third.clone().reduce(Action::Lesson(LessonAction::Go(1)));
        let on = second.clone().reduce(Action::Lesson(LessonAction::Go(1)));
        assert_eq!(on.page.fresh_models, second.page.fresh_models, "the same step again: nothing restarts");
        assert!(matches!(&third.spec.model, nsl::spec::ModelSpec::Mlp { hidden, .. } if hidden == &[32]));
        let back = third.clone().reduce(Action::Lesson(LessonAction::Go(0)));
        assert_eq!(*back.spec, presets::preset(presets::Family::Karate, 0), "back: as the lesson builds it");

        let away = third.clone().reduce(Action::Lesson(LessonAction::Leave));
        assert!(away.shows(Section::Data) && away.highlight().is_none(), "free play shows everything");
        let played = away.reduce(Action::Edit(crate::edit::Edit::Family(presets::Family::Digits)));
        assert_eq!(Some(played.spec.data.clone()), Some(presets::preset(presets::Family::Digits, 0).data));
        let back = played.reduce(Action::Lesson(LessonAction::Return));
        assert_eq!(back.spec, third.spec, "the setup the learner left with");
        assert!(!back.shows(Section::Data) && back.lesson.as_ref().unwrap().step == 2);

        let lost = back.reduce(Action::WorkerLost("it panicked".into()));
        assert_eq!(lost.lesson.as_ref().map(|l| l.step), Some(2), "a lost worker keeps the lesson");
        let closed = lost.reduce(Action::Lesson(LessonAction::Close));
        assert!(closed.lesson.is_none() && closed.page.hidden.is_empty());
    }
}
