//! Node classification on minibatches of sampled subgraphs (TF-GNN's way to scale): each step
//! samples a rooted subgraph around every seed of the batch with [`nsl_graph::sample`], merges
//! them into one disjoint graph, runs the GNN on it and reads the roots out. Evaluation runs the
//! trained model on the whole graph (the batches: [`super::subgraphs`]). [`SampledTrainer`]
//! takes one step at a time, so that `nsl train` and the playground train the same way and show
//! the same figures.

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor};
use nsl_graph::rng::{SeededRng, seeded};
use nsl_graph::sample::{Sampler, SamplingSpec};
use nsl_graph::typed::{EDGES, NODES};
use nsl_graph::{Graph, NodeSet};
use rand::seq::SliceRandom;

use super::adjacency::Adjacency;
use super::model::{Gnn, GnnConfig, GraphContext};
use super::node_task::{
    Explanation, NodeClassifierTrainer, NodeData, NodeEpoch, NodeRun, NodeTrainOptions, WholeGraph,
    run_epochs,
};
use super::step_through::LayerTensors;
use super::subgraphs::{SampledBatch, merge, readout_roots};
use crate::config::Regularization;
use crate::error::{NslError, Result};
use crate::model::NodeInput;
use crate::optim::{Stepped, adam};
use crate::reg::loss::sparse_softmax_cross_entropy;
use crate::spec::SubgraphSampling;
use crate::tensor::labels;

/// A GNN node classifier trained one batch of sampled subgraphs at a time. An epoch shuffles
/// the training nodes and takes them `batch_size` at a time as roots; every epoch samples
/// anew (its own sampler seed).
pub struct SampledTrainer {
    model: Stepped<Gnn>,
    optimizer: ModuleOptimizer,
    kind: crate::spec::GnnKind,
    /// The graph's sampler, indexed once; each epoch samples with its own seed.
    sampler: Sampler,
    batch_size: usize,
    features: Vec<f32>,
    dim: usize,
    labels: Vec<u32>,
    whole: WholeGraph,
    adjacency: Adjacency,
    order: Vec<u32>,
    /// Position in `order` of the next step's first root (0: a new epoch begins).
    cursor: usize,
    epoch: usize,
    seed: u64,
    learning_rate: f64,
    rng: SeededRng,
    device: Device,
    steps: usize,
    last: Option<SampledBatch>,
}

impl std::fmt::Debug for SampledTrainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // burn's optimizer has no Debug.
        f.debug_struct("SampledTrainer")
            .field("batch_size", &self.batch_size)
            .field("epoch", &self.epoch)
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}

impl SampledTrainer {
    /// A fresh model for `config` on `data`, sampled as `sampling` says (autodiff is enabled
    /// on `device` here).
    pub fn new(
        data: &NodeData,
        config: &GnnConfig,
        sampling: &SubgraphSampling,
        options: &NodeTrainOptions,
        device: &Device,
    ) -> Result<Self> {
        if sampling.batch_size == 0 || sampling.fanouts.is_empty() {
            return Err(NslError::Config(
                "sampled training needs a batch size ≥ 1 and at least one hop".into(),
            ));
        }
        if data.train.is_empty() {
            return Err(NslError::Config("no training nodes".into()));
        }
        let graph = Graph::homogeneous(
            NodeSet::new(data.adjacency.nodes),
            &data.adjacency.triples().collect::<Vec<_>>(),
        );
        let spec = SamplingSpec::hops(NODES, EDGES, &sampling.fanouts, sampling.strategy);
        let sampler = Sampler::new(&graph, &spec, 0)?;
        let train_device = device.clone().autodiff();
        train_device.seed(options.seed);
        let model = config.init(options.seed, &train_device)?;
        Ok(Self {
            model: Stepped::new(model),
            optimizer: adam(options.weight_decay),
            kind: config.kind,
            sampler,
            batch_size: sampling.batch_size,
            features: data.features.clone(),
            dim: data.dim,
            labels: data.labels.clone(),
            whole: WholeGraph::new(data, config, &device.clone().inner())?,
            adjacency: data.adjacency.clone(),
            order: data.train.clone(),
            cursor: 0,
            epoch: 0,
            seed: options.seed,
            learning_rate: options.learning_rate,
            rng: seeded(options.seed ^ 0x5a_3b),
            device: train_device,
            steps: 0,
            last: None,
        })
    }
}

impl NodeClassifierTrainer for SampledTrainer {
    fn step(&mut self) -> Result<Tensor<1>> {
        if self.cursor == 0 {
            self.epoch += 1;
            self.order.shuffle(&mut self.rng);
            // Each epoch samples with its own seed.
            self.sampler.set_rng_seed(self.seed.wrapping_mul(7919).wrapping_add(self.epoch as u64));
        }
        let seeds = &self.order[self.cursor..(self.cursor + self.batch_size).min(self.order.len())];
        let merged = merge(&self.sampler.sample(seeds)?)?;
        let dim = self.dim;
        let rows: Vec<f32> = merged
            .nodes
            .iter()
            .flat_map(|&n| &self.features[n as usize * dim..(n as usize + 1) * dim])
            .copied()
            .collect();
        let input = NodeInput::from_rows(&rows, dim, &self.device);
        let context = GraphContext::new(self.kind, &merged.adjacency, &self.device)?;
        self.model.check(&input, &context)?;
        let logits = self.model.forward(&input, &context, Some(&mut self.rng)).logits;
        let root_labels: Vec<u32> = seeds.iter().map(|&s| self.labels[s as usize]).collect();
        let loss =
            sparse_softmax_cross_entropy(readout_roots(logits, &merged), labels(&root_labels, &self.device));
        let zero = Tensor::<1>::zeros([2], &self.device).inner();
        let parts = Tensor::cat(vec![loss.clone().inner(), loss.clone().inner(), zero], 0);
        let grads = GradientsParams::from_grads(loss.backward(), self.model.get());
        self.model.step(&mut self.optimizer, self.learning_rate, grads);
        self.cursor += seeds.len();
        if self.cursor >= self.order.len() {
            self.cursor = 0;
        }
        self.steps += 1;
        self.last = Some(SampledBatch::of(&merged, &self.adjacency));
        Ok(parts)
    }

    fn steps_per_epoch(&self) -> usize {
        self.order.len().div_ceil(self.batch_size)
    }

    fn last_batch(&self) -> Option<&SampledBatch> {
        self.last.as_ref()
    }

    fn logits(&self) -> Tensor<2> {
        self.whole.logits(&self.model.valid())
    }

    fn steps_done(&self) -> usize {
        self.steps
    }

    fn parts_in_force(&self) -> [bool; 2] {
        [false, false]
    }

    /// The learning rate only: sampled training takes no regularization.
    fn apply(&mut self, regularization: &Regularization, learning_rate: f64) -> Result<()> {
        if !regularization.is_none() {
            return Err(NslError::Config("sampled-subgraph training takes no regularization".into()));
        }
        self.learning_rate = learning_rate;
        Ok(())
    }

    fn explain(&self, node: usize, steps: usize) -> Result<Option<Explanation>> {
        self.whole.explain(&self.model.valid(), node, steps).map(Some)
    }

    fn layer_states(&self) -> Vec<Tensor<2>> {
        self.whole.layer_states(&self.model.valid())
    }

    fn step_through(&self, node: usize) -> Result<Option<Vec<LayerTensors>>> {
        self.whole.step_through(&self.model.valid(), node)
    }
}

/// Trains `config` on sampled subgraphs around the training nodes, evaluating full batch.
pub fn train_node_classifier_sampled(
    data: &NodeData,
    config: &GnnConfig,
    sampling: &SubgraphSampling,
    options: &NodeTrainOptions,
    device: &Device,
    on_epoch: &mut dyn FnMut(&NodeEpoch),
) -> Result<NodeRun> {
    let mut trainer = SampledTrainer::new(data, config, sampling, options, device)?;
    run_epochs(&mut trainer, data, options.epochs, on_epoch)
}
