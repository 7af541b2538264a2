//! The library's error type.

use crate::config::DistanceType;

/// Everything that can go wrong in the library, with enough context to act on.
#[derive(Debug, thiserror::Error)]
pub enum NslError {
    /// Two tensors that must agree in shape do not.
    #[error("shape mismatch: {what}: {left:?} vs {right:?}")]
    Shape {
        /// What was being compared.
        what: &'static str,
        /// The first shape.
        left: Vec<usize>,
        /// The second shape.
        right: Vec<usize>,
    },
    /// Cosine, KL and JS distances reduce along an axis and need `sum_over_axis`.
    #[error("distance {0:?} needs sum_over_axis = -1")]
    MissingAxis(DistanceType),
    /// A configuration value is out of its domain.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A data file could not be read or parsed.
    #[error("{path}: {reason}")]
    Data {
        /// The file (or directory) concerned.
        path: String,
        /// What is wrong, with a line number where there is one.
        reason: String,
    },
    /// Training produced a non-finite loss.
    #[error(
        "training diverged at epoch {epoch}, step {step}: the loss is {value}; lower the learning rate, the multiplier or the step size"
    )]
    Diverged {
        /// Epoch (0-based) at which it happened.
        epoch: usize,
        /// Step within the run.
        step: usize,
        /// The offending loss value.
        value: f32,
    },
    /// The requested device is not available here.
    #[error("device unavailable: {0}")]
    Device(String),
}

impl From<nsl_graph::GraphError> for NslError {
    fn from(error: nsl_graph::GraphError) -> Self {
        match error {
            nsl_graph::GraphError::Parse { file, line, reason } => NslError::Data {
                path: file,
                reason: match line {
                    Some(line) => format!("line {line}: {reason}"),
                    None => reason,
                },
            },
            other => NslError::Config(other.to_string()),
        }
    }
}

/// Result alias of the library.
pub type Result<T, E = NslError> = std::result::Result<T, E>;
