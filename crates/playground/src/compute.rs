//! Runs library computations for the UI and reads results back asynchronously (the only
//! read-back WebGPU allows in a browser; the CPU backend accepts it too).

use nsl::config::DistanceConfig;
use nsl::distance::pairwise_distance;
use nsl::tensor::matrix;

use crate::backend::BackendStatus;
use crate::state::{DistanceInputs, parse_rows};

/// NSL's pairwise distance of the explorer's inputs on the active backend.
pub async fn distance(inputs: DistanceInputs, backend: BackendStatus) -> Result<Vec<f32>, String> {
    let sources = parse_rows(&inputs.sources).map_err(|e| format!("sources: {e}"))?;
    let targets = parse_rows(&inputs.targets).map_err(|e| format!("targets: {e}"))?;
    let weights: Vec<f32> = inputs
        .weights
        .split([',', ' ', ';'])
        .filter(|w| !w.trim().is_empty())
        .map(|w| w.trim().parse::<f32>().map_err(|_| format!("weights: {w:?} is not a number")))
        .collect::<Result<_, _>>()?;
    if sources.len() != targets.len() || sources[0].len() != targets[0].len() {
        return Err(format!(
            "sources are {}×{}, targets {}×{}: they must match",
            sources.len(),
            sources[0].len(),
            targets.len(),
            targets[0].len()
        ));
    }
    if weights.len() != sources.len() {
        return Err(format!("{} weights for {} rows", weights.len(), sources.len()));
    }
    let device = backend.device()?;
    let (n, d) = (sources.len(), sources[0].len());
    let s = matrix(sources.concat(), n, d, &device);
    let t = matrix(targets.concat(), n, d, &device);
    let w = matrix(weights, n, 1, &device);
    let config: DistanceConfig = inputs.config;
    let result = pairwise_distance(s, t, Some(w), &config).map_err(|e| e.to_string())?;
    let data = result.into_data_async().await.map_err(|e| format!("read-back: {e:?}"))?;
    data.convert::<f32>().try_into_vec::<f32>().map_err(|e| format!("read-back: {e:?}"))
}
