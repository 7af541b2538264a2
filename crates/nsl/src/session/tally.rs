//! What a step-wise session over a graph keeps between snapshots: the losses of the steps since
//! the previous one, summed on the device, and the time every step so far took.

use std::ops::Range;

use burn::tensor::Tensor;

use super::readout::Readout;

/// Loss parts a snapshot reads: total, supervised, graph, adversarial, VAT, DGI.
const LOSS_PARTS: usize = 6;

/// Losses since the last snapshot and time spent stepping.
#[derive(Debug, Default)]
pub(crate) struct StepTally {
    sum: Option<(Tensor<1>, usize)>,
    seconds: f64,
}

impl StepTally {
    /// Adds one step's loss parts: the first of `[total, supervised, graph, adversarial, VAT,
    /// DGI]`, or a single loss
    /// (the total and its supervised part both).
    pub(crate) fn add(&mut self, parts: Tensor<1>) {
        self.sum = Some(match self.sum.take() {
            None => (parts, 1),
            Some((sum, n)) => (sum + parts, n + 1),
        });
    }

    /// Adds the wall-clock time of some steps.
    pub(crate) fn add_seconds(&mut self, seconds: f64) {
        self.seconds += seconds;
    }

    /// Mean seconds of a step, over `steps` steps so far (`None` before the first).
    pub(crate) fn seconds_per_step(&self, steps: usize) -> Option<f64> {
        (steps > 0).then(|| self.seconds / steps as f64)
    }

    /// Pushes the loss sums since the last snapshot as the snapshot layout's six (total,
    /// supervised, graph, adversarial, VAT, DGI; 0 where a session has none) with their step count,
    /// and starts a new tally of losses.
    pub(crate) fn push_losses(&mut self, readout: &mut Readout) -> Option<(Range<usize>, usize)> {
        self.sum.take().map(|(sum, steps)| {
            let device = sum.device();
            let parts = match sum.dims()[0] {
                1 => vec![sum.clone(), sum, Tensor::<1>::zeros([LOSS_PARTS - 2], &device)],
                n => vec![sum, Tensor::<1>::zeros([LOSS_PARTS.saturating_sub(n)], &device)],
            };
            (readout.push(Tensor::cat(parts, 0)), steps)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Device;

    #[test]
    fn losses_sum_to_the_layouts_six_and_start_again() {
        let device = Device::flex();
        let mut tally = StepTally::default();
        tally.add(Tensor::from_floats([1.0], &device));
        tally.add(Tensor::from_floats([2.0], &device));
        let mut readout = Readout::default();
        let (range, steps) = tally.push_losses(&mut readout).unwrap();
        assert_eq!((range, steps), (0..6, 2));
        assert_eq!(
            readout.read().unwrap(),
            vec![3.0, 3.0, 0.0, 0.0, 0.0, 0.0],
            "a single loss is total and supervised"
        );
        assert!(tally.push_losses(&mut Readout::default()).is_none(), "taken");
        tally.add(Tensor::from_floats([4.0, 3.0, 0.5, 0.5], &device));
        let mut readout = Readout::default();
        tally.push_losses(&mut readout).unwrap();
        assert_eq!(
            readout.read().unwrap(),
            vec![4.0, 3.0, 0.5, 0.5, 0.0, 0.0],
            "the VAT and DGI parts are 0"
        );
        tally.add_seconds(0.5);
        assert_eq!((tally.seconds_per_step(0), tally.seconds_per_step(2)), (None, Some(0.25)));
    }
}
