//! The lesson file as written (TOML, `docs/lessons.md`) and its checking into a [`Lesson`].
//! Every fault is reported with the file, the step and what is wrong.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::check::{Check, METRICS, Metric, Of, Subject, Test, resolve};
use super::limits::{self, over};
use super::setup::{Setup, Start};
use super::{Lesson, LessonError, Level, Panel, Step, Task};
use crate::link::Section;
use crate::presets::{self, FAMILIES, Family};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    id: String,
    title: String,
    summary: String,
    level: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    step: Vec<RawStep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    title: String,
    minutes: u32,
    text: String,
    #[serde(default)]
    setup: Option<RawSetup>,
    #[serde(default)]
    show: Option<Vec<String>>,
    #[serde(default)]
    highlight: Option<String>,
    #[serde(default)]
    task: Option<RawTask>,
    #[serde(default)]
    reveal: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSetup {
    /// A family key, `opening` or `current` (the default).
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    seed: u64,
    /// A whole spec instead of `from`.
    #[serde(default)]
    spec: Option<Value>,
    #[serde(default)]
    set: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    prompt: String,
    success: String,
    /// The task passes only on models started after the step began (the learner pressed Reset).
    #[serde(default)]
    after_reset: bool,
    #[serde(default)]
    check: Vec<RawCheck>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    metric: Option<String>,
    #[serde(default)]
    of: Option<String>,
    #[serde(default)]
    setting: Option<String>,
    #[serde(default)]
    at_least: Option<f64>,
    #[serde(default)]
    at_most: Option<f64>,
    #[serde(default)]
    equals: Option<Value>,
    #[serde(default)]
    present: Option<bool>,
}

/// The adversary card's settings a check may read.
const PROBE_SETTINGS: [&str; 5] = ["method", "norm", "epsilon", "pgd_iterations", "pgd_ball"];
/// The explorer's sampling settings a check may read.
const SAMPLING_SETTINGS: [&str; 4] = ["hops", "fanouts", "strategies", "roots"];

/// TOML has no null: the string `"off"` turns an optional part off.
const OFF: &str = "off";

pub(super) fn parse(name: &str, text: &str) -> Result<Lesson, LessonError> {
    let fail = |step: Option<usize>, what: String| LessonError { file: name.to_string(), step, what };
    if text.len() > limits::MAX_FILE_BYTES {
        return Err(fail(None, over("its size in bytes", text.len(), limits::MAX_FILE_BYTES)));
    }
    let raw: RawLesson = toml::from_str(text).map_err(|e| {
        let step = e.span().map(|span| step_at(text, span.start));
        fail(step, e.message().to_string())
    })?;
    let line = |field: &str, value: &str| {
        let chars = value.chars().count();
        if chars > limits::MAX_LINE_CHARS {
            Err(over(&format!("the {field}'s length"), chars, limits::MAX_LINE_CHARS))
        } else if value.trim().is_empty() {
            Err(format!("the {field} is empty"))
        } else {
            Ok(value.to_string())
        }
    };
    let id_ok = !raw.id.is_empty()
        && raw.id.len() <= limits::MAX_ID_CHARS
        && raw.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        return Err(fail(
            None,
            format!("the id must be 1 to {} characters of a–z, 0–9 and “-”", limits::MAX_ID_CHARS),
        ));
    }
    let level = match raw.level.as_str() {
        "beginner" => Level::Beginner,
        "intermediate" => Level::Intermediate,
        "advanced" => Level::Advanced,
        other => {
            return Err(fail(
                None,
                format!("level “{other}” is not one of beginner, intermediate, advanced"),
            ));
        }
    };
    if raw.step.is_empty() {
        return Err(fail(None, "a lesson needs at least one [[step]]".into()));
    }
    if raw.step.len() > limits::MAX_STEPS {
        return Err(fail(None, over("the number of steps", raw.step.len(), limits::MAX_STEPS)));
    }
    let title = line("title", &raw.title).map_err(|e| fail(None, e))?;
    let summary = line("summary", &raw.summary).map_err(|e| fail(None, e))?;
    let source = raw.source.as_deref().map(|s| line("source", s)).transpose().map_err(|e| fail(None, e))?;

    // The steps are checked in order on the specs they build, starting from the opening scene
    // (a lesson opened by link starts there too).
    let mut spec = presets::opening_scene();
    let mut steps = Vec::with_capacity(raw.step.len());
    for (index, raw_step) in raw.step.into_iter().enumerate() {
        let number = index + 1;
        let step = check_step(raw_step, &mut spec).map_err(|what| fail(Some(number), what))?;
        steps.push(step);
    }
    Ok(Lesson { id: raw.id, title, summary, level, source, steps })
}

/// The step (1-based) whose `[[step]]` table holds byte `offset` of `text` (`0`: before the
/// first step, reported as step 1).
fn step_at(text: &str, offset: usize) -> usize {
    let before = &text[..offset.min(text.len())];
    before.lines().filter(|l| l.trim_start().starts_with("[[step]]")).count().max(1)
}

fn prose(field: &str, text: &str) -> Result<String, String> {
    let chars = text.chars().count();
    if chars > limits::MAX_TEXT_CHARS {
        return Err(over(&format!("the {field}'s length"), chars, limits::MAX_TEXT_CHARS));
    }
    Ok(text.to_string())
}

fn check_step(raw: RawStep, spec: &mut nsl::spec::ExperimentSpec) -> Result<Step, String> {
    let title = raw.title.trim().to_string();
    if title.is_empty() || title.chars().count() > limits::MAX_LINE_CHARS {
        return Err(format!("a step needs a title of 1 to {} characters", limits::MAX_LINE_CHARS));
    }
    if raw.minutes == 0 || raw.minutes > limits::MAX_MINUTES {
        return Err(format!("minutes must be 1 to {}, not {}", limits::MAX_MINUTES, raw.minutes));
    }
    let text = prose("text", &raw.text)?;
    let reveal = raw.reveal.as_deref().map(|r| prose("reveal", r)).transpose()?;
    let setup = raw.setup.map(check_setup).transpose()?;
    if let Some(setup) = &setup {
        *spec = setup.build(spec).map_err(|e| format!("its setup: {e}"))?;
    }
    let show = raw
        .show
        .map(|keys| {
            keys.iter()
                .map(|key| match Panel::from_key(key) {
                    Some(Panel::Section(section)) => Ok(section),
                    _ => Err(format!(
                        "show: “{key}” is not a control group (one of {})",
                        crate::link::SECTIONS.iter().map(|(_, k, _)| *k).collect::<Vec<_>>().join(", ")
                    )),
                })
                .collect::<Result<std::collections::BTreeSet<Section>, String>>()
        })
        .transpose()?;
    let highlight = raw
        .highlight
        .map(|key| {
            Panel::from_key(&key).ok_or_else(|| {
                format!("highlight: “{key}” is not a panel (one of {})", Panel::keys().join(", "))
            })
        })
        .transpose()?;
    let task = raw.task.map(|t| check_task(t, spec)).transpose()?;
    if reveal.is_some() && task.is_none() {
        return Err("a reveal follows a task: this step has none".into());
    }
    Ok(Step { title, minutes: raw.minutes, text, setup, show, highlight, task, reveal })
}

fn check_setup(raw: RawSetup) -> Result<Setup, String> {
    if raw.set.len() > limits::MAX_SET {
        return Err(over("the number of settings changed", raw.set.len(), limits::MAX_SET));
    }
    let start = match (raw.from.as_deref(), raw.spec) {
        (Some(_), Some(_)) => return Err("setup: give `from` or `spec`, not both".into()),
        (None, Some(spec)) => Start::Spec(Box::new(
            serde_json::from_value(spec).map_err(|e| format!("setup.spec is not a spec: {e}"))?,
        )),
        (None | Some("current"), None) => Start::Current,
        (Some("opening"), None) => Start::Opening,
        (Some(key), None) => match Family::from_key(key) {
            Some(family) => Start::Family(family, raw.seed),
            None => {
                let keys: Vec<&str> = FAMILIES.iter().map(|(f, _)| f.key()).collect();
                return Err(format!(
                    "setup.from: “{key}” is not current, opening or a data family ({})",
                    keys.join(", ")
                ));
            }
        },
    };
    let set = raw
        .set
        .into_iter()
        .map(|(path, value)| match value {
            Value::String(s) if s == OFF => (path, Value::Null),
            value => (path, value),
        })
        .collect();
    Ok(Setup { start, set })
}

fn check_task(raw: RawTask, spec: &nsl::spec::ExperimentSpec) -> Result<Task, String> {
    let prompt = prose("task's prompt", &raw.prompt)?;
    let success = prose("task's success", &raw.success)?;
    if raw.check.is_empty() {
        return Err("a task needs at least one [[step.task.check]]".into());
    }
    if raw.check.len() > limits::MAX_CHECKS {
        return Err(over("the number of checks", raw.check.len(), limits::MAX_CHECKS));
    }
    let json = serde_json::to_value(spec).map_err(|e| e.to_string())?;
    let checks = raw
        .check
        .into_iter()
        .enumerate()
        .map(|(i, c)| check_check(c, &json).map_err(|e| format!("check {}: {e}", i + 1)))
        .collect::<Result<_, _>>()?;
    Ok(Task { prompt, checks, success, after_reset: raw.after_reset })
}

fn check_check(raw: RawCheck, spec: &Value) -> Result<Check, String> {
    let subject = match (raw.metric, raw.setting) {
        (Some(metric), None) => {
            let metric = Metric::from_key(&metric).ok_or_else(|| {
                let keys: Vec<&str> = METRICS.iter().map(|(_, k)| *k).collect();
                format!("metric “{metric}” is not one of {}", keys.join(", "))
            })?;
            let of = match raw.of.as_deref() {
                None => Of::Regularized,
                Some(key) => Of::from_key(key)
                    .ok_or_else(|| format!("of: “{key}” is not one of regularized, base, gain"))?,
            };
            Subject::Metric(metric, of)
        }
        (None, Some(path)) => {
            if raw.of.is_some() {
                return Err("`of` is for metrics, not settings".into());
            }
            check_path(&path, spec)?;
            Subject::Setting(path)
        }
        _ => return Err("give one of `metric` or `setting`".into()),
    };
    let tests: Vec<Test> = [
        raw.at_least.map(Test::AtLeast),
        raw.at_most.map(Test::AtMost),
        raw.equals
            .map(|v| if v == Value::String(OFF.into()) { Test::Present(false) } else { Test::Equals(v) }),
        raw.present.map(Test::Present),
    ]
    .into_iter()
    .flatten()
    .collect();
    let [test] = <[Test; 1]>::try_from(tests)
        .map_err(|_| "give exactly one of at_least, at_most, equals, present".to_string())?;
    if let Test::AtLeast(v) | Test::AtMost(v) = test
        && !v.is_finite()
    {
        return Err("bounds must be finite numbers".into());
    }
    Ok(Check { subject, test })
}

/// A setting path names something that exists: an adversary card setting, or a path into the
/// spec that resolves, or stops at a part that is off (its insides are then unknown).
fn check_path(path: &str, spec: &Value) -> Result<(), String> {
    for (prefix, known, card) in [
        ("probe.", &PROBE_SETTINGS[..], "the adversary card"),
        ("sampling.", &SAMPLING_SETTINGS[..], "the explorer's sampling"),
    ] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let head = rest.split('.').next().unwrap_or_default();
            return if known.contains(&head) {
                Ok(())
            } else {
                Err(format!("setting “{path}”: {card} has {}", known.join(", ")))
            };
        }
    }
    let mut walked = String::new();
    let mut value = spec;
    for key in path.split('.') {
        if value.is_null() {
            return Ok(());
        }
        let Some(next) = resolve(value, key) else {
            let known = match value {
                Value::Object(map) => map.keys().cloned().collect::<Vec<_>>().join(", "),
                _ => "no settings inside".into(),
            };
            let place = if walked.is_empty() { "the spec".to_string() } else { walked.clone() };
            return Err(format!("setting “{path}”: {place} has no “{key}” (it has {known})"));
        };
        value = next;
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(key);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    const GOOD: &str = r#"
id = "tiny"
title = "A tiny lesson"
summary = "Two steps."
level = "beginner"

[[step]]
title = "Train"
minutes = 2
text = "Press **play**. The loss $L = \\frac{1}{n}\\sum_i \\ell_i$ falls."
show = ["data", "model"]
highlight = "toolbar"
[step.setup]
from = "karate"
seed = 3
set = { "regularization.graph.multiplier" = 0.5, compare_with_base = true }
[step.task]
prompt = "Train to 90%."
success = "Done."
[[step.task.check]]
metric = "test_accuracy"
at_least = 0.9
[[step.task.check]]
metric = "attacked_accuracy"
of = "gain"
at_least = 0.1

[[step]]
title = "Off"
minutes = 1
text = "Turn the graph off."
reveal = "The graph helped."
[step.setup]
set = { "regularization.graph" = "off" }
[step.task]
prompt = "Watch."
success = "Seen."
[[step.task.check]]
setting = "regularization.graph"
equals = "off"
"#;

    #[test]
    fn a_lesson_file_reads_into_steps_with_their_setups_and_checks() {
        let lesson = parse("tiny.toml", GOOD).unwrap();
        assert_eq!((lesson.id.as_str(), lesson.steps.len(), lesson.minutes()), ("tiny", 2, 3));
        let first = &lesson.steps[0];
        assert_eq!(first.highlight, Some(Panel::Toolbar));
        assert_eq!(lesson.shown(1), [Section::Data, Section::Model].into(), "the step before's list");
        assert!(lesson.hidden(0).contains(&Section::Regularization));
        let checks = &first.task.as_ref().unwrap().checks;
        assert_eq!(checks[1].subject, Subject::Metric(Metric::AttackedAccuracy, Of::Gain));
        let second = &lesson.steps[1];
        assert_eq!(second.task.as_ref().unwrap().checks[0].test, Test::Present(false));
        let setup = second.setup.as_ref().unwrap();
        let karate = lesson.steps[0].setup.as_ref().unwrap().build(&presets::opening_scene()).unwrap();
        assert!(setup.build(&karate).unwrap().regularization.graph.is_none());
    }

    /// Each fault names the file, the step and what is wrong; nothing else is read.
    #[test]
    fn malformed_lessons_are_refused_naming_the_step_and_the_fault() {
        let cases: [(&str, &str, Option<usize>, &str); 11] = [
            ("at_least = 0.9", "at_least = \"high\"", Some(1), "invalid type"),
            ("metric = \"test_accuracy\"", "metric = \"test_acuracy\"", Some(1), "test_acuracy"),
            ("highlight = \"toolbar\"", "highlight = \"tool\"", Some(1), "not a panel"),
            (
                "show = [\"data\", \"model\"]",
                "show = [\"data\", \"adversary\"]",
                Some(1),
                "not a control group",
            ),
            ("from = \"karate\"", "from = \"kárate\"", Some(1), "not current, opening"),
            ("setting = \"regularization.graph\"", "setting = \"regularization.grph\"", Some(2), "no “grph”"),
            ("minutes = 1", "minutes = 0", Some(2), "minutes"),
            ("level = \"beginner\"", "level = \"expert\"", None, "level"),
            ("id = \"tiny\"", "id = \"<script>\"", None, "id"),
            ("minutes = 2", "minutes = 2\ncolour = \"red\"", Some(1), "unknown field"),
            ("\"regularization.graph.multiplier\" = 0.5", "\"epochs\" = 1000000000", Some(1), "epochs"),
        ];
        for (from, to, step, what) in cases {
            assert!(GOOD.contains(from), "{from}");
            let err = parse("bad.toml", &GOOD.replacen(from, to, 1)).unwrap_err();
            assert_eq!((err.file.as_str(), err.step), ("bad.toml", step), "{to}: {err}");
            assert!(err.what.contains(what), "{to}: {err}");
            assert!(err.to_string().starts_with("Lesson file “bad.toml”"), "{err}");
        }
        assert!(parse("x", "not = [toml").is_err());
        let huge = format!("{GOOD}\n# {}", "x".repeat(limits::MAX_FILE_BYTES));
        assert!(parse("big.toml", &huge).unwrap_err().what.contains("limit"));
        let long_text = GOOD.replacen("Turn the graph off.", &"a".repeat(limits::MAX_TEXT_CHARS + 1), 1);
        assert_eq!(parse("long.toml", &long_text).unwrap_err().step, Some(2));
    }
}
