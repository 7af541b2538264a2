//! What model a spec trains: the base model's kind and sizes (MLP, CNN, GNN with its layer
//! kind, TF-GNN's models over typed graphs), and how a GNN samples its training subgraphs.
//! Plain data.

use nsl_graph::datasets::mag;
use nsl_graph::sample::{SamplingOp, SeedOp};
use nsl_graph::{SamplingSpec, SamplingStrategy};
use serde::{Deserialize, Serialize};

use crate::config::tfgnn::{HeteroEncoderConfig, ReduceType};

/// Base models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ModelSpec {
    /// Dense layers on flattened inputs.
    Mlp {
        /// Hidden layer widths.
        hidden: Vec<usize>,
        /// Hidden non-linearity.
        #[serde(default)]
        activation: Activation,
        /// Dropout after each hidden layer.
        #[serde(default)]
        dropout: f64,
        /// For points of the plane: the features the first layer reads, computed from each
        /// point's `(x₁, x₂)` inside the model (TensorFlow Playground's inputs), so that
        /// perturbations and gradients stay in the plane. `None`: the rows as they are.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inputs: Option<Vec<PlaneFeature>>,
    },
    /// A small CNN on square grey images given as rows (MNIST digits): 3 × 3 convolutions with
    /// ReLU and 2 × 2 max pooling per block, a dense ReLU layer, dropout, the logits.
    Cnn {
        /// Output channels of each block.
        channels: Vec<usize>,
        /// Width of the dense layer.
        dense: usize,
        /// Dropout before the logits.
        #[serde(default)]
        dropout: f64,
    },
    /// A graph neural network over the whole graph (Planetoid data), trained full batch.
    Gnn {
        /// Layer kind: `{"layer": "gcn"}`, `{"layer": "sage", "aggregator": "mean"}`,
        /// `{"layer": "gat", "heads": 8, "output_heads": 1}`.
        gnn: GnnKind,
        /// Hidden widths (per head for GAT).
        hidden: Vec<usize>,
        /// Dropout on every layer's input (and GAT's attention) while training.
        #[serde(default)]
        dropout: f64,
        /// Train on minibatches of sampled subgraphs instead of the whole graph.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sampling: Option<SubgraphSampling>,
    },
    /// TF-GNN's models over a typed graph's node sets and edge sets (heterogeneous graphs,
    /// batches of small graphs): every node set's features projected, rounds of message
    /// passing, then the read-out node set's states classified (node tasks) or pooled into
    /// each graph's context and classified (graph classification).
    Hetero {
        /// Read-out node set, hidden width, rounds, and the model (MLP, GCN on one edge set,
        /// MtAlbis).
        encoder: HeteroEncoderConfig,
        /// How the nodes pool into a graph's context (graph classification only).
        #[serde(default)]
        readout: ReduceType,
        /// Train on rooted subgraphs sampled over several edge sets instead of the whole graph
        /// (node classification only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sampling: Option<HeteroSampling>,
    },
}

/// TF-GNN's sampled training of a heterogeneous graph: a `SamplingSpec` (seed op and sampling
/// ops over named edge sets, TF-GNN's field names) and the roots per step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeteroSampling {
    /// What is sampled around each root; its seed op's node set is the classified one.
    pub spec: SamplingSpec,
    /// Roots per step.
    pub batch_size: usize,
}

impl HeteroSampling {
    /// The MAG-like graph's spec around a paper, as TF-GNN's OGBN-MAG example samples it:
    /// `sizes` of cited papers, authors (`written`), fields (`has_topic`), then from the
    /// authors their other papers (`writes`) and institutions (`affiliated_with`).
    pub fn mag(sizes: &[usize; 5], batch_size: usize) -> Self {
        let op = |name: &str, input: &str, edge_set: &str, size: usize| SamplingOp {
            op_name: name.into(),
            input_op_names: vec![input.into()],
            edge_set_name: edge_set.into(),
            sample_size: size,
            strategy: SamplingStrategy::RandomUniform,
        };
        let spec = SamplingSpec {
            seed_op: SeedOp { op_name: "seed".into(), node_set_name: mag::PAPER.into() },
            sampling_ops: vec![
                op("cited", "seed", mag::CITES, sizes[0]),
                op("authors", "seed", mag::WRITTEN, sizes[1]),
                op("fields", "seed", mag::HAS_TOPIC, sizes[2]),
                op("author_papers", "authors", mag::WRITES, sizes[3]),
                op("institutions", "authors", mag::AFFILIATED_WITH, sizes[4]),
            ],
        };
        Self { spec, batch_size }
    }
}

/// Hidden-layer non-linearity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `max(0, x)`.
    #[default]
    Relu,
    /// `tanh(x)`.
    Tanh,
    /// `1 / (1 + e^-x)`.
    Sigmoid,
}

/// A feature of a point `(x₁, x₂)` of the plane, as TensorFlow Playground offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaneFeature {
    /// `x₁`.
    X1,
    /// `x₂`.
    X2,
    /// `x₁²`.
    X1Squared,
    /// `x₂²`.
    X2Squared,
    /// `x₁·x₂`.
    X1X2,
    /// `sin x₁`.
    SinX1,
    /// `sin x₂`.
    SinX2,
}

impl PlaneFeature {
    /// Every feature, in the order TensorFlow Playground lists them.
    pub const ALL: [PlaneFeature; 7] =
        [Self::X1, Self::X2, Self::X1Squared, Self::X2Squared, Self::X1X2, Self::SinX1, Self::SinX2];

    /// What an MLP on the plane reads when its spec names no features: the point itself.
    pub const POINT: [PlaneFeature; 2] = [Self::X1, Self::X2];

    /// The features a model's `inputs` name, or [`PlaneFeature::POINT`] when they name none.
    pub fn read(inputs: Option<&[PlaneFeature]>) -> &[PlaneFeature] {
        inputs.unwrap_or(&Self::POINT)
    }

    /// The feature at a point.
    pub fn at(self, x1: f32, x2: f32) -> f32 {
        match self {
            Self::X1 => x1,
            Self::X2 => x2,
            Self::X1Squared => x1 * x1,
            Self::X2Squared => x2 * x2,
            Self::X1X2 => x1 * x2,
            Self::SinX1 => x1.sin(),
            Self::SinX2 => x2.sin(),
        }
    }

    /// How the feature is written.
    pub fn label(self) -> &'static str {
        match self {
            Self::X1 => "x₁",
            Self::X2 => "x₂",
            Self::X1Squared => "x₁²",
            Self::X2Squared => "x₂²",
            Self::X1X2 => "x₁x₂",
            Self::SinX1 => "sin x₁",
            Self::SinX2 => "sin x₂",
        }
    }
}

/// Which message-passing layer a [`Gnn`] stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "layer", rename_all = "snake_case", deny_unknown_fields)]
pub enum GnnKind {
    /// Kipf & Welling's graph convolution.
    Gcn,
    /// GraphSAGE with the given aggregator.
    Sage {
        /// Mean or max-pool.
        #[serde(default)]
        aggregator: SageAggregator,
    },
    /// GATv2 with `heads` heads on hidden layers and `output_heads` (averaged) on the last.
    Gat {
        /// Hidden-layer heads (concatenated).
        heads: usize,
        /// Output-layer heads (averaged).
        #[serde(default = "one")]
        output_heads: usize,
    },
}

fn one() -> usize {
    1
}

/// GraphSAGE's neighbor aggregator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SageAggregator {
    /// Mean of the neighbors' features.
    #[default]
    Mean,
    /// Element-wise max of `relu(W_pool x_j + b_pool)` over the neighbors (the paper's pooling).
    Max,
}

/// How training subgraphs are sampled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubgraphSampling {
    /// Neighbors sampled per node at each hop (use as many hops as the GNN has layers).
    pub fanouts: Vec<usize>,
    /// Seeds (roots) per step.
    pub batch_size: usize,
    /// Sampling strategy of every hop.
    #[serde(default)]
    pub strategy: SamplingStrategy,
}
