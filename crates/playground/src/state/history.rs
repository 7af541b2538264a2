//! The curves of one model: a point per snapshot (thinned as they grow) and the latest
//! snapshot itself, both shared with the components that draw them.

use nsl::session::Progress;

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
    /// Train accuracy.
    pub train_acc: f64,
    /// Test accuracy.
    pub test_acc: f64,
    /// Test accuracy under FGSM.
    pub attacked_acc: Option<f64>,
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

/// The measurements of one model. Clones and comparisons are by pointer (see [`Shared`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Curve points, oldest first.
    pub points: Shared<Vec<Point>>,
    /// The latest snapshot.
    pub latest: Option<Shared<Progress>>,
    /// Loss of the first burst (kept when points are thinned).
    pub first_loss: Option<f32>,
}

impl History {
    /// Adds a snapshot: a point on the curves, and the snapshot as the latest.
    pub fn record(&mut self, progress: Progress) {
        if let Some(l) = progress.losses {
            self.first_loss.get_or_insert(l.total);
            let point = Point {
                step: progress.step,
                total: l.total,
                supervised: l.supervised,
                graph: l.graph,
                adversarial: l.adversarial,
                virtual_adversarial: l.virtual_adversarial,
                train_acc: progress.train_acc,
                test_acc: progress.test_acc,
                attacked_acc: progress.attacked_acc,
            };
            self.points.update(|points| push_thinned(points, MAX_POINTS, point));
        }
        self.latest = Some(Shared::new(progress));
    }

    /// Optimizer steps of the latest snapshot.
    pub fn step(&self) -> usize {
        self.latest.as_ref().map_or(0, |p| p.step)
    }
}
