//! The twin: a second worker that trains the base model of a what-if pair, so that the pair's
//! two models train on two cores at once. The trainer (the first worker) keeps the spec's own
//! model and everything the page talks to; it asks the twin, in order, to open the base model,
//! to take it to a step and snapshot it, and to measure it (probe, inspected node, robustness
//! points). Each request has exactly one answer, in the order asked. Both workers open the
//! base model from the same spec, seed and data ([`super::engine::open_run`]), so its numbers
//! are the ones it has when the trainer trains it itself.
//!
//! Only on the CPU: WebGPU is one device, which two workers would share, not add to.

pub mod base;
pub mod link;

use nsl::NslError;
use nsl::config::AdvNeighborConfig;
use nsl::graph::Graph;
use nsl::session::inspect::NodeInspection;
use nsl::session::probe::{ProbeResult, ProbeSpec};
use nsl::session::{Progress, SnapshotOptions};
use nsl::spec::ExperimentSpec;
use serde::{Deserialize, Serialize};

/// The twin's worker name: how the worker module, started again by the page for the trainer,
/// knows it is the twin (and what the browser's task manager and devtools show).
pub const NAME: &str = "NSL trainer: base model";

/// What the trainer asks the twin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToTwin {
    /// Open the base model of `spec` afresh (fetching the bundled data it needs from under
    /// `assets`; a graph read from files comes with it, by name).
    Open {
        /// The whole setup (the base model is its [`nsl::spec::Variant::Base`]).
        spec: ExperimentSpec,
        /// Absolute URL of the bundled assets.
        assets: String,
        /// The explorer's graph, for a setup that trains on it.
        files: Option<(String, Graph)>,
    },
    /// Apply the setup's knobs to the open model (answered `false` when it needs opening again).
    Update(ExperimentSpec),
    /// Train the base model until its own step `to`, then snapshot it as at the spec's step
    /// `at_step`.
    Train {
        /// The base model's own step to reach.
        to: usize,
        /// The spec's model's step, which the snapshot reports.
        at_step: usize,
        /// What the snapshot includes.
        options: SnapshotOptions,
    },
    /// Probe the base model.
    Probe(ProbeSpec),
    /// Inspect a graph node on the base model.
    Inspect(usize),
    /// Count the test rows the base model classifies correctly under this attack.
    Attack(AdvNeighborConfig),
}

/// What the twin answers (one answer per request, in order), or says by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromTwin {
    /// Its module has loaded and it listens.
    Listening,
    /// The base model is open: its optimizer steps per epoch.
    Opened(Result<usize, TwinError>),
    /// The knobs applied (`false`: the model must be opened again).
    Updated(Result<bool, TwinError>),
    /// The snapshot after training.
    Trained(Result<Box<Progress>, TwinError>),
    /// The probe's result.
    Probed(Result<Box<ProbeResult>, TwinError>),
    /// The inspected node.
    Inspected(Result<Box<NodeInspection>, TwinError>),
    /// Test rows classified correctly under the attack.
    Attacked(Result<f32, TwinError>),
    /// It panicked and closed: what it said.
    Crashed(String),
}

/// An error of the twin's, as the trainer reports it: a divergence stays one (the page gives
/// advice for it), anything else is its message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TwinError {
    /// The base model's loss became non-finite.
    Diverged {
        /// Epoch (0-based).
        epoch: usize,
        /// Step within the run.
        step: usize,
        /// The loss, as text: JSON has no infinity nor NaN.
        value: String,
    },
    /// Anything else.
    Failed(String),
}

/// Where the twin's other errors say they come from.
const FROM_TWIN: &str = "the base model's worker";

impl From<NslError> for TwinError {
    fn from(error: NslError) -> Self {
        match error {
            NslError::Diverged { epoch, step, value } => {
                Self::Diverged { epoch, step, value: value.to_string() }
            }
            other => Self::Failed(other.to_string()),
        }
    }
}

impl From<TwinError> for NslError {
    fn from(error: TwinError) -> Self {
        match error {
            TwinError::Diverged { epoch, step, value } => {
                NslError::Diverged { epoch, step, value: value.parse().unwrap_or(f32::NAN) }
            }
            TwinError::Failed(reason) => NslError::Data { path: FROM_TWIN.into(), reason },
        }
    }
}

impl FromTwin {
    /// The answer `request` gets when it cannot be carried out: `reason`.
    pub fn failed(request: &ToTwin, reason: &str) -> Self {
        let error = TwinError::Failed(reason.to_string());
        match request {
            ToTwin::Open { .. } => Self::Opened(Err(error)),
            ToTwin::Update(_) => Self::Updated(Err(error)),
            ToTwin::Train { .. } => Self::Trained(Err(error)),
            ToTwin::Probe(_) => Self::Probed(Err(error)),
            ToTwin::Inspect(_) => Self::Inspected(Err(error)),
            ToTwin::Attack(_) => Self::Attacked(Err(error)),
        }
    }
}

/// What the twin answered to a request, if one was asked (`None`: none was): `pick` takes the
/// request's kind of answer apart and gives any other kind back. The twin's own error becomes
/// the library's (a divergence stays one); another kind of answer, or a twin gone before
/// answering, is [`lost`].
///
/// # Errors
/// As said.
pub async fn received<T>(
    answer: Option<impl Future<Output = Result<FromTwin, String>>>,
    pick: impl FnOnce(FromTwin) -> Result<Result<T, TwinError>, FromTwin>,
) -> nsl::Result<Option<T>> {
    let Some(answer) = answer else { return Ok(None) };
    match answer.await.map(pick) {
        Ok(Ok(result)) => result.map(Some).map_err(Into::into),
        Ok(Err(other)) => Err(lost(&format!("it answered {other:?}"))),
        Err(reason) => Err(lost(&reason)),
    }
}

/// A twin that crashed or failed: what the trainer reports.
pub fn lost(reason: &str) -> NslError {
    NslError::Data { path: FROM_TWIN.into(), reason: format!("it stopped ({reason})") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_divergence_stays_one_across_the_workers() {
        let diverged = TwinError::from(NslError::Diverged { epoch: 1, step: 7, value: f32::INFINITY });
        let text = serde_json::to_string(&diverged).unwrap();
        let back = NslError::from(serde_json::from_str::<TwinError>(&text).unwrap());
        assert!(matches!(back, NslError::Diverged { epoch: 1, step: 7, value } if value.is_infinite()));
        let other = NslError::from(TwinError::from(NslError::Config("no rows".into())));
        assert_eq!(other.to_string(), "the base model's worker: invalid configuration: no rows");
    }

    #[test]
    fn every_request_has_its_kind_of_answer_when_it_fails() {
        let failed = FromTwin::failed(&ToTwin::Inspect(3), "nothing is open");
        assert_eq!(failed, FromTwin::Inspected(Err(TwinError::Failed("nothing is open".into()))));
        let train = ToTwin::Train { to: 1, at_step: 1, options: SnapshotOptions::default() };
        assert!(matches!(FromTwin::failed(&train, "x"), FromTwin::Trained(Err(_))));
    }

    /// Every setup the page offers reaches the twin as it is (CBOR keeps the spec's tagged
    /// enums and skipped fields as JSON does).
    #[test]
    fn every_preset_reaches_the_twin_whole() {
        use crate::presets::{FAMILIES, preset};
        use crate::wire::{from_cbor, to_cbor};
        for (family, _) in FAMILIES {
            let open = ToTwin::Open { spec: preset(family, 3), assets: "http://x/".into(), files: None };
            assert_eq!(from_cbor::<ToTwin>(&to_cbor(&open)).unwrap(), open, "{family:?}");
        }
        let answer = FromTwin::Attacked(Ok(f32::from_bits(0x3f80_0001)));
        assert_eq!(from_cbor::<FromTwin>(&to_cbor(&answer)).unwrap(), answer, "bit for bit");
    }
}
