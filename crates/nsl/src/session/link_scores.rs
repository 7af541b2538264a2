//! What a link predictor's snapshot shows: each held-out test edge's and sampled non-edge's
//! score, the ROC curve and AUC on them (and on the validation pairs and the training links),
//! and the edge/non-edge confusion at probability ½.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::gnn::link_task::roc_auc;

/// A link predictor's scores of held-out pairs, as read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkScores {
    /// Held-out test edges, `(a, b)` with `a < b`.
    pub edges: Vec<(u32, u32)>,
    /// Sampled test non-edges.
    pub non_edges: Vec<(u32, u32)>,
    /// The model's probability that each test edge is a link.
    pub edge_scores: Vec<f32>,
    /// The same for each non-edge.
    pub non_edge_scores: Vec<f32>,
    /// ROC AUC of the test edges against the non-edges.
    pub test_auc: f64,
    /// ROC AUC of the validation edges against their non-edges.
    pub val_auc: f64,
    /// ROC AUC of the training links against as many fixed non-edges.
    pub train_auc: f64,
    /// The test ROC curve: `(false positive rate, true positive rate)` from `(0, 0)` to `(1, 1)`.
    pub roc: Vec<(f32, f32)>,
}

/// Where a link snapshot's scores sit in the read-back, with the test pairs they score.
#[derive(Debug, Clone)]
pub(crate) struct LinkLayout {
    pub(crate) test: (Range<usize>, Range<usize>),
    pub(crate) val: (Range<usize>, Range<usize>),
    pub(crate) train: (Range<usize>, Range<usize>),
    pub(crate) edges: Vec<(u32, u32)>,
    pub(crate) non_edges: Vec<(u32, u32)>,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl LinkLayout {
    /// The scores in `v` (logits), as probabilities with their AUCs and the test ROC curve.
    pub(crate) fn read(&self, v: &[f32]) -> LinkScores {
        let auc = |(pos, neg): &(Range<usize>, Range<usize>)| roc_auc(&v[pos.clone()], &v[neg.clone()]);
        let edge_scores: Vec<f32> = v[self.test.0.clone()].iter().map(|&x| sigmoid(x)).collect();
        let non_edge_scores: Vec<f32> = v[self.test.1.clone()].iter().map(|&x| sigmoid(x)).collect();
        LinkScores {
            edges: self.edges.clone(),
            non_edges: self.non_edges.clone(),
            roc: roc_curve(&edge_scores, &non_edge_scores),
            edge_scores,
            non_edge_scores,
            test_auc: auc(&self.test),
            val_auc: auc(&self.val),
            train_auc: auc(&self.train),
        }
    }
}

impl LinkScores {
    /// The test pairs by truth and prediction at probability ½, `[non-edge, edge]` rows (true)
    /// by columns (predicted), row-major.
    pub fn confusion(&self) -> Vec<u32> {
        let above = |scores: &[f32]| scores.iter().filter(|&&s| s > 0.5).count() as u32;
        let (edges_found, false_links) = (above(&self.edge_scores), above(&self.non_edge_scores));
        vec![
            self.non_edge_scores.len() as u32 - false_links,
            false_links,
            self.edge_scores.len() as u32 - edges_found,
            edges_found,
        ]
    }
}

/// The ROC curve of `positive` against `negative` scores: a point per distinct threshold,
/// from `(0, 0)` (nothing called a link) to `(1, 1)` (everything).
pub fn roc_curve(positive: &[f32], negative: &[f32]) -> Vec<(f32, f32)> {
    let mut all: Vec<(f32, bool)> =
        positive.iter().map(|&s| (s, true)).chain(negative.iter().map(|&s| (s, false))).collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (p, n) = (positive.len().max(1) as f32, negative.len().max(1) as f32);
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut curve = vec![(0.0, 0.0)];
    let mut i = 0;
    while i < all.len() {
        // Pairs of one score cross the threshold together.
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            if all[j].1 {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            j += 1;
        }
        curve.push((fp / n, tp / p));
        i = j;
    }
    curve
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roc_curve_climbs_from_nothing_to_everything_and_its_area_is_the_auc() {
        let (pos, neg) = ([0.9, 0.8, 0.4], [0.7, 0.4, 0.1]);
        let curve = roc_curve(&pos, &neg);
        assert_eq!(curve.first(), Some(&(0.0, 0.0)));
        assert_eq!(curve.last(), Some(&(1.0, 1.0)));
        // The tie at 0.4 moves right and up at once.
        assert!(curve.contains(&(1.0 / 3.0, 2.0 / 3.0)) && curve.contains(&(2.0 / 3.0, 1.0)));
        let area: f32 = curve.windows(2).map(|w| (w[1].0 - w[0].0) * (w[1].1 + w[0].1) / 2.0).sum();
        assert!((f64::from(area) - roc_auc(&pos, &neg)).abs() < 1e-6, "{area}");
        let scores = LinkScores {
            edges: vec![(0, 1); 3],
            non_edges: vec![(0, 2); 3],
            edge_scores: pos.to_vec(),
            non_edge_scores: neg.to_vec(),
            test_auc: 0.0,
            val_auc: 0.0,
            train_auc: 0.0,
            roc: curve,
        };
        assert_eq!(scores.confusion(), vec![2, 1, 1, 2], "0.7 called a link, 0.4 missed");
    }
}
