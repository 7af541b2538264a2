//! The app's state and its reducer: the single source of truth. Pure: no DOM, no async.

use std::rc::Rc;

use nsl::config::{DistanceConfig, DistanceType, Reduction, SumOverAxis, TransformType};
use yew::Reducible;

use crate::backend::BackendStatus;

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Which compute backend is available and in use.
    pub backend: BackendStatus,
    /// The distance explorer's inputs.
    pub distance: DistanceInputs,
    /// The last computed distance (or why it could not be computed).
    pub distance_result: Option<Result<Vec<f32>, String>>,
}

/// Inputs of the distance explorer, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct DistanceInputs {
    /// Sample outputs: rows separated by `;`, values by `,` or spaces.
    pub sources: String,
    /// Neighbor outputs, same layout.
    pub targets: String,
    /// One weight per row, separated by `,` (0 marks a missing neighbor).
    pub weights: String,
    /// NSL's distance configuration.
    pub config: DistanceConfig,
}

impl Default for State {
    fn default() -> Self {
        Self {
            backend: BackendStatus::Detecting,
            distance: DistanceInputs {
                sources: "1, 1; 2, 2; 0, 2; 5, 5".into(),
                targets: "1, 1; 0, 2; 4, 4; 1, 4".into(),
                weights: "1, 1, 1, 1".into(),
                config: DistanceConfig { sum_over_axis: Some(SumOverAxis::Last), ..Default::default() },
            },
            distance_result: None,
        }
    }
}

/// Everything that can change the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The backend probe finished.
    Backend(BackendStatus),
    /// The sources text changed.
    Sources(String),
    /// The targets text changed.
    Targets(String),
    /// The weights text changed.
    Weights(String),
    /// The distance type changed.
    DistanceType(DistanceType),
    /// The reduction changed.
    Reduction(Reduction),
    /// The transform changed.
    Transform(TransformType),
    /// `sum_over_axis` switched between `None` and `-1`.
    SumOverAxis(Option<SumOverAxis>),
    /// A distance computation finished.
    DistanceComputed(Result<Vec<f32>, String>),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let inputs = &mut next.distance;
        let mut inputs_changed = true;
        match action {
            Action::Backend(status) => {
                next.backend = status;
                inputs_changed = false;
            }
            Action::Sources(s) => inputs.sources = s,
            Action::Targets(s) => inputs.targets = s,
            Action::Weights(s) => inputs.weights = s,
            Action::DistanceType(t) => inputs.config.distance_type = t,
            Action::Reduction(r) => inputs.config.reduction = r,
            Action::Transform(t) => inputs.config.transform_fn = t,
            Action::SumOverAxis(a) => inputs.config.sum_over_axis = a,
            Action::DistanceComputed(result) => {
                next.distance_result = Some(result);
                inputs_changed = false;
            }
        }
        if inputs_changed {
            // A stale number next to new inputs would mislead: clear it until recomputed.
            next.distance_result = None;
        }
        Rc::new(next)
    }
}

/// Parses `"1, 2; 3 4"` into rows of equal length.
pub fn parse_rows(text: &str) -> Result<Vec<Vec<f32>>, String> {
    let rows: Vec<Vec<f32>> = text
        .split(';')
        .filter(|r| !r.trim().is_empty())
        .enumerate()
        .map(|(i, row)| {
            row.split([',', ' ', '\t'])
                .filter(|v| !v.is_empty())
                .map(|v| v.parse::<f32>().map_err(|_| format!("row {}: {v:?} is not a number", i + 1)))
                .collect()
        })
        .collect::<Result<_, _>>()?;
    let width = rows.first().map(Vec::len).ok_or("no rows")?;
    if width == 0 {
        return Err("rows need at least one value".into());
    }
    if let Some(i) = rows.iter().position(|r| r.len() != width) {
        return Err(format!("row {} has {} values, row 1 has {width}", i + 1, rows[i].len()));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_and_reports_errors() {
        assert_eq!(parse_rows("1, 2; 3 4").unwrap(), vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
        assert!(parse_rows("1, x").unwrap_err().contains("\"x\""));
        assert!(parse_rows("1, 2; 3").unwrap_err().contains("row 2 has 1"));
        assert!(parse_rows(" ; ").is_err());
    }

    #[test]
    fn editing_inputs_clears_a_stale_result() {
        let state = Rc::new(State::default()).reduce(Action::DistanceComputed(Ok(vec![10.25])));
        assert_eq!(state.distance_result, Some(Ok(vec![10.25])));
        let state = state.reduce(Action::Reduction(Reduction::Sum));
        assert_eq!(state.distance_result, None);
        assert_eq!(state.distance.config.reduction, Reduction::Sum);
    }
}
