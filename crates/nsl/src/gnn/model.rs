//! A two-or-more-layer GNN of one layer kind, with the graph tensors each kind needs.

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig};
use burn::tensor::{Device, Tensor, activation};
use nsl_graph::rng::SeededRng;
use serde::{Deserialize, Serialize};

use super::adjacency::Adjacency;
use super::input::MessageGraph;
use super::layers::{
    GatConv, GatConvConfig, GcnConv, GcnConvConfig, PaddedNeighbors, SageConv, SageConvConfig,
};
use crate::error::{NslError, Result};
use crate::model::NodeInput;
use crate::spec::{GnnKind, SageAggregator};
use crate::tensor::labels;

/// Configuration of a [`Gnn`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GnnConfig {
    /// Layer kind.
    pub kind: GnnKind,
    /// Input width.
    pub input: usize,
    /// Hidden widths (per head for GAT), one per hidden layer.
    pub hidden: Vec<usize>,
    /// Output width (classes, or embedding size).
    pub output: usize,
    /// Dropout on every layer's input while training.
    pub dropout: f64,
}

impl GnnConfig {
    /// The layers, weights drawn from `seed`.
    pub fn init(&self, seed: u64, device: &Device) -> Gnn {
        let widths: Vec<usize> = std::iter::once(self.input).chain(self.hidden.iter().copied()).collect();
        let last = self.hidden.len();
        let mut layers = Vec::new();
        let mut input = self.input;
        for i in 0..=last {
            let is_last = i == last;
            let output = if is_last { self.output } else { widths[i + 1] };
            let layer_seed = seed.wrapping_mul(1000).wrapping_add(i as u64);
            let layer = match self.kind {
                GnnKind::Gcn => GnnLayer::Gcn(GcnConvConfig { input, output }.init(layer_seed, device)),
                GnnKind::Sage { aggregator } => {
                    GnnLayer::Sage(SageConvConfig { input, output, aggregator }.init(layer_seed, device))
                }
                GnnKind::Gat { heads, output_heads } => {
                    let heads = if is_last { output_heads } else { heads };
                    let config = GatConvConfig {
                        input,
                        channels: output,
                        heads,
                        concat: !is_last,
                        attention_dropout: self.dropout,
                    };
                    GnnLayer::Gat(config.init(layer_seed, device))
                }
            };
            input = match self.kind {
                GnnKind::Gat { heads, .. } if !is_last => output * heads,
                _ => output,
            };
            layers.push(layer);
        }
        Gnn {
            layers,
            dropout: DropoutConfig::new(self.dropout).init(),
            input_dropout: self.dropout,
            kind: self.kind,
        }
    }
}

/// One layer of a [`Gnn`].
#[derive(Module, Debug)]
pub enum GnnLayer {
    /// A graph convolution.
    Gcn(GcnConv),
    /// A GraphSAGE layer.
    Sage(SageConv),
    /// A GATv2 layer.
    Gat(GatConv),
}

/// The graph tensors a GNN kind reads, built once per graph.
#[derive(Debug, Clone)]
pub struct GraphContext {
    /// GCN: symmetric normalisation with self loops; GAT: self loops; SAGE: mean coefficients.
    pub graph: MessageGraph,
    /// SAGE max: padded in-neighbors.
    pub padded: Option<PaddedNeighbors>,
}

impl GraphContext {
    /// Prepares `adjacency` for `kind`.
    pub fn new(kind: GnnKind, adjacency: &Adjacency, device: &Device) -> Self {
        match kind {
            GnnKind::Gcn => {
                let looped = adjacency.with_self_loops(1.0);
                let coefficients = looped.gcn_coefficients();
                Self { graph: MessageGraph::new(looped, coefficients, device), padded: None }
            }
            GnnKind::Gat { .. } => {
                let looped = adjacency.with_self_loops(1.0);
                let ones = vec![1.0; looped.len()];
                Self { graph: MessageGraph::new(looped, ones, device), padded: None }
            }
            GnnKind::Sage { aggregator } => {
                let padded = (aggregator == SageAggregator::Max).then(|| {
                    let (index, width) = adjacency.padded_in_neighbors();
                    PaddedNeighbors { index: labels(&index, device), width }
                });
                let coefficients = adjacency.mean_coefficients();
                Self { graph: MessageGraph::new(adjacency.clone(), coefficients, device), padded }
            }
        }
    }
}

/// Logits, and the attention of every GAT layer (`[edges, heads]`, edges of the context's graph).
#[derive(Debug, Clone)]
pub struct GnnOutput {
    /// `[nodes, output]`.
    pub logits: Tensor<2>,
    /// Per GAT layer, α.
    pub attention: Vec<Tensor<2>>,
}

/// Stacked message-passing layers: dropout on each layer's input (while training), ReLU (ELU
/// for GAT) between layers, the last layer's output as logits.
#[derive(Module, Debug)]
pub struct Gnn {
    /// The layers.
    pub layers: Vec<GnnLayer>,
    /// Dropout on hidden representations.
    pub dropout: Dropout,
    /// Dropout on the input features (drawn on the host, so sparse inputs stay sparse).
    #[module(skip)]
    pub input_dropout: f64,
    /// Layer kind.
    #[module(skip)]
    pub kind: GnnKind,
}

impl Gnn {
    /// Checks that `input` and `context` fit this model.
    pub fn check(&self, input: &NodeInput, context: &GraphContext) -> Result<()> {
        if let GnnKind::Sage { aggregator: SageAggregator::Max } = self.kind
            && context.padded.is_none()
        {
            return Err(NslError::Config("the max aggregator needs a context built for it".into()));
        }
        if input.nodes() != context.graph.nodes {
            return Err(NslError::Config(format!(
                "{} feature rows for a graph of {} nodes",
                input.nodes(),
                context.graph.nodes
            )));
        }
        Ok(())
    }

    /// Forward pass. `train_rng` is `Some` while training: it draws the input dropout mask.
    ///
    /// # Shapes
    /// - `input`: `[nodes, features]`; returns logits `[nodes, output]`.
    pub fn forward(
        &self,
        input: &NodeInput,
        context: &GraphContext,
        train_rng: Option<&mut SeededRng>,
    ) -> GnnOutput {
        let mut attention = Vec::new();
        let first = match train_rng {
            Some(rng) => input.dropout(self.input_dropout, rng),
            None => input.clone(),
        };
        let last = self.layers.len() - 1;
        let mut h = first;
        let mut logits = None;
        for (i, layer) in self.layers.iter().enumerate() {
            let out = match layer {
                GnnLayer::Gcn(conv) => conv.forward(&h, &context.graph),
                GnnLayer::Sage(conv) => conv.forward(&h, &context.graph, context.padded.as_ref()),
                GnnLayer::Gat(conv) => {
                    let (out, alpha) = conv.forward(&h, &context.graph);
                    attention.push(alpha);
                    out
                }
            };
            if i == last {
                logits = Some(out);
                break;
            }
            let activated = match self.kind {
                GnnKind::Gat { .. } => activation::elu(out, 1.0),
                _ => activation::relu(out),
            };
            h = NodeInput::Dense(self.dropout.forward(activated));
        }
        GnnOutput { logits: logits.expect("at least one layer"), attention }
    }
}
