//! The curves of one model: a point per snapshot (thinned as they grow), the latest snapshot
//! itself and the latest views inside the model, all shared with the components that draw them.

use nsl::session::digit_views::DigitViews;
use nsl::session::network::NetworkMaps;
use nsl::session::{LayerEmbedding, Progress};

use crate::shared::Shared;

/// Most points kept per curve; beyond it every other point is dropped (the curve keeps its
/// shape, memory and drawing time stay bounded).
pub const MAX_POINTS: usize = 2000;

/// One point of the curves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Optimizer step.
    pub step: usize,
    /// Total loss.
    pub total: f32,
    /// Supervised part.
    pub supervised: f32,
    /// Graph part.
    pub graph: Option<f32>,
    /// Adversarial part.
    pub adversarial: Option<f32>,
    /// VAT part.
    pub virtual_adversarial: Option<f32>,
    /// Deep Graph Infomax's loss (unweighted), when it trains beside.
    pub dgi: Option<f32>,
    /// Whether the accuracies were measured at this step (else they are the last measured, and
    /// the accuracy curves pass this point by).
    pub evaluated: bool,
    /// Train accuracy.
    pub train_acc: f64,
    /// Test accuracy.
    pub test_acc: f64,
    /// Test accuracy under FGSM.
    pub attacked_acc: Option<f64>,
    /// Deep Graph Infomax's accuracy, clean states against shuffled ones.
    pub dgi_acc: Option<f64>,
}

#[cfg(test)]
impl Point {
    /// A measured point at `step` on flat curves: losses 1, accuracies ½.
    pub fn flat(step: usize) -> Self {
        Self {
            step,
            total: 1.0,
            supervised: 1.0,
            graph: None,
            adversarial: None,
            virtual_adversarial: None,
            dgi: None,
            evaluated: true,
            train_acc: 0.5,
            test_acc: 0.5,
            attacked_acc: None,
            dgi_acc: None,
        }
    }
}

/// Appends `item`, first dropping every other item when `items` holds `max` (a curve keeps its
/// shape, memory and drawing time stay bounded).
pub fn push_thinned<T>(items: &mut Vec<T>, max: usize, item: T) {
    if items.len() >= max {
        let mut i = 0;
        items.retain(|_| {
            i += 1;
            i % 2 == 1
        });
    }
    items.push(item);
}

/// Drops every other point, counting measured and unmeasured points apart: the accuracy curves
/// are drawn from the measured points, which a plain every-other would drop all of when
/// measurements alternate with skips.
fn thin_points(points: &mut Vec<Point>) {
    let mut seen = [0usize; 2];
    points.retain(|p| {
        let count = &mut seen[usize::from(p.evaluated)];
        *count += 1;
        *count % 2 == 1
    });
}

/// The measurements of one model. Clones and comparisons are by pointer (see [`Shared`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Curve points, oldest first.
    pub points: Shared<Vec<Point>>,
    /// The latest snapshot.
    pub latest: Option<Shared<Progress>>,
    /// Loss of the first burst (kept when points are thinned).
    pub first_loss: Option<f32>,
    /// The views inside the model, as the latest snapshot that carried them had them (they
    /// come with some snapshots only, at most ~10 a second; a new model starts a new history).
    pub inside: InsideViews,
}

/// What the views inside a model draw; each part changes only when a snapshot brings it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InsideViews {
    /// An MLP on the plane, neuron by neuron.
    pub network: Option<Shared<NetworkMaps>>,
    /// A CNN's feature maps or an MLP's first-layer images.
    pub digits: Option<Shared<DigitViews>>,
    /// A GNN's embeddings layer by layer.
    pub embeddings: Option<Shared<Vec<LayerEmbedding>>>,
}

impl History {
    /// Adds a snapshot: a point on the curves, the snapshot as the latest, and the views inside
    /// the model it carries (taken out of it, so that they are shared, not copied).
    pub fn record(&mut self, mut progress: Progress) {
        if let Some(network) = progress.network.take() {
            self.inside.network = Some(Shared::new(network));
        }
        if let Some(digits) = progress.digit_views.take() {
            self.inside.digits = Some(Shared::new(digits));
        }
        if let Some(embeddings) = progress.embeddings.take() {
            self.inside.embeddings = Some(Shared::new(embeddings));
        }
        if let Some(l) = progress.losses {
            self.first_loss.get_or_insert(l.total);
            let point = Point {
                step: progress.step,
                total: l.total,
                supervised: l.supervised,
                graph: l.graph,
                adversarial: l.adversarial,
                virtual_adversarial: l.virtual_adversarial,
                dgi: l.dgi,
                evaluated: progress.evaluated,
                train_acc: progress.train_acc,
                test_acc: progress.test_acc,
                attacked_acc: progress.attacked_acc,
                dgi_acc: progress.dgi_acc,
            };
            self.points.update(|points| {
                if points.len() >= MAX_POINTS {
                    thin_points(points);
                }
                points.push(point);
            });
        } else if progress.evaluated {
            // No step since the last point (a pause measures the step it stopped at): the point
            // takes the measured accuracies.
            let last = self.points.last().copied().filter(|p| p.step == progress.step && !p.evaluated);
            if let Some(last) = last {
                let measured = Point {
                    evaluated: true,
                    train_acc: progress.train_acc,
                    test_acc: progress.test_acc,
                    attacked_acc: progress.attacked_acc,
                    ..last
                };
                self.points.update(|points| *points.last_mut().expect("a last point") = measured);
            }
        }
        // Nor does the page's latest snapshot lose the loss the model stopped at: the panels
        // (the what-if table) read it from there.
        if progress.losses.is_none() {
            progress.losses = self.latest.as_ref().filter(|l| l.step == progress.step).and_then(|l| l.losses);
        }
        self.latest = Some(Shared::new(progress));
    }

    /// Optimizer steps of the latest snapshot.
    pub fn step(&self) -> usize {
        self.latest.as_ref().map_or(0, |p| p.step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Measurements alternating with skips: thinning halves both kinds, the accuracy curves
    /// keep points.
    #[test]
    fn thinning_keeps_measured_points_when_they_alternate_with_skipped_ones() {
        let point = |step: usize| Point { evaluated: step % 2 == 1, ..Point::flat(step) };
        let mut points: Vec<Point> = (0..8).map(point).collect();
        thin_points(&mut points);
        let steps: Vec<usize> = points.iter().map(|p| p.step).collect();
        assert_eq!(steps, [0, 1, 4, 5]);
        assert_eq!(points.iter().filter(|p| p.evaluated).count(), 2);
    }

    /// A pause measures the step the curves stopped at: its point takes the accuracies.
    #[test]
    fn a_measurement_without_steps_completes_the_last_point() {
        let progress = |step: usize, evaluated: bool, losses: bool, test_acc: f64| Progress {
            evaluated,
            test_acc,
            losses: if losses { crate::state::tests::progress(step, 1.0).losses } else { None },
            ..crate::state::tests::progress(step, 1.0)
        };
        let mut history = History::default();
        history.record(progress(10, true, true, 0.4));
        history.record(progress(20, false, true, 0.4));
        assert!(!history.points.last().unwrap().evaluated);
        history.record(progress(20, true, false, 0.9));
        let last = *history.points.last().unwrap();
        assert_eq!((history.points.len(), last.step, last.evaluated, last.test_acc), (2, 20, true, 0.9));
        let latest = history.latest.clone().unwrap();
        assert_eq!(
            (latest.test_acc, latest.losses.map(|l| l.total)),
            (0.9, Some(1.0)),
            "the loss stopped at stays"
        );
        history.record(progress(20, true, false, 0.5));
        assert_eq!(history.points.last().unwrap().test_acc, 0.9, "a measured point stays as measured");
    }
}
