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

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::{Device, Int, Tensor, activation};
use nsl_graph::rng::{SeededRng, seeded};

use crate::config::{NgmConfig, NgmDistance, Regularization};
use crate::error::{NslError, Result};
use crate::gnn::node_task::{NodeClassifierTrainer, NodeData, NodeTrainOptions};
use crate::model::NodeInput;
use crate::model::{Mlp, MlpConfig};
use crate::optim::{Stepped, adam};
use crate::reg::distance::l2_normalize_rows;
use crate::reg::loss::sparse_softmax_cross_entropy;
use crate::spec::Activation;
use crate::tensor::{labels, matrix};

/// Edges of one kind: both directions of each undirected edge, with weights.
#[derive(Debug, Clone)]
struct EdgeGroup {
    src: Tensor<1, Int>,
    dst: Tensor<1, Int>,
    weight: Tensor<2>,
    count: usize,
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
    model: Stepped<Mlp>,
    /// Input dropout (host-drawn masks keep sparse rows sparse), as the hidden layers' rate.
    input_dropout: f64,
    optimizer: burn::optim::ModuleOptimizer,
    input: NodeInput,
    eval_input: NodeInput,
    groups: Vec<Option<EdgeGroup>>,
    train_nodes: Tensor<1, Int>,
    train_labels: Tensor<1, Int>,
    ngm: Option<NgmConfig>,
    learning_rate: f64,
    rng: SeededRng,
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
    /// A fresh MLP with `hidden` layers of `activation` on `data` (autodiff is enabled on
    /// `device` here).
    pub fn new(
        data: &NodeData,
        layers: &MlpLayers,
        ngm: Option<&NgmConfig>,
        options: &NodeTrainOptions,
        device: &Device,
    ) -> Result<Self> {
        let MlpLayers { hidden, activation, dropout } = layers.clone();
        if hidden.is_empty() {
            return Err(NslError::Config(
                "NGM needs at least one hidden layer (its distance is taken there)".into(),
            ));
        }
        let train_device = device.clone().autodiff();
        train_device.seed(options.seed);
        let eval_device = device.clone().inner();
        let model =
            MlpConfig { input: data.dim, hidden, output: data.classes, activation, dropout, inputs: None }
                .init(options.seed, &train_device);
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
            model: Stepped::new(model),
            input_dropout: dropout,
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
            rng: seeded(options.seed ^ 0x46_4d),
            device: train_device,
            steps: 0,
        })
    }
}

impl NodeClassifierTrainer for NgmTrainer {
    /// One full-batch step (the α ramp counts steps as epochs); the adversarial part is 0.
    fn step(&mut self) -> Result<Tensor<1>> {
        let epoch = self.steps + 1;
        let input = self.input.dropout(self.input_dropout, &mut self.rng);
        let (h, logits) = self.model.forward_hidden(&input);
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
        let grads = GradientsParams::from_grads(loss.backward(), self.model.get());
        self.model.step(&mut self.optimizer, self.learning_rate, grads);
        self.steps += 1;
        Ok(parts)
    }

    fn logits(&self) -> Tensor<2> {
        self.model.valid().forward_hidden(&self.eval_input).1
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

    fn apply(&mut self, regularization: &Regularization, learning_rate: f64) -> Result<()> {
        let ngm = regularization.neural_graph_machine;
        if ngm.is_some() != self.ngm.is_some() {
            return Err(NslError::Config("NGM was switched on or off: start a new run".into()));
        }
        self.ngm = ngm;
        self.learning_rate = learning_rate;
        Ok(())
    }
}

/// The hidden layers of an MLP (what `ModelSpec::Mlp` says; input and output widths come
/// from the data).
#[derive(Debug, Clone, PartialEq)]
pub struct MlpLayers {
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// Hidden non-linearity.
    pub activation: Activation,
    /// Dropout on the input and after each hidden layer.
    pub dropout: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::GraphSource;
    use crate::tensor::to_vec;

    fn club() -> NodeData {
        NodeData::from_planetoid(&GraphSource::Karate.planetoid().unwrap()).unwrap()
    }

    /// The MLP's hidden non-linearity is the spec's (it was always ReLU once).
    #[test]
    fn the_activation_setting_is_used() {
        let data = club();
        let options = NodeTrainOptions { learning_rate: 0.01, weight_decay: 0.0, epochs: 1, seed: 3 };
        let logits = |activation| {
            let layers = MlpLayers { hidden: vec![8], activation, dropout: 0.0 };
            let trainer = NgmTrainer::new(&data, &layers, None, &options, &Device::flex()).unwrap();
            to_vec(trainer.logits())
        };
        let (relu, tanh, sigmoid) =
            (logits(Activation::Relu), logits(Activation::Tanh), logits(Activation::Sigmoid));
        assert_ne!(relu, tanh);
        assert_ne!(tanh, sigmoid);
        // The same weights through the one MLP with that activation give the same logits.
        let mlp = MlpConfig {
            input: data.dim,
            hidden: vec![8],
            output: data.classes,
            activation: Activation::Tanh,
            dropout: 0.0,
            inputs: None,
        }
        .init(3, &Device::flex());
        let direct =
            to_vec(mlp.forward_hidden(&NodeInput::from_rows(&data.features, data.dim, &Device::flex())).1);
        assert!(direct.iter().zip(&tanh).all(|(a, b)| (a - b).abs() < 1e-6));
    }
}
