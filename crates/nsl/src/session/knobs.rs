//! What a session whose only live knob is the learning rate can take from a changed spec (graph
//! classification, link prediction, TF-GNN's node classification): the learning rate, epochs,
//! name, evaluation and the base-model comparison; anything else needs fresh models.

use crate::error::{NslError, Result};
use crate::spec::ExperimentSpec;

/// Whether `next` differs from `current` only in what such a session takes from the next step.
pub(crate) fn learning_rate_only(current: &ExperimentSpec, next: &ExperimentSpec) -> bool {
    current.differs_only_in_knobs(next) && next.regularization == current.regularization
}

/// `next`, valid and differing from `current` only in knobs ([`learning_rate_only`]); `what`
/// names what would have changed otherwise ("the graph or the model").
pub(crate) fn checked_change(current: &ExperimentSpec, next: &ExperimentSpec, what: &str) -> Result<()> {
    next.validate()?;
    if !learning_rate_only(current, next) {
        return Err(NslError::Config(format!("{what} changed: start a new session")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::builtin::builtin;

    #[test]
    fn the_learning_rate_changes_in_place_and_the_model_does_not() {
        let spec = builtin("motifs-mtalbis", None, 0).unwrap();
        let mut faster = spec.clone();
        (faster.optimizer.learning_rate, faster.epochs) = (0.05, 3);
        assert!(learning_rate_only(&spec, &faster));
        checked_change(&spec, &faster, "the graphs or the model").unwrap();
        let mut other = spec.clone();
        other.seed = 9;
        let refusal = checked_change(&spec, &other, "the graphs or the model").unwrap_err().to_string();
        assert!(refusal.contains("the graphs or the model changed"), "{refusal}");
    }
}
