//! Snapshots of a training session for the view: everything the playground shows after a
//! burst of steps (mean losses, accuracies, the confusion matrix, FGSM accuracy, the heatmap,
//! sample and node predictions), laid out in one device buffer so that it is read back once —
//! synchronously natively, asynchronously where WebGPU in a browser requires it.

use std::ops::Range;

use burn::tensor::{Device, Int, Tensor};
use serde::{Deserialize, Serialize};

use crate::error::{NslError, Result};
use crate::gnn::subgraphs::SampledBatch;
use crate::session::digit_views::{DigitLayout, DigitViews};
use crate::session::heatmap::Grid;
use crate::session::link_scores::{LinkLayout, LinkScores};
use crate::session::network::{NetworkLayout, NetworkMaps};
use crate::session::readout::Readout;
use crate::tensor::{labels, matrix};

/// Mean losses over a burst of steps; parts that are off are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BurstLosses {
    /// Supervised plus every regularizer.
    pub total: f32,
    /// The supervised part.
    pub supervised: f32,
    /// Graph regularization, scaled.
    pub graph: Option<f32>,
    /// Adversarial regularization, scaled.
    pub adversarial: Option<f32>,
    /// Virtual adversarial regularization, scaled.
    pub virtual_adversarial: Option<f32>,
    /// Deep Graph Infomax's loss trained beside node classification, unweighted (the total
    /// holds it times its weight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dgi: Option<f32>,
}

/// A test row's label and the model's class probabilities for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamplePrediction {
    /// Row of the test data.
    pub row: usize,
    /// True class.
    pub label: u32,
    /// Predicted probability of each class.
    pub probabilities: Vec<f32>,
}

/// Predictions on every node of graph data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodePredictions {
    /// Predicted class of each node.
    pub classes: Vec<u32>,
    /// Probability of that class.
    pub confidence: Vec<f32>,
    /// Graph smoothness of the predictions: `Σ w·‖p(a) − p(b)‖² / Σ w` over every edge (the
    /// quantity graph regularization lowers; 0 = neighbors predict alike).
    pub smoothness: f64,
}

/// Predictions on every test graph of a graph-classification set, in the set's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphPredictions {
    /// Predicted class of each test graph.
    pub classes: Vec<u32>,
    /// Probability of that class.
    pub confidence: Vec<f32>,
}

/// A snapshot for the view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Optimizer steps so far.
    pub step: usize,
    /// Passes over the training data so far (fractional).
    pub epoch: f64,
    /// Mean losses of the steps since the previous snapshot (`None` if there were none).
    pub losses: Option<BurstLosses>,
    /// Whether this snapshot measured the accuracies (`train_acc`, `test_acc`, `attacked_acc`,
    /// `confusion`); `false` when it skipped them to save time ([`SnapshotOptions::evaluate`]):
    /// they are then zero until filled from an earlier snapshot ([`Progress::fill_accuracies`]).
    #[serde(default = "measured")]
    pub evaluated: bool,
    /// Accuracy on the training rows.
    pub train_acc: f64,
    /// Accuracy on the test rows.
    pub test_acc: f64,
    /// Test accuracy under the spec's FGSM attack (`evaluation.fgsm`), if it names one.
    pub attacked_acc: Option<f64>,
    /// Number of classes.
    pub classes: usize,
    /// Test confusion matrix, `classes × classes`, row = true class, column = predicted.
    pub confusion: Vec<u32>,
    /// For 2D data: class probabilities over the grid, `resolution² × classes`.
    pub heatmap: Option<Vec<f32>>,
    /// The first test rows with their predictions.
    pub samples: Vec<SamplePrediction>,
    /// For graph data: predictions on every node.
    pub nodes: Option<NodePredictions>,
    /// For an MLP on points of the plane: every neuron over the plane, and the weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkMaps>,
    /// For a model of digits: a CNN's feature maps of the chosen digit, or an MLP's
    /// first-layer weights as images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digit_views: Option<DigitViews>,
    /// For a GNN: every node's embedding after each layer, projected on its two leading
    /// principal components.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeddings: Option<Vec<LayerEmbedding>>,
    /// For a GNN trained on sampled subgraphs: what its last step read (roots, hops, edges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<SampledBatch>,
    /// For a graph classifier: its prediction of every test graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graphs: Option<GraphPredictions>,
    /// For a link predictor: the held-out test pairs' scores, the ROC curve and the AUCs (then
    /// `train_acc` and `test_acc` are the training and test AUC, `confusion` edges against
    /// non-edges at probability ½).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<LinkScores>,
    /// With Deep Graph Infomax beside: the share of the classified node set's states it tells
    /// from those of the graph with shuffled features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dgi_acc: Option<f64>,
    /// Mean wall-clock seconds of a step so far, for models over a graph (what a step costs:
    /// on the CPU backend its arithmetic, on WebGPU the time to queue it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_seconds: Option<f64>,
}

/// A GNN layer's node embeddings in the plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerEmbedding {
    /// The layer's width.
    pub width: usize,
    /// Each node's two leading principal components (the embedding itself when 2 wide or less).
    pub points: Vec<[f32; 2]>,
}

/// `true`: a snapshot read without the `evaluated` field measured its accuracies.
fn measured() -> bool {
    true
}

/// What a snapshot measured of a model's accuracy, kept to fill the snapshots after it that
/// skip the measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Accuracies {
    train_acc: f64,
    test_acc: f64,
    attacked_acc: Option<f64>,
    confusion: Vec<u32>,
}

impl Progress {
    /// The accuracies this snapshot measured (`None` if it skipped them).
    pub fn accuracies(&self) -> Option<Accuracies> {
        self.evaluated.then(|| Accuracies {
            train_acc: self.train_acc,
            test_acc: self.test_acc,
            attacked_acc: self.attacked_acc,
            confusion: self.confusion.clone(),
        })
    }

    /// Fills the accuracies a snapshot skipped with those measured before (`evaluated` stays
    /// `false`: a chart draws measured points only).
    pub fn fill_accuracies(&mut self, measured: &Accuracies) {
        if !self.evaluated {
            self.train_acc = measured.train_acc;
            self.test_acc = measured.test_acc;
            self.attacked_acc = measured.attacked_acc;
            self.confusion.clone_from(&measured.confusion);
        }
    }

    /// Accuracy of each class on the test rows (`None` for a class without test rows).
    pub fn per_class_accuracy(&self) -> Vec<Option<f64>> {
        let k = self.classes;
        (0..k)
            .map(|c| {
                let row = &self.confusion[c * k..(c + 1) * k];
                let total: u32 = row.iter().sum();
                (total > 0).then(|| f64::from(row[c]) / f64::from(total))
            })
            .collect()
    }
}

/// What a snapshot includes besides losses and accuracies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SnapshotOptions {
    /// The heatmap's grid (2D data only).
    pub grid: Option<Grid>,
    /// How many test rows to report predictions for.
    pub samples: usize,
    /// The grid of the neuron maps of an MLP on points of the plane (`None`: no network view).
    pub network: Option<Grid>,
    /// For a model of digits, the test digit whose feature maps a CNN shows (an MLP shows its
    /// first-layer weights whenever this is set; `None`: neither).
    pub digit: Option<usize>,
    /// For a GNN, every layer's node embeddings in the plane.
    pub embeddings: bool,
    /// Measure the accuracies (training, test, under the spec's attack, the confusion): a
    /// forward pass over every row, more than a hundred training steps' arithmetic for a CNN on
    /// the digits; `false` skips them where that is the cost (models trained on rows).
    pub evaluate: bool,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        Self {
            grid: Some(Grid::default()),
            samples: 8,
            network: None,
            digit: None,
            embeddings: false,
            evaluate: true,
        }
    }
}

/// Every edge of a graph on the device, for the smoothness of predictions.
#[derive(Debug)]
pub(crate) struct EdgeTensors {
    sources: Tensor<1, Int>,
    targets: Tensor<1, Int>,
    weights: Tensor<2>,
    weight_sum: f64,
}

impl EdgeTensors {
    pub(crate) fn new(edges: impl Iterator<Item = (u32, u32, f32)>, device: &Device) -> Self {
        let (mut sources, mut targets, mut weights) = (Vec::new(), Vec::new(), Vec::new());
        for (a, b, w) in edges {
            sources.push(a);
            targets.push(b);
            weights.push(w);
        }
        let weight_sum = weights.iter().map(|&w| f64::from(w)).sum();
        let n = weights.len();
        Self {
            sources: labels(&sources, device),
            targets: labels(&targets, device),
            weights: matrix(weights, n, 1, device),
            weight_sum,
        }
    }

    /// Pushes each node's predicted class and confidence, and `Σ w·‖p(a) − p(b)‖²`, for the
    /// class probabilities `p` (`[nodes, classes]`).
    pub(crate) fn push_predictions(&self, p: Tensor<2>, readout: &mut Readout) -> NodeLayout {
        let n = p.dims()[0];
        let classes = readout.push(p.clone().argmax(1).reshape([n]).float());
        let confidence = readout.push(p.clone().max_dim(1));
        let gap = p.clone().select(0, self.sources.clone()) - p.select(0, self.targets.clone());
        let smoothness = readout.push((gap.powi_scalar(2).sum_dim(1) * self.weights.clone()).sum());
        NodeLayout { classes, confidence, smoothness, weight_sum: self.weight_sum }
    }
}

/// Rows of one-hot class labels (`[labels.len(), classes]`).
pub(crate) fn onehot_labels(labels: &[u32], classes: usize, device: &Device) -> Tensor<2> {
    let mut values = vec![0.0; labels.len() * classes];
    for (i, &l) in labels.iter().enumerate() {
        values[i * classes + l as usize] = 1.0;
    }
    matrix(values, labels.len(), classes, device)
}

/// Where each quantity sits in a snapshot's read-back.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub(crate) step: usize,
    pub(crate) epoch: f64,
    /// The six loss sums (total, supervised, graph, adversarial, VAT, DGI) and their step count.
    pub(crate) losses: Option<(Range<usize>, usize)>,
    /// The training rows classified right and the test confusion matrix (`None`: not measured).
    pub(crate) accuracy: Option<(Range<usize>, Range<usize>)>,
    pub(crate) train_rows: usize,
    pub(crate) test_rows: usize,
    pub(crate) attacked: Option<Range<usize>>,
    pub(crate) heatmap: Option<Range<usize>>,
    pub(crate) samples: Option<Range<usize>>,
    pub(crate) sample_labels: Vec<u32>,
    pub(crate) nodes: Option<NodeLayout>,
    pub(crate) network: Option<NetworkLayout>,
    pub(crate) digit_views: Option<DigitLayout>,
    /// Each GNN layer's width and where its states sit.
    pub(crate) embeddings: Option<Vec<(usize, Range<usize>)>>,
    /// The last step's batch of sampled subgraphs (host data, nothing to read back).
    pub(crate) batch: Option<SampledBatch>,
    pub(crate) step_seconds: Option<f64>,
    /// A link predictor's scores (its snapshot has no node accuracies).
    pub(crate) links: Option<LinkLayout>,
    /// A graph classifier's predicted class and its probability for every test graph.
    pub(crate) graphs: Option<(Range<usize>, Range<usize>)>,
    /// DGI's right answers (clean and corrupted logits on their side of 0) and their count.
    pub(crate) dgi: Option<(Range<usize>, usize)>,
    pub(crate) classes: usize,
    /// Whether the graph, adversarial, VAT and DGI parts are in force.
    pub(crate) parts: [bool; 4],
}

/// Where the node predictions sit: classes, confidences, the smoothness numerator, and the
/// sum of edge weights (its denominator, known on the host).
#[derive(Debug, Clone)]
pub(crate) struct NodeLayout {
    pub(crate) classes: Range<usize>,
    pub(crate) confidence: Range<usize>,
    pub(crate) smoothness: Range<usize>,
    pub(crate) weight_sum: f64,
}

/// A snapshot computed on the device, to be read back once.
#[derive(Debug)]
pub struct PendingProgress {
    pub(crate) readout: Readout,
    pub(crate) layout: Layout,
}

impl PendingProgress {
    /// Reports the snapshot at `step` of the model it trains beside, whose steps are another
    /// size (a full-batch base beside a model on sampled subgraphs: both at the same epoch),
    /// so that their curves share one axis.
    pub fn at_step(mut self, step: usize) -> Self {
        self.layout.step = step;
        self
    }

    /// Reads the snapshot back synchronously (native code, the CPU backend in a browser).
    ///
    /// # Errors
    /// [`NslError::Diverged`] if the mean loss since the previous snapshot is not finite.
    pub fn read(self) -> Result<Progress> {
        let values = self.readout.read()?;
        self.layout.progress(&values)
    }

    /// Reads the snapshot back asynchronously (WebGPU in a browser).
    ///
    /// # Errors
    /// As [`PendingProgress::read`].
    pub async fn read_async(self) -> Result<Progress> {
        let values = self.readout.read_async().await?;
        self.layout.progress(&values)
    }
}

impl Layout {
    pub(crate) fn progress(&self, v: &[f32]) -> Result<Progress> {
        let losses = match &self.losses {
            None => None,
            Some((range, steps)) => {
                // Five sums (six with DGI), as the session pushed them.
                let means: Vec<f32> = v[range.clone()].iter().map(|s| s / (*steps).max(1) as f32).collect();
                if !means[0].is_finite() {
                    return Err(NslError::Diverged {
                        epoch: self.epoch.floor() as usize,
                        step: self.step,
                        value: means[0],
                    });
                }
                let pick = |on: bool, value: f32| on.then_some(value);
                Some(BurstLosses {
                    total: means[0],
                    supervised: means[1],
                    graph: pick(self.parts[0], means[2]),
                    adversarial: pick(self.parts[1], means[3]),
                    virtual_adversarial: pick(self.parts[2], means[4]),
                    dgi: self.parts[3].then(|| means[5]),
                })
            }
        };
        if let Some(links) = &self.links {
            let scores = links.read(v);
            return Ok(Progress {
                step: self.step,
                epoch: self.epoch,
                losses,
                evaluated: true,
                train_acc: scores.train_auc,
                test_acc: scores.test_auc,
                attacked_acc: None,
                classes: 2,
                confusion: scores.confusion(),
                heatmap: None,
                samples: Vec::new(),
                nodes: None,
                network: None,
                digit_views: None,
                embeddings: None,
                batch: None,
                graphs: None,
                links: Some(scores),
                dgi_acc: None,
                step_seconds: self.step_seconds,
            });
        }
        let k = self.classes;
        let fraction = |count: f32, rows: usize| f64::from(count) / rows.max(1) as f64;
        let (train_acc, test_acc, confusion) = match &self.accuracy {
            Some((train_correct, confusion)) => {
                let confusion: Vec<u32> = v[confusion.clone()].iter().map(|&c| c.round() as u32).collect();
                let test_correct: u32 = (0..k).map(|c| confusion[c * k + c]).sum();
                let test_acc = f64::from(test_correct) / self.test_rows.max(1) as f64;
                (fraction(v[train_correct.start], self.train_rows), test_acc, confusion)
            }
            None => (0.0, 0.0, Vec::new()),
        };
        let samples = match &self.samples {
            None => Vec::new(),
            Some(range) => v[range.clone()]
                .chunks(k)
                .zip(&self.sample_labels)
                .enumerate()
                .map(|(row, (p, &label))| SamplePrediction { row, label, probabilities: p.to_vec() })
                .collect(),
        };
        let nodes = self.nodes.as_ref().map(|n| NodePredictions {
            classes: v[n.classes.clone()].iter().map(|&c| c.round() as u32).collect(),
            confidence: v[n.confidence.clone()].to_vec(),
            smoothness: f64::from(v[n.smoothness.start]) / n.weight_sum.max(f64::MIN_POSITIVE),
        });
        Ok(Progress {
            step: self.step,
            epoch: self.epoch,
            losses,
            evaluated: self.accuracy.is_some(),
            train_acc,
            test_acc,
            attacked_acc: self.attacked.as_ref().map(|r| fraction(v[r.start], self.test_rows)),
            classes: k,
            confusion,
            heatmap: self.heatmap.as_ref().map(|r| v[r.clone()].to_vec()),
            samples,
            nodes,
            network: self.network.as_ref().map(|n| n.read(v)),
            digit_views: self.digit_views.as_ref().map(|d| d.read(v)),
            embeddings: match &self.embeddings {
                None => None,
                Some(layers) => Some(
                    layers
                        .iter()
                        .map(|(width, range)| project(&v[range.clone()], *width))
                        .collect::<Result<_>>()?,
                ),
            },
            batch: self.batch.clone(),
            graphs: self.graphs.as_ref().map(|(classes, confidence)| GraphPredictions {
                classes: v[classes.clone()].iter().map(|&c| c.round() as u32).collect(),
                confidence: v[confidence.clone()].to_vec(),
            }),
            links: None,
            dgi_acc: self.dgi.as_ref().map(|(right, total)| fraction(v[right.start], *total)),
            step_seconds: self.step_seconds,
        })
    }
}

/// Node states `[nodes × width]` on their two leading principal components (a fixed seed and
/// signs, so that a projection moves only as the states do).
fn project(states: &[f32], width: usize) -> Result<LayerEmbedding> {
    let points = match width {
        0 => Vec::new(),
        1 => states.iter().map(|&x| [x, 0.0]).collect(),
        2 => states.chunks(2).map(|p| [p[0], p[1]]).collect(),
        _ => nsl_graph::embed::pca(states, width, 2, 0)
            .map_err(|e| NslError::Config(format!("projecting embeddings: {e}")))?
            .chunks(2)
            .map(|p| [p[0], p[1]])
            .collect(),
    };
    Ok(LayerEmbedding { width, points })
}

/// Predicted classes of `logits` as one-hot rows.
pub(crate) fn predicted_onehot(logits: Tensor<2>) -> Tensor<2> {
    let [n, k] = logits.dims();
    let device = logits.device();
    // Compared with a row of class indices rather than burn's `one_hot`, which reads the
    // indices back synchronously to check them — impossible on WebGPU in a browser.
    let predicted = logits.argmax(1).repeat_dim(1, k);
    let classes = Tensor::<1, Int>::arange(0..k as i64, &device).reshape([1, k]).repeat_dim(0, n);
    predicted.equal(classes).float()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_finite_mean_loss_is_reported_as_divergence() {
        let layout = Layout {
            step: 7,
            epoch: 1.5,
            losses: Some((0..5, 1)),
            accuracy: Some((5..6, 6..10)),
            train_rows: 1,
            test_rows: 1,
            attacked: None,
            heatmap: None,
            samples: None,
            sample_labels: Vec::new(),
            nodes: None,
            network: None,
            digit_views: None,
            embeddings: None,
            batch: None,
            step_seconds: None,
            links: None,
            graphs: None,
            classes: 2,
            parts: [false; 4],
            dgi: None,
        };
        let mut values = vec![0.5, 0.5, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0];
        assert!(layout.progress(&values).is_ok());
        values[0] = f32::NAN;
        let err = layout.progress(&values).unwrap_err();
        assert!(matches!(err, NslError::Diverged { step: 7, epoch: 1, .. }), "{err}");
    }
}
