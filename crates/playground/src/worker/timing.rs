//! Choosing the backend by measurement: the setup's models take a few steps on each device and
//! the faster one trains. WebGPU is not always the faster: a small model's step is a few
//! kernel launches and a read-back, which a software adapter (or a busy GPU) runs far slower
//! than the CPU computes the whole step; a large model on a real GPU is the other way round.
//! Nothing here assumes which wins.

use nsl::burn::tensor::Device;
use nsl::session::SnapshotOptions;
use nsl::spec::ExperimentSpec;
use web_time::Instant;

use super::data::Loaded;
use super::engine::open_runs;
use crate::protocol::StepTimes;

/// Time a trial spends at least, when its steps are fast: the browser's clock is coarsened
/// (0.1 ms in Chromium), so a single millisecond step is timed over many.
const MIN_TRIAL_MS: f64 = 40.0;

/// Most steps a trial times.
const MAX_TRIAL_STEPS: usize = 64;

/// How a trial proceeds: chunks of steps, each ended by a read-back (WebGPU computes
/// asynchronously; a step is done when its numbers are back), doubling until the trial has
/// lasted [`MIN_TRIAL_MS`] or timed [`MAX_TRIAL_STEPS`] steps. A slow device stops after its
/// first timed step.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Trial {
    /// Steps timed so far.
    pub steps: usize,
    /// Their time, with their read-backs.
    pub ms: f64,
}

impl Trial {
    /// The next chunk's size, or `None` when the trial is done.
    pub fn next_chunk(&self) -> Option<usize> {
        if self.steps == 0 {
            return Some(1);
        }
        (self.ms < MIN_TRIAL_MS && self.steps < MAX_TRIAL_STEPS)
            .then(|| self.steps.min(MAX_TRIAL_STEPS - self.steps))
    }

    /// Records a timed chunk.
    pub fn record(&mut self, steps: usize, ms: f64) {
        self.steps += steps;
        self.ms += ms;
    }

    /// Milliseconds per step.
    pub fn ms_per_step(&self) -> f64 {
        self.ms / self.steps.max(1) as f64
    }
}

/// Milliseconds per step of every model `spec` trains (the what-if pair's step when it
/// compares), on `device`, over `loaded`: fresh models (dropped after: training starts from the
/// seed as before), one untimed step and read-back first (it compiles WebGPU's kernels and
/// warms the caches), then a [`Trial`].
pub async fn ms_per_step(spec: &ExperimentSpec, loaded: &Loaded, device: &Device) -> nsl::Result<f64> {
    let mut runs = open_runs(spec, loaded, device)?;
    // The steps and the read-back of their losses: training measures its accuracies now and
    // then only (`Runtime::tick`), the views are the same work on either backend.
    let options = SnapshotOptions {
        grid: None,
        samples: 0,
        network: None,
        digit: None,
        embeddings: false,
        evaluate: false,
    };
    let mut step = async |steps: usize| -> nsl::Result<()> {
        for (_, run) in &mut runs {
            run.run_steps(steps)?;
        }
        for (_, run) in &mut runs {
            run.snapshot(&options)?.read_async().await?;
        }
        Ok(())
    };
    step(1).await?;
    let mut trial = Trial::default();
    while let Some(steps) = trial.next_chunk() {
        let start = Instant::now();
        step(steps).await?;
        trial.record(steps, start.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(trial.ms_per_step())
}

/// Whether WebGPU trains faster than the CPU by `times`.
pub fn webgpu_wins(times: &StepTimes) -> bool {
    times.webgpu_ms < times.cpu_ms
}

/// What makes a setup's step cost what it does: the data (its kind), the model, the
/// regularization, the batch and whether a base model trains beside it. A setup that differs
/// only in other ways (seed, learning rate, epochs, the data's noise) keeps the measured choice.
pub fn cost_key(spec: &ExperimentSpec) -> String {
    let data = serde_json::to_value(&spec.data).ok();
    let kind = data.as_ref().and_then(|d| d.get("kind")).cloned().unwrap_or_default();
    serde_json::json!([
        kind,
        spec.model,
        spec.regularization,
        spec.optimizer.batch_size,
        spec.compare_with_base
    ])
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_device_is_timed_over_many_steps_a_slow_one_over_one() {
        let mut fast = Trial::default();
        while let Some(steps) = fast.next_chunk() {
            fast.record(steps, 0.5 * steps as f64);
        }
        assert_eq!((fast.steps, fast.ms_per_step()), (64, 0.5), "chunks 1, 1, 2, 4, …, 32");
        let mut slow = Trial::default();
        while let Some(steps) = slow.next_chunk() {
            slow.record(steps, 400.0 * steps as f64);
        }
        assert_eq!((slow.steps, slow.ms_per_step()), (1, 400.0));
        let mut middling = Trial::default();
        while let Some(steps) = middling.next_chunk() {
            middling.record(steps, 12.0 * steps as f64);
        }
        assert_eq!(middling.steps, 4, "1 + 1 + 2 steps pass 40 ms");
    }

    #[test]
    fn the_faster_device_wins() {
        assert!(!webgpu_wins(&StepTimes { cpu_ms: 1.2, webgpu_ms: 38.0 }));
        assert!(webgpu_wins(&StepTimes { cpu_ms: 900.0, webgpu_ms: 40.0 }));
    }

    #[test]
    fn the_choice_is_measured_again_only_when_the_cost_of_a_step_changes() {
        let spec = crate::presets::preset(crate::presets::Family::Digits, 0);
        let mut knobs = spec.clone();
        knobs.seed = 3;
        knobs.epochs += 5;
        knobs.optimizer.learning_rate *= 2.0;
        assert_eq!(cost_key(&spec), cost_key(&knobs));
        let mut wider = spec.clone();
        let nsl::spec::ModelSpec::Mlp { hidden, .. } = &mut wider.model else { panic!("an MLP") };
        hidden[0] *= 2;
        assert_ne!(cost_key(&spec), cost_key(&wider));
        let mut pair = spec.clone();
        pair.compare_with_base = !spec.compare_with_base;
        assert_ne!(cost_key(&spec), cost_key(&pair));
        let other = crate::presets::preset(crate::presets::Family::Karate, 0);
        assert_ne!(cost_key(&spec), cost_key(&other));
    }
}
