//! Guided lessons: a lesson is a sequence of steps, each with prose, the setup it starts from,
//! the controls it shows, and optionally a task whose check the reducer evaluates on live state.
//!
//! Lessons are data — one TOML file per lesson under `assets/lessons/`, in the format
//! `docs/lessons.md` documents — so a teacher writes one without touching Rust. This module
//! turns a file into a checked [`Lesson`] (or an error naming the file, the step and what is
//! wrong); [`check`] evaluates tasks, [`setup`] builds each step's spec, [`prose`] renders the
//! Markdown and TeX, [`builtin`] holds the lessons that ship with the page, [`view`] the lesson
//! on screen as the page state holds it. Plain data: nothing here imports the page state or a
//! component.

pub mod address;
pub mod builtin;
pub mod check;
mod file;
pub mod limits;
pub mod progress;
pub mod prose;
pub mod setup;
pub mod view;

use std::collections::BTreeSet;
use std::fmt;

pub use check::{Check, Live, Metric, Of};
pub use setup::Setup;

use crate::link::{SECTIONS, Section};

/// How much a lesson assumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// No machine learning beyond "a model fits data".
    Beginner,
    /// Knows training, losses and accuracy.
    Intermediate,
    /// Knows neural networks and graphs.
    Advanced,
}

impl Level {
    /// The word shown on the lesson's card.
    pub fn label(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }
}

/// A panel of the page a step can point at: a control group, or one of the views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Panel {
    /// A control group.
    Section(Section),
    /// Play, step, speed.
    Toolbar,
    /// The data view (points, digits or the graph).
    View,
    /// Loss and accuracy charts.
    Charts,
    /// The adversary card (the perturbation of one example).
    Adversary,
    /// The robustness curves.
    Robustness,
    /// The graph node inspector.
    Inspector,
    /// The graph explorer and its subgraph sampling.
    Explorer,
    /// The graph editor.
    Editor,
    /// The tools for the learner's own points.
    Points,
    /// An MLP on the plane drawn neuron by neuron.
    Network,
    /// A GNN's node embeddings layer by layer.
    Embeddings,
    /// A CNN's feature maps or an MLP's first-layer weights on digits.
    FeatureMaps,
    /// A GNN trained on sampled subgraphs: its cost beside full batch.
    Sampled,
    /// A heterogeneous graph: its node sets, edge sets and the model's rounds.
    Heterogeneous,
}

/// The panels that are not control groups, with their keys.
const VIEWS: [(Panel, &str); 14] = [
    (Panel::Toolbar, "toolbar"),
    (Panel::View, "view"),
    (Panel::Charts, "charts"),
    (Panel::Adversary, "adversary"),
    (Panel::Robustness, "robustness"),
    (Panel::Inspector, "inspector"),
    (Panel::Explorer, "explorer"),
    (Panel::Editor, "editor"),
    (Panel::Points, "points"),
    (Panel::Network, "network"),
    (Panel::Embeddings, "embeddings"),
    (Panel::FeatureMaps, "feature-maps"),
    (Panel::Sampled, "sampled"),
    (Panel::Heterogeneous, "heterogeneous"),
];

impl Panel {
    /// The key lesson files use (and the page's `data-highlight`).
    pub fn key(self) -> &'static str {
        match self {
            Panel::Section(section) => section.key(),
            other => VIEWS.iter().find(|(p, _)| *p == other).map(|(_, k)| *k).expect("listed"),
        }
    }

    /// The panel with `key`.
    pub fn from_key(key: &str) -> Option<Panel> {
        SECTIONS
            .iter()
            .find(|(_, k, _)| *k == key)
            .map(|(s, ..)| Panel::Section(*s))
            .or_else(|| VIEWS.iter().find(|(_, k)| *k == key).map(|(p, _)| *p))
    }

    /// The page's element the panel is, as a CSS selector (the style sheet outlines it under
    /// `[data-highlight="key"]`; the page scrolls it into view when a step points at it).
    pub fn selector(self) -> &'static str {
        match self {
            Panel::Section(Section::Data) => r#"section[aria-labelledby="data-title"]"#,
            Panel::Section(Section::Model) => r#"section[aria-labelledby="model-title"]"#,
            Panel::Section(Section::Regularization) => r#"section[aria-labelledby="reg-title"]"#,
            Panel::Section(Section::Optimizer) => r#"section[aria-labelledby="optimizer-title"]"#,
            Panel::Section(Section::Evaluation) => r#"section[aria-labelledby="evaluation-title"]"#,
            Panel::Section(Section::Export) => r#"section[aria-labelledby="export-title"]"#,
            Panel::Section(Section::Backend) => ".header-tools",
            Panel::Toolbar => "section.toolbar",
            Panel::View => ".views",
            Panel::Charts => ".chart",
            Panel::Adversary => "section.adversary",
            Panel::Robustness => "section.robustness",
            Panel::Inspector => "section.inspector",
            Panel::Explorer => "section.explorer",
            Panel::Editor => "section.graph-editor",
            Panel::Points => "section.point-tools",
            Panel::Network => "section.network",
            Panel::Embeddings => "section.embeddings",
            Panel::FeatureMaps => "section.digit-views",
            Panel::Sampled => "section.sampled-cost",
            Panel::Heterogeneous => "section.typed-graph",
        }
    }

    /// Every key, for messages.
    pub fn keys() -> Vec<&'static str> {
        SECTIONS.iter().map(|(_, k, _)| *k).chain(VIEWS.iter().map(|(_, k)| *k)).collect()
    }
}

/// A task: what to do, what counts as done, and what to say then.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// What to do (Markdown).
    pub prompt: String,
    /// All must hold.
    pub checks: Vec<Check>,
    /// Said when the checks pass (Markdown).
    pub success: String,
    /// The checks count only on models started after the step began: a task that says "change
    /// this and train again" is not passed by the models trained before the change.
    pub after_reset: bool,
}

/// One step of a lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Its title.
    pub title: String,
    /// How long it should take, in minutes.
    pub minutes: u32,
    /// The prose (Markdown with `$…$` and `$$…$$` TeX).
    pub text: String,
    /// The setup the step starts from (`None`: keep the current one).
    pub setup: Option<Setup>,
    /// The control groups shown (`None`: those of the step before; the first step shows all).
    pub show: Option<BTreeSet<Section>>,
    /// The panel the step points at.
    pub highlight: Option<Panel>,
    /// The task, if the step has one.
    pub task: Option<Task>,
    /// "What just happened", shown once the task passes (Markdown).
    pub reveal: Option<String>,
}

/// A checked lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// Its id (`#lesson=<id>`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// What you will learn (one or two sentences).
    pub summary: String,
    /// How much it assumes.
    pub level: Level,
    /// The tutorial it follows, if any.
    pub source: Option<String>,
    /// Its steps, at least one.
    pub steps: Vec<Step>,
}

impl Lesson {
    /// Minutes all steps should take.
    pub fn minutes(&self) -> u32 {
        self.steps.iter().map(|s| s.minutes).sum()
    }

    /// The control groups step `index` shows: its own list, else the last list before it, else
    /// every group.
    pub fn shown(&self, index: usize) -> BTreeSet<Section> {
        self.steps[..=index.min(self.steps.len() - 1)]
            .iter()
            .rev()
            .find_map(|s| s.show.clone())
            .unwrap_or_else(|| SECTIONS.iter().map(|(s, ..)| *s).collect())
    }

    /// The control groups step `index` hides.
    pub fn hidden(&self, index: usize) -> BTreeSet<Section> {
        let shown = self.shown(index);
        SECTIONS.iter().map(|(s, ..)| *s).filter(|s| !shown.contains(s)).collect()
    }
}

/// Why a lesson file was refused: the file, the step (1-based) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonError {
    /// The file's name.
    pub file: String,
    /// The step, when the fault is in one.
    pub step: Option<usize>,
    /// What is wrong.
    pub what: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step {
            Some(step) => write!(f, "Lesson file “{}”, step {step}: {}", self.file, self.what),
            None => write!(f, "Lesson file “{}”: {}", self.file, self.what),
        }
    }
}

impl std::error::Error for LessonError {}

/// Reads and checks the lesson file `name` holding `text`: its shape, its limits, every spec
/// its steps build, every control, panel and metric it names.
pub fn parse(name: &str, text: &str) -> Result<Lesson, LessonError> {
    file::parse(name, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_panel_is_outlined_by_the_style_sheet_as_its_selector_names_it() {
        let css = include_str!("../../../../www/style.css");
        for key in Panel::keys() {
            let panel = Panel::from_key(key).expect("listed");
            let rule = format!("[data-highlight=\"{key}\"] {}", panel.selector());
            assert!(css.contains(&rule), "www/style.css lacks `{rule}`");
        }
    }

    #[test]
    fn panels_have_distinct_keys_that_read_back() {
        let keys = Panel::keys();
        assert_eq!(keys.iter().collect::<BTreeSet<_>>().len(), keys.len());
        for key in keys {
            assert_eq!(Panel::from_key(key).map(Panel::key), Some(key));
        }
        assert_eq!(Panel::from_key("regularisation"), None);
    }
}
