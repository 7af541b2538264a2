//! The setup a step starts from: a data family's preset (as the data picker starts it), the
//! opening scene, a whole spec, or the current setup — then changes at dotted paths, as a
//! teacher would turn the knobs.

use nsl::spec::ExperimentSpec;
use serde_json::Value;

use super::check::resolve;
use crate::presets::{self, Family};

/// Where a step's setup starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// The setup the learner has now.
    Current,
    /// The page's opening scene (two moons, adversarial, beside the base model).
    Opening,
    /// A data family's preset, with a seed.
    Family(Family, u64),
    /// A whole spec.
    Spec(Box<ExperimentSpec>),
}

/// A step's setup.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// Where it starts.
    pub start: Start,
    /// Values set at dotted paths of the spec, in order (`Value::Null` turns an optional part,
    /// such as a regularizer, off).
    pub set: Vec<(String, Value)>,
}

impl Setup {
    /// The spec the step starts from, given the learner's `current` one; checked.
    pub fn build(&self, current: &ExperimentSpec) -> Result<ExperimentSpec, String> {
        let start = match &self.start {
            Start::Current => current.clone(),
            Start::Opening => presets::opening_scene(),
            Start::Family(family, seed) => presets::preset(*family, *seed),
            Start::Spec(spec) => (**spec).clone(),
        };
        if self.set.is_empty() {
            start.validate().map_err(said)?;
            crate::fragment::page_trains(&start).map_err(said)?;
            return Ok(start);
        }
        let mut json = serde_json::to_value(&start).map_err(|e| e.to_string())?;
        for (path, value) in &self.set {
            set_at(&mut json, path, value.clone())?;
        }
        let spec: ExperimentSpec =
            serde_json::from_value(json).map_err(|e| format!("the changed setup is not a spec: {e}"))?;
        spec.validate().map_err(said)?;
        crate::fragment::page_trains(&spec).map_err(said)?;
        Ok(spec)
    }
}

/// What a refused spec says (without the error kind: the message names the field and limit).
fn said(e: nsl::NslError) -> String {
    match e {
        nsl::NslError::Config(message) => message,
        other => other.to_string(),
    }
}

/// Sets `value` at dotted `path` of `root`: every step but the last must exist; the last may
/// be a new key of an object (an optional part being switched on).
fn set_at(root: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let (parent, last) = match path.rsplit_once('.') {
        Some((parent, last)) => (Some(parent), last),
        None => (None, path),
    };
    let target = match parent {
        None => Some(&mut *root),
        Some(parent) => {
            if resolve(root, parent).is_none() {
                return Err(format!("no setting “{parent}” to change (in “{path}”)"));
            }
            parent.split('.').try_fold(&mut *root, |v, key| match v {
                Value::Object(map) => map.get_mut(key),
                Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
                _ => None,
            })
        }
    };
    match target {
        Some(Value::Object(map)) => {
            map.insert(last.to_string(), value);
            Ok(())
        }
        Some(Value::Array(items)) => match last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            Some(slot) => {
                *slot = value;
                Ok(())
            }
            None => Err(format!("“{path}”: no such list item")),
        },
        _ => Err(format!("“{path}”: {} holds no settings", parent.unwrap_or("the spec"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nsl::spec::ModelSpec;
    use serde_json::json;

    #[test]
    fn a_setup_starts_from_a_preset_and_turns_knobs() {
        let setup = Setup {
            start: Start::Family(Family::Karate, 4),
            set: vec![
                ("regularization.graph.multiplier".into(), json!(0.0)),
                ("model.hidden".into(), json!([16])),
                ("compare_with_base".into(), json!(true)),
            ],
        };
        let spec = setup.build(&presets::opening_scene()).unwrap();
        assert_eq!(spec.regularization.graph.unwrap().multiplier, 0.0);
        assert!(matches!(&spec.model, ModelSpec::Mlp { hidden, .. } if hidden == &[16]));
        assert!(spec.compare_with_base && spec.seed == 4);
    }

    #[test]
    fn a_setup_can_keep_the_current_one_switch_parts_off_and_is_checked() {
        let current = presets::preset(Family::Digits, 0);
        let off =
            Setup { start: Start::Current, set: vec![("regularization.adversarial".into(), Value::Null)] };
        let spec = off.build(&current).unwrap();
        assert!(spec.regularization.adversarial.is_none() && spec.data == current.data);
        let typo = Setup { start: Start::Current, set: vec![("regularisation.graph".into(), json!(1))] };
        assert!(typo.build(&current).unwrap_err().contains("regularisation"));
        let wrong_type = Setup { start: Start::Current, set: vec![("epochs".into(), json!("many"))] };
        assert!(wrong_type.build(&current).unwrap_err().contains("not a spec"));
        let too_big = Setup { start: Start::Current, set: vec![("epochs".into(), json!(1_000_000_000))] };
        assert!(too_big.build(&current).unwrap_err().contains("epochs"), "the spec limits hold");
        let item = Setup { start: Start::Current, set: vec![("model.hidden.3".into(), json!(4))] };
        assert!(item.build(&current).unwrap_err().contains("no such list item"));
    }
}
