//! Neural Graph Machines (Bui, Ravi & Ramavajjala, WSDM 2018): a feed-forward network trained
//! with its supervised loss plus graph terms on *all* edges, weighted separately for
//! labeled–labeled (α₁), labeled–unlabeled (α₂) and unlabeled–unlabeled (α₃) edges, so that
//! unlabeled nodes regularize each other — the part TensorFlow NSL leaves out.
//!
//! The distance is taken on the last hidden layer, as in the paper. Squared distances between
//! raw embeddings (or softmax outputs) reward collapsing every node onto one point as α grows;
//! here embeddings are L2-normalised before the squared distance (a cosine distance), which
//! cannot shrink to zero by scaling, and α ramps up linearly over `warmup_epochs` so that the
//! supervised signal shapes the embedding first. Each edge type's term is a mean over its
//! edges, so α₁, α₂, α₃ are comparable whatever the counts.

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig};
use burn::optim::GradientsParams;
use burn::tensor::{Device, Int, Tensor, activation};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use crate::distance::l2_normalize_rows;
use crate::error::{NslError, Result};
use crate::gnn::NodeInput;
use crate::gnn::layers::glorot;
use crate::gnn::node_task::{
    FullBatchTrainer, NodeData, NodeEpoch, NodeRun, NodeTrainOptions, adam, run_epochs,
};
use crate::loss::sparse_softmax_cross_entropy;
use crate::spec::ExperimentSpec;
use crate::tensor::{labels, matrix};

/// NGM's weights and schedule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NgmConfig {
    /// α₁: edges between two labeled (training) nodes.
    pub alpha_labeled_labeled: f32,
    /// α₂: edges between a labeled and an unlabeled node.
    pub alpha_labeled_unlabeled: f32,
    /// α₃: edges between two unlabeled nodes.
    pub alpha_unlabeled_unlabeled: f32,
    /// Epochs over which the α ramp linearly from 0 (0: full weight from the start).
    pub warmup_epochs: usize,
    /// What an edge term compares.
    pub distance: NgmDistance,
}

/// The per-edge term of [`NgmConfig`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NgmDistance {
    /// `‖ĥ_u − ĥ_v‖²` between L2-normalised last-hidden-layer embeddings (the paper's choice
    /// of layer, made scale-free).
    HiddenCosine,
    /// `−Σ_c p_v,c · log p_u,c` with the neighbor's prediction `p_v` held fixed: each node is
    /// pulled toward its neighbors' predicted classes (summed over its edges, a neighbor-mean
    /// target), and the fixed target removes the incentive to collapse.
    #[default]
    NeighborPredictions,
}

impl Default for NgmConfig {
    fn default() -> Self {
        Self {
            alpha_labeled_labeled: 0.0,
            alpha_labeled_unlabeled: 2.0,
            alpha_unlabeled_unlabeled: 0.5,
            warmup_epochs: 20,
            distance: NgmDistance::NeighborPredictions,
        }
    }
}

/// Edges of one kind: both directions of each undirected edge, with weights.
#[derive(Debug, Clone)]
struct EdgeGroup {
    src: Tensor<1, Int>,
    dst: Tensor<1, Int>,
    weight: Tensor<2>,
    count: usize,
}

/// A feed-forward network over node features whose first layer reads sparse rows directly.
#[derive(Module, Debug)]
pub struct NodeMlp {
    /// `[in, out]` per layer.
    pub weights: Vec<Param<Tensor<2>>>,
    /// `[out]` per layer.
    pub biases: Vec<Param<Tensor<1>>>,
    /// Dropout on hidden layers.
    pub dropout: Dropout,
    /// Dropout on the input (host-drawn, keeps sparse inputs sparse).
    #[module(skip)]
    pub input_dropout: f64,
}

impl NodeMlp {
    /// Layers `input → hidden… → output`, Glorot weights from `seed`.
    pub fn new(
        input: usize,
        hidden: &[usize],
        output: usize,
        dropout: f64,
        seed: u64,
        device: &Device,
    ) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let widths: Vec<usize> =
            std::iter::once(input).chain(hidden.iter().copied()).chain([output]).collect();
        let weights = widths.windows(2).map(|w| glorot(&mut rng, w[0], w[1], device)).collect();
        let biases = widths[1..].iter().map(|&w| Param::from_tensor(Tensor::zeros([w], device))).collect();
        Self { weights, biases, dropout: DropoutConfig::new(dropout).init(), input_dropout: dropout }
    }

    /// The last hidden layer and the logits.
    ///
    /// # Shapes
    /// - `input`: `[nodes, features]`; returns `([nodes, hidden], [nodes, classes])`.
    pub fn forward(&self, input: &NodeInput, train_rng: Option<&mut StdRng>) -> (Tensor<2>, Tensor<2>) {
        let input = match train_rng {
            Some(rng) => input.dropout(self.input_dropout, rng),
            None => input.clone(),
        };
        let mut h = activation::relu(input.matmul(self.weights[0].val()) + self.biases[0].val().unsqueeze());
        let last = self.weights.len() - 1;
        for i in 1..last {
            let dropped = self.dropout.forward(h);
            h = activation::relu(dropped.matmul(self.weights[i].val()) + self.biases[i].val().unsqueeze());
        }
        let logits = self.dropout.forward(h.clone()).matmul(self.weights[last].val())
            + self.biases[last].val().unsqueeze();
        (h, logits)
    }
}

/// Mean over the group's edges `v → u` of `w · ‖ĥ_u − ĥ_v‖²` (ĥ L2-normalised hidden).
fn hidden_cosine(unit: &Tensor<2>, group: &EdgeGroup) -> Tensor<1> {
    let diff = unit.clone().select(0, group.dst.clone()) - unit.clone().select(0, group.src.clone());
    (diff.powf_scalar(2.0).sum_dim(1) * group.weight.clone()).sum().div_scalar(group.count as f32)
}

/// Mean over the group's edges `v → u` of `w · CE(stop_gradient(p_v), p_u)`.
fn neighbor_predictions(log_probs: &Tensor<2>, group: &EdgeGroup) -> Tensor<1> {
    let target = log_probs.clone().detach().exp().select(0, group.src.clone());
    let own = log_probs.clone().select(0, group.dst.clone());
    (target * own).sum_dim(1).neg().mul(group.weight.clone()).sum().div_scalar(group.count as f32)
}

/// An NGM-regularized MLP trained one full-batch step at a time (`ngm: None`: the same MLP
/// without graph terms, the base model).
pub struct NgmTrainer {
    model: NodeMlp,
    optimizer: burn::optim::ModuleOptimizer,
    input: NodeInput,
    eval_input: NodeInput,
    groups: Vec<Option<EdgeGroup>>,
    train_nodes: Tensor<1, Int>,
    train_labels: Tensor<1, Int>,
    ngm: Option<NgmConfig>,
    learning_rate: f64,
    rng: StdRng,
    device: Device,
    steps: usize,
}

impl std::fmt::Debug for NgmTrainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // burn's optimizer has no Debug.
        f.debug_struct("NgmTrainer")
            .field("ngm", &self.ngm)
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}

impl NgmTrainer {
    /// A fresh MLP with `hidden` layers on `data` (autodiff is enabled on `device` here).
    pub fn new(
        data: &NodeData,
        hidden: &[usize],
        dropout: f64,
        ngm: Option<&NgmConfig>,
        options: &NodeTrainOptions,
        device: &Device,
    ) -> Result<Self> {
        if hidden.is_empty() {
            return Err(NslError::Config(
                "NGM needs at least one hidden layer (its distance is taken there)".into(),
            ));
        }
        let train_device = device.clone().autodiff();
        train_device.seed(options.seed);
        let eval_device = device.clone().inner();
        let model = NodeMlp::new(data.dim, hidden, data.classes, dropout, options.seed, &train_device);
        let mut labeled = vec![false; data.adjacency.nodes];
        for &n in &data.train {
            labeled[n as usize] = true;
        }
        let mut buckets: [Vec<(u32, u32, f32)>; 3] = Default::default();
        for (a, b, w) in data.adjacency.triples().filter(|(a, b, _)| a != b) {
            buckets[labeled[a as usize] as usize + labeled[b as usize] as usize].push((a, b, w));
        }
        // buckets[2] = labeled–labeled, [1] = labeled–unlabeled, [0] = unlabeled–unlabeled.
        let groups = [2, 1, 0]
            .iter()
            .map(|&k| {
                let edges = &buckets[k];
                (!edges.is_empty()).then(|| EdgeGroup {
                    src: labels(&edges.iter().map(|e| e.0).collect::<Vec<_>>(), &train_device),
                    dst: labels(&edges.iter().map(|e| e.1).collect::<Vec<_>>(), &train_device),
                    weight: matrix(edges.iter().map(|e| e.2).collect(), edges.len(), 1, &train_device),
                    count: edges.len(),
                })
            })
            .collect();
        Ok(Self {
            model,
            optimizer: adam(options.weight_decay),
            input: NodeInput::from_rows(&data.features, data.dim, &train_device),
            eval_input: NodeInput::from_rows(&data.features, data.dim, &eval_device),
            groups,
            train_nodes: labels(&data.train, &train_device),
            train_labels: labels(
                &data.train.iter().map(|&n| data.labels[n as usize]).collect::<Vec<_>>(),
                &train_device,
            ),
            ngm: ngm.copied(),
            learning_rate: options.learning_rate,
            rng: StdRng::seed_from_u64(options.seed ^ 0x46_4d),
            device: train_device,
            steps: 0,
        })
    }
}

impl FullBatchTrainer for NgmTrainer {
    /// One full-batch step (the α ramp counts steps as epochs); the adversarial part is 0.
    fn step(&mut self) -> Result<Tensor<1>> {
        let epoch = self.steps + 1;
        let (h, logits) = self.model.forward(&self.input, Some(&mut self.rng));
        let supervised = sparse_softmax_cross_entropy(
            logits.clone().select(0, self.train_nodes.clone()),
            self.train_labels.clone(),
        );
        let mut loss = supervised.clone();
        if let Some(ngm) = &self.ngm {
            let ramp =
                if ngm.warmup_epochs == 0 { 1.0 } else { (epoch as f32 / ngm.warmup_epochs as f32).min(1.0) };
            let compared = match ngm.distance {
                NgmDistance::HiddenCosine => l2_normalize_rows(h),
                NgmDistance::NeighborPredictions => activation::log_softmax(logits, 1),
            };
            let alphas =
                [ngm.alpha_labeled_labeled, ngm.alpha_labeled_unlabeled, ngm.alpha_unlabeled_unlabeled];
            for (alpha, group) in alphas.iter().zip(&self.groups) {
                if let (Some(group), true) = (group, *alpha > 0.0) {
                    let term = match ngm.distance {
                        NgmDistance::HiddenCosine => hidden_cosine(&compared, group),
                        NgmDistance::NeighborPredictions => neighbor_predictions(&compared, group),
                    };
                    loss = loss + term.mul_scalar(alpha * ramp);
                }
            }
        }
        let (total, supervised) = (loss.clone().inner(), supervised.inner());
        let parts = Tensor::cat(
            vec![
                total.clone(),
                supervised.clone(),
                total - supervised,
                Tensor::zeros([1], &self.device.clone().inner()),
            ],
            0,
        );
        let grads = GradientsParams::from_grads(loss.backward(), &self.model);
        self.model = self.optimizer.step(self.learning_rate, self.model.clone(), grads);
        self.steps += 1;
        Ok(parts)
    }

    fn logits(&self) -> Tensor<2> {
        self.model.valid().forward(&self.eval_input, None).1
    }

    fn steps_done(&self) -> usize {
        self.steps
    }

    fn parts_in_force(&self) -> [bool; 2] {
        [self.ngm.is_some(), false]
    }

    /// NGM weights and the learning rate (graph terms cannot be switched on or off mid-run).
    /// An MLP reads only its own node's features: nothing to attribute to other nodes.
    fn explain(&self, _node: usize, _steps: usize) -> Result<Option<crate::gnn::node_task::Explanation>> {
        Ok(None)
    }

    fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        let ngm = spec.regularization.neural_graph_machine;
        if ngm.is_some() != self.ngm.is_some() {
            return Err(NslError::Config("NGM was switched on or off: start a new run".into()));
        }
        self.ngm = ngm;
        self.learning_rate = spec.optimizer.learning_rate;
        Ok(())
    }
}

/// Trains an NGM-regularized MLP (`hidden` layers) full batch on `data`; `ngm: None` trains
/// the same MLP without graph terms (the base model).
pub fn train_ngm(
    data: &NodeData,
    hidden: &[usize],
    dropout: f64,
    ngm: Option<&NgmConfig>,
    options: &NodeTrainOptions,
    device: &Device,
    on_epoch: &mut dyn FnMut(&NodeEpoch),
) -> Result<NodeRun> {
    let mut trainer = NgmTrainer::new(data, hidden, dropout, ngm, options, device)?;
    run_epochs(&mut trainer, data, options.epochs, on_epoch)
}
