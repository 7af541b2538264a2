//! A task's checks, evaluated by the reducer on live state: the spec's values, the adversary
//! card's settings, and what training reports. A check on training figures holds only while
//! the worker trains the setup as edited — a figure of the models before the last change does
//! not count for it.

use serde_json::Value;

/// A figure training reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Optimizer steps done.
    Step,
    /// Epochs done.
    Epoch,
    /// The last total training loss.
    Loss,
    /// Accuracy on the training rows.
    TrainAccuracy,
    /// Accuracy on the test rows.
    TestAccuracy,
    /// Test accuracy under the evaluation's FGSM attack.
    AttackedAccuracy,
    /// Share of the adversary card's perturbed test examples whose predicted class the
    /// perturbation changed.
    Flipped,
    /// Deep Graph Infomax's accuracy: clean states told from shuffled ones.
    DgiAccuracy,
    /// 1 once the robustness curves are measured on the current models, else 0.
    RobustnessMeasured,
    /// 1 while a graph node is inspected and its figures have arrived, else 0.
    Inspected,
    /// 1 once the explorer has drawn sampled subgraphs with its sampling as it is now, else 0.
    Sampled,
}

/// Every metric with its key.
pub const METRICS: [(Metric, &str); 11] = [
    (Metric::Step, "step"),
    (Metric::Epoch, "epoch"),
    (Metric::Loss, "loss"),
    (Metric::TrainAccuracy, "train_accuracy"),
    (Metric::TestAccuracy, "test_accuracy"),
    (Metric::AttackedAccuracy, "attacked_accuracy"),
    (Metric::Flipped, "flipped"),
    (Metric::DgiAccuracy, "dgi_accuracy"),
    (Metric::RobustnessMeasured, "robustness_measured"),
    (Metric::Inspected, "inspected"),
    (Metric::Sampled, "sampled"),
];

impl Metric {
    /// Its key in lesson files.
    pub fn key(self) -> &'static str {
        METRICS.iter().find(|(m, _)| *m == self).map(|(_, k)| *k).expect("listed")
    }

    /// The metric with `key`.
    pub fn from_key(key: &str) -> Option<Metric> {
        METRICS.iter().find(|(_, k)| *k == key).map(|(m, _)| *m)
    }

    /// Whether the metric is about the page rather than one model (`of` does not apply).
    fn of_the_page(self) -> bool {
        matches!(self, Metric::RobustnessMeasured | Metric::Inspected | Metric::Sampled)
    }
}

/// Which model a figure is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Of {
    /// The spec's (regularized) model.
    #[default]
    Regularized,
    /// The base model trained beside it.
    Base,
    /// The regularized model's figure minus the base model's.
    Gain,
}

impl Of {
    /// The model with `key`.
    pub fn from_key(key: &str) -> Option<Of> {
        match key {
            "regularized" => Some(Of::Regularized),
            "base" => Some(Of::Base),
            "gain" => Some(Of::Gain),
            _ => None,
        }
    }
}

/// What a check looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// A training figure.
    Metric(Metric, Of),
    /// A setting: a dotted path into the spec (`regularization.graph.multiplier`,
    /// `model.hidden.0`), into the adversary card (`probe.epsilon`) or into the explorer's
    /// sampling (`sampling.hops`).
    Setting(String),
}

/// What must hold of the subject.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// A number ≥ this (to within 1e-6 relative).
    AtLeast(f64),
    /// A number ≤ this (to within 1e-6 relative).
    AtMost(f64),
    /// Equal to this (numbers to within 1e-6 relative: the spec stores some as `f32`).
    Equals(Value),
    /// Set (`true`) or off / absent (`false`).
    Present(bool),
}

/// One condition of a task.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// What it looks at.
    pub subject: Subject,
    /// What must hold.
    pub test: Test,
}

/// One model's figures, as the page last received them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figures {
    /// Steps done.
    pub step: f64,
    /// Epochs done.
    pub epoch: f64,
    /// Last total loss.
    pub loss: Option<f64>,
    /// Train accuracy.
    pub train_accuracy: f64,
    /// Test accuracy.
    pub test_accuracy: f64,
    /// FGSM test accuracy.
    pub attacked_accuracy: Option<f64>,
    /// Share of perturbed examples whose class changed.
    pub flipped: Option<f64>,
    /// Deep Graph Infomax's accuracy, when it trains beside.
    pub dgi_accuracy: Option<f64>,
}

/// The live state a check reads (the reducer builds it).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Live {
    /// The spec as edited, as JSON (`Null` when no check reads it).
    pub spec: Value,
    /// The adversary card's settings, as JSON.
    pub probe: Value,
    /// The explorer's sampling, as JSON (`hops`, `fanouts`, `strategies`, `roots`).
    pub sampling: Value,
    /// The worker trains the spec as edited.
    pub synced: bool,
    /// The regularized model's figures, once it reported.
    pub regularized: Option<Figures>,
    /// The base model's, when it trains beside it.
    pub base: Option<Figures>,
    /// The robustness curves are measured on the current models.
    pub robustness_measured: bool,
    /// A node is inspected and its figures arrived.
    pub inspected: bool,
    /// The explorer drew sampled subgraphs with its current sampling.
    pub sampled: bool,
}

impl Live {
    /// The value of `metric` of `of`, if it is known now.
    pub fn metric(&self, metric: Metric, of: Of) -> Option<f64> {
        let flag = |on: bool| Some(if on { 1.0 } else { 0.0 });
        match metric {
            Metric::RobustnessMeasured => return flag(self.robustness_measured),
            Metric::Inspected => return flag(self.inspected),
            Metric::Sampled => return flag(self.sampled),
            _ => {}
        }
        let read = |figures: &Figures| match metric {
            Metric::Step => Some(figures.step),
            Metric::Epoch => Some(figures.epoch),
            Metric::Loss => figures.loss,
            Metric::TrainAccuracy => Some(figures.train_accuracy),
            Metric::TestAccuracy => Some(figures.test_accuracy),
            Metric::AttackedAccuracy => figures.attacked_accuracy,
            Metric::Flipped => figures.flipped,
            Metric::DgiAccuracy => figures.dgi_accuracy,
            Metric::RobustnessMeasured | Metric::Inspected | Metric::Sampled => None,
        };
        match of {
            Of::Regularized => read(self.regularized.as_ref()?),
            Of::Base => read(self.base.as_ref()?),
            Of::Gain => Some(read(self.regularized.as_ref()?)? - read(self.base.as_ref()?)?),
        }
    }

    /// The setting at a dotted `path` (`Value::Null` when it is off or absent).
    pub fn setting(&self, path: &str) -> Value {
        let (root, rest) = if let Some(rest) = path.strip_prefix("probe.") {
            (&self.probe, rest)
        } else if let Some(rest) = path.strip_prefix("sampling.") {
            (&self.sampling, rest)
        } else {
            (&self.spec, path)
        };
        resolve(root, rest).cloned().unwrap_or(Value::Null)
    }
}

/// The value at dotted `path` under `root` (`None` when a step of it is missing).
pub fn resolve<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(root, |value, key| match value {
        Value::Object(map) => map.get(key),
        Value::Array(items) => items.get(key.parse::<usize>().ok()?),
        _ => None,
    })
}

/// What a number may differ by and still count as `x` (the spec stores some as `f32`).
fn slack(x: f64) -> f64 {
    1e-6 * x.abs().max(1.0)
}

/// Whether two JSON values are equal, numbers to within 1e-6 relative.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            (x - y).abs() <= 1e-6 * x.abs().max(y.abs()).max(1.0)
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
        }
        _ => a == b,
    }
}

impl Check {
    /// Whether the check reads the spec (a setting outside the adversary card and the
    /// explorer): only then need the spec be turned into JSON for it.
    pub fn reads_spec(&self) -> bool {
        matches!(&self.subject, Subject::Setting(path) if !path.starts_with("probe.") && !path.starts_with("sampling."))
    }

    /// Whether the check holds on `live`.
    pub fn holds(&self, live: &Live) -> bool {
        let value = match &self.subject {
            Subject::Metric(metric, of) => {
                // Figures of models trained on another setup do not count.
                if !metric.of_the_page() && !live.synced {
                    return false;
                }
                match live.metric(*metric, *of) {
                    Some(v) => Value::from(v),
                    None => Value::Null,
                }
            }
            Subject::Setting(path) => live.setting(path),
        };
        match &self.test {
            // Bounds give the same 1e-6 of slack as equality: a knob set to 0.05 holds 0.05f32.
            Test::AtLeast(bound) => value.as_f64().is_some_and(|v| v >= *bound - slack(*bound)),
            Test::AtMost(bound) => value.as_f64().is_some_and(|v| v <= *bound + slack(*bound)),
            Test::Equals(expected) => same(&value, expected),
            Test::Present(present) => value.is_null() != *present,
        }
    }

    /// The check in words, for the task's list ("test accuracy of the base model ≥ 0.9"), the
    /// base model called `base` (the spec's [`base_label`](nsl::spec::ExperimentSpec::base_label)).
    pub fn describe(&self, base: &str) -> String {
        let subject = match &self.subject {
            Subject::Metric(metric, of) => {
                let name = metric.key().replace('_', " ");
                match of {
                    _ if metric.of_the_page() => name,
                    Of::Regularized => name,
                    Of::Base => format!("{name} of the {base}"),
                    Of::Gain => format!("{name}: regularized minus base"),
                }
            }
            Subject::Setting(path) => format!("setting {path}"),
        };
        match &self.test {
            Test::AtLeast(v) => format!("{subject} ≥ {v}"),
            Test::AtMost(v) => format!("{subject} ≤ {v}"),
            Test::Equals(v) => format!("{subject} = {v}"),
            Test::Present(true) => format!("{subject} is on"),
            Test::Present(false) => format!("{subject} is off"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn live() -> Live {
        let figures = |test_accuracy, attacked| Figures {
            step: 120.0,
            test_accuracy,
            attacked_accuracy: Some(attacked),
            ..Default::default()
        };
        Live {
            spec: json!({ "regularization": { "graph": { "multiplier": 0.10000000149011612 }, "adversarial": null },
                          "model": { "kind": "mlp", "hidden": [16, 8] } }),
            probe: json!({ "method": "pgd", "epsilon": 0.25 }),
            synced: true,
            regularized: Some(figures(0.91, 0.62)),
            base: Some(figures(0.93, 0.30)),
            ..Default::default()
        }
    }

    fn check(subject: Subject, test: Test) -> Check {
        Check { subject, test }
    }

    #[test]
    fn checks_read_figures_of_either_model_and_their_difference() {
        let live = live();
        let metric = |m, of, test| check(Subject::Metric(m, of), test);
        assert!(metric(Metric::TestAccuracy, Of::Regularized, Test::AtLeast(0.9)).holds(&live));
        assert!(!metric(Metric::TestAccuracy, Of::Regularized, Test::AtLeast(0.92)).holds(&live));
        assert!(metric(Metric::AttackedAccuracy, Of::Gain, Test::AtLeast(0.3)).holds(&live));
        assert!(!metric(Metric::AttackedAccuracy, Of::Gain, Test::AtLeast(0.33)).holds(&live));
        assert!(metric(Metric::TestAccuracy, Of::Gain, Test::AtMost(0.0)).holds(&live));
        assert!(!metric(Metric::Loss, Of::Base, Test::AtMost(10.0)).holds(&live), "no loss reported");
        assert!(metric(Metric::Inspected, Of::Base, Test::Equals(json!(0))).holds(&live));
        let stale = Live { synced: false, ..live.clone() };
        assert!(
            !metric(Metric::Step, Of::Regularized, Test::AtLeast(1.0)).holds(&stale),
            "figures of models trained on an earlier setup"
        );
        let alone = Live { base: None, ..live };
        assert!(!metric(Metric::TestAccuracy, Of::Gain, Test::AtMost(1.0)).holds(&alone));
    }

    #[test]
    fn only_a_setting_outside_the_card_and_the_explorer_reads_the_spec() {
        let setting = |path: &str| check(Subject::Setting(path.into()), Test::Present(true));
        assert!(setting("regularization.graph.multiplier").reads_spec());
        assert!(!setting("probe.epsilon").reads_spec());
        assert!(!setting("sampling.hops").reads_spec());
        assert!(!check(Subject::Metric(Metric::TestAccuracy, Of::Base), Test::AtLeast(0.5)).reads_spec());
    }

    #[test]
    fn checks_read_settings_of_the_spec_and_the_adversary_card() {
        let live = live();
        let setting = |path: &str, test| check(Subject::Setting(path.into()), test);
        assert!(setting("regularization.graph.multiplier", Test::Equals(json!(0.1))).holds(&live), "f32");
        assert!(!setting("regularization.graph.multiplier", Test::Equals(json!(0.2))).holds(&live));
        assert!(setting("regularization.adversarial", Test::Present(false)).holds(&live));
        assert!(setting("regularization.graph", Test::Present(true)).holds(&live));
        assert!(setting("model.hidden.1", Test::Equals(json!(8))).holds(&live));
        assert!(setting("model.hidden", Test::Equals(json!([16, 8]))).holds(&live));
        assert!(setting("probe.method", Test::Equals(json!("pgd"))).holds(&live));
        assert!(setting("probe.epsilon", Test::AtLeast(0.2)).holds(&live));
        let f32_knob = Live { spec: json!({ "step": f64::from(0.05f32) }), ..live.clone() };
        assert!(setting("step", Test::AtMost(0.05)).holds(&f32_knob), "0.05 stored as f32 is 0.05");
        assert!(!setting("step", Test::AtMost(0.049)).holds(&f32_knob));
        assert!(!setting("probe.epsilon", Test::AtMost(0.2)).holds(&live));
        assert!(setting("nothing.here", Test::Present(false)).holds(&live));
        assert_eq!(
            setting("probe.epsilon", Test::AtLeast(0.2)).describe("base model"),
            "setting probe.epsilon ≥ 0.2"
        );
        assert_eq!(
            check(Subject::Metric(Metric::AttackedAccuracy, Of::Gain), Test::AtLeast(0.2))
                .describe("base model"),
            "attacked accuracy: regularized minus base ≥ 0.2"
        );
        assert_eq!(
            check(Subject::Metric(Metric::TestAccuracy, Of::Base), Test::AtLeast(0.78))
                .describe("full-batch model"),
            "test accuracy of the full-batch model ≥ 0.78"
        );
    }
}
