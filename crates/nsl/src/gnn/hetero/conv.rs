//! Convolutions: what one edge set sends into its receiver node set, as TF-GNN's layers compute
//! it — `SimpleConv` (dense messages, pooled), `GCNConv`, `GATv2Conv`, `MultiHeadAttentionConv`
//! and GraphSAGE's aggregator and pooling convolutions. Each is built for one edge set of a
//! [`Schema`] and names its weights by their role under a prefix.

use burn::module::{Module, Param};
use burn::nn::Dropout;
use burn::tensor::{Device, Tensor};

use super::dense::{Dense, activate, apply_dropout, dropout};
use super::graph::{EdgeSetTensor, GraphTensor, Schema};
use super::pool::{broadcast, pool, softmax};
use super::weights::{WeightSource, role};
use crate::config::tfgnn::{
    Activation, DegreeNormalization, GatV2ConvConfig, GcnConvConfig, HeadsMerge, ReduceType, Reducer, Tag,
};
use crate::error::{NslError, Result};
use crate::model::NodeInput;

/// A convolution over one edge set.
#[derive(Module, Debug)]
pub enum Conv {
    /// Dense messages from the sender (and receiver), pooled.
    Simple(SimpleConv),
    /// Graph convolution (Kipf & Welling), TF-GNN's `GCNConv`.
    Gcn(GcnConv),
    /// GATv2 attention.
    GatV2(GatV2Conv),
    /// Multi-head dot-product attention.
    MultiHead(MultiHeadConv),
    /// GraphSAGE's mean or pooling aggregator.
    Sage(SageConv),
}

impl Conv {
    /// The pooled messages at the receiver node set of `edge_set`.
    ///
    /// # Shapes
    /// - returns `[receivers, width]`.
    pub fn convolve(&self, graph: &GraphTensor, edge_set: &str) -> Result<Tensor<2>> {
        match self {
            Self::Simple(conv) => conv.convolve(graph, edge_set),
            Self::Gcn(conv) => conv.convolve(graph, edge_set),
            Self::GatV2(conv) => conv.convolve(graph, edge_set),
            Self::MultiHead(conv) => conv.convolve(graph, edge_set),
            Self::Sage(conv) => conv.convolve(graph, edge_set),
        }
    }

    /// [`Conv::convolve`], and the attention coefficients `[edges, heads]` where the
    /// convolution attends.
    pub fn convolve_traced(
        &self,
        graph: &GraphTensor,
        edge_set: &str,
    ) -> Result<(Tensor<2>, Option<Tensor<2>>)> {
        match self {
            Self::GatV2(conv) => conv.attend(graph, edge_set).map(|(out, alpha)| (out, Some(alpha))),
            Self::MultiHead(conv) => conv.attend(graph, edge_set).map(|(out, alpha)| (out, Some(alpha))),
            _ => self.convolve(graph, edge_set).map(|out| (out, None)),
        }
    }

    /// Width of the pooled result.
    pub fn output_width(&self) -> usize {
        match self {
            Self::Simple(conv) => conv.message_fn.units() * conv.reduce.reducers().len(),
            Self::Gcn(conv) => conv.filter.units(),
            Self::GatV2(conv) => match conv.merge {
                HeadsMerge::Concat => conv.heads * conv.channels,
                HeadsMerge::Mean => conv.channels,
            },
            Self::MultiHead(conv) => conv.heads * conv.channels,
            Self::Sage(conv) => conv.transform_neighbor_fn.units(),
        }
    }
}

/// The edge set's tensors and the states at its sender and receiver ends, as the graph holds
/// them (raw features may be sparse).
struct Ends<'a> {
    edges: &'a EdgeSetTensor,
    sender: &'a NodeInput,
    receiver: &'a NodeInput,
}

fn ends<'a>(graph: &'a GraphTensor, edge_set: &str, receiver: Tag) -> Result<Ends<'a>> {
    let edges = graph.edge_set(edge_set)?;
    Ok(Ends {
        edges,
        sender: graph.input(&edges.end(receiver.other()).node_set)?,
        receiver: graph.input(&edges.end(receiver).node_set)?,
    })
}

/// Whether a dense layer of `units` outputs should multiply `x` before a linear aggregation
/// rather than after: the product commutes with scaling and summing, and projecting first costs
/// less when the state is wider than the output or sparse (only its non-zeros are multiplied).
fn project_first(x: &NodeInput, units: usize) -> bool {
    units < x.dim() || matches!(x, NodeInput::Sparse(_))
}

/// TF-GNN's `SimpleConv`: `message = f([sender, receiver])` on each edge, pooled at the receiver.
#[derive(Module, Debug)]
pub struct SimpleConv {
    /// The message function.
    pub message_fn: Dense,
    /// Dropout on messages while training (per value, or per edge with `whole_edges`).
    pub dropout: Option<Dropout>,
    /// Dropout drops whole edges (MtAlbis' `ItemDropout`) rather than single values.
    #[module(skip)]
    pub whole_edges: bool,
    /// Pooling.
    #[module(skip)]
    pub reduce: ReduceType,
    /// Messages also read the receiver's state.
    #[module(skip)]
    pub use_receiver: bool,
    /// Receiving end.
    #[module(skip)]
    pub receiver: Tag,
}

/// How a [`SimpleConv`] is made.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleConvSpec {
    /// Message width.
    pub units: usize,
    /// Nonlinearity of the message function.
    pub activation: Activation,
    /// Pooling.
    pub reduce: ReduceType,
    /// Messages also read the receiver's state.
    pub use_receiver: bool,
    /// Receiving end.
    pub receiver: Tag,
    /// Dropout rate while training.
    pub dropout: f64,
    /// Dropout drops whole edges.
    pub whole_edges: bool,
}

impl SimpleConv {
    /// Weights `prefix/message_fn/{kernel,bias}`.
    pub fn new(
        spec: &SimpleConvSpec,
        schema: &Schema,
        edge_set: &str,
        weights: &mut WeightSource,
        prefix: &str,
        device: &Device,
    ) -> Result<Self> {
        let sender = schema.width(schema.end(edge_set, spec.receiver.other())?)?;
        let receiver = schema.width(schema.end(edge_set, spec.receiver)?)?;
        let input = sender + if spec.use_receiver { receiver } else { 0 };
        Ok(Self {
            message_fn: Dense::new(
                weights,
                &role(prefix, "message_fn"),
                [input, spec.units],
                true,
                spec.activation,
                device,
            )?,
            dropout: dropout(spec.dropout),
            whole_edges: spec.whole_edges,
            reduce: spec.reduce.clone(),
            use_receiver: spec.use_receiver,
            receiver: spec.receiver,
        })
    }

    pub fn convolve(&self, graph: &GraphTensor, edge_set: &str) -> Result<Tensor<2>> {
        let ends = ends(graph, edge_set, self.receiver)?;
        // TF-GNN's input order: the sender's state, then the receiver's.
        let mut inputs = vec![broadcast(ends.edges, self.receiver.other(), ends.sender.to_dense())];
        if self.use_receiver {
            inputs.push(broadcast(ends.edges, self.receiver, ends.receiver.to_dense()));
        }
        let mut messages = self.message_fn.forward(Tensor::cat(inputs, 1));
        if let Some(dropout) = &self.dropout {
            messages = if self.whole_edges {
                let keep = dropout.forward(Tensor::ones([ends.edges.edges, 1], &messages.device()));
                messages * keep
            } else {
                dropout.forward(messages)
            };
        }
        Ok(pool(ends.edges, self.receiver, &self.reduce, messages))
    }
}

/// TF-GNN's `GCNConv`: messages scaled by degrees (and edge weights), summed, then a dense
/// filter; sender and receiver are the same node set.
#[derive(Module, Debug)]
pub struct GcnConv {
    /// `activation(x W + b)` on the pooled result.
    pub filter: Dense,
    /// Each node sends to itself with weight 1.
    #[module(skip)]
    pub self_loops: bool,
    /// Degree scaling.
    #[module(skip)]
    pub normalization: DegreeNormalization,
    /// Edges weighted by the edge set's weights.
    #[module(skip)]
    pub weighted: bool,
    /// Receiving end.
    #[module(skip)]
    pub receiver: Tag,
}

impl GcnConv {
    /// Weights `prefix/filter/{kernel,bias}`.
    pub fn new(
        config: &GcnConvConfig,
        schema: &Schema,
        edge_set: &str,
        weights: &mut WeightSource,
        prefix: &str,
        device: &Device,
    ) -> Result<Self> {
        let (sender, receiver) =
            (schema.end(edge_set, config.receiver_tag.other())?, schema.end(edge_set, config.receiver_tag)?);
        if sender != receiver {
            return Err(NslError::Config(format!(
                "GCN needs an edge set within one node set; “{edge_set}” joins “{sender}” and “{receiver}”"
            )));
        }
        let width = schema.width(receiver)?;
        Ok(Self {
            filter: Dense::new(
                weights,
                &role(prefix, "filter"),
                [width, config.units],
                config.use_bias,
                config.activation,
                device,
            )?,
            self_loops: config.add_self_loops,
            normalization: config.degree_normalization,
            weighted: config.edge_weight_feature_name.is_some(),
            receiver: config.receiver_tag,
        })
    }

    /// The (weighted) degree at the `tag` end, counting the self loop or at least 1.
    fn degree(&self, edges: &EdgeSetTensor, tag: Tag, weight: Option<&Tensor<2>>) -> Tensor<2> {
        let degree = match weight {
            Some(w) => pool(edges, tag, &ReduceType::one(Reducer::Sum), w.clone()),
            None => edges.end(tag).count.clone(),
        };
        if self.self_loops { degree + 1.0 } else { degree.clamp_min(1.0) }
    }

    /// The coefficient of each edge's message, `[edges, 1]` (its weight scaled by the sender's
    /// and receiver's degrees as the normalisation says), and of each receiver's self loop,
    /// `[receivers, 1]` — `None` where it is 1. They depend on the graph alone, so the edge set
    /// keeps them after the first step.
    fn coefficients(
        &self,
        edges: &EdgeSetTensor,
        weight: Option<&Tensor<2>>,
    ) -> (Option<Tensor<2>>, Option<Tensor<2>>) {
        let sender = self.receiver.other();
        let degree = |tag| self.degree(edges, tag, weight);
        let (sender_scale, receiver_scale) = match self.normalization {
            DegreeNormalization::None => (None, None),
            DegreeNormalization::In => (None, Some(degree(self.receiver).recip())),
            DegreeNormalization::Out => (Some(degree(sender).recip()), None),
            DegreeNormalization::InOut => {
                (Some(degree(sender).sqrt().recip()), Some(degree(self.receiver).sqrt().recip()))
            }
            DegreeNormalization::InIn => {
                let scale = degree(self.receiver).sqrt().recip();
                (Some(scale.clone()), Some(scale))
            }
        };
        let on_edges = |tag, scale: &Option<Tensor<2>>| scale.clone().map(|s| broadcast(edges, tag, s));
        let factors =
            [weight.cloned(), on_edges(sender, &sender_scale), on_edges(self.receiver, &receiver_scale)];
        let edge = factors.into_iter().flatten().reduce(|a, b| a * b);
        // A self loop joins a node to itself: both of its scales are the node's own.
        let looped = match (sender_scale, receiver_scale) {
            (Some(a), Some(b)) => Some(a * b),
            (one, other) => one.or(other),
        };
        (edge, if self.self_loops { looped } else { None })
    }

    pub fn convolve(&self, graph: &GraphTensor, edge_set: &str) -> Result<Tensor<2>> {
        let ends = ends(graph, edge_set, self.receiver)?;
        let weight = match (self.weighted, &ends.edges.weight) {
            (true, Some(w)) => Some(w),
            (true, None) => {
                return Err(NslError::Config(format!(
                    "GCN reads edge weights, and edge set “{edge_set}” has none"
                )));
            }
            (false, _) => None,
        };
        let key = format!(
            "gcn/{:?}/{:?}/{}/{}",
            self.receiver,
            self.normalization,
            self.self_loops,
            weight.is_some()
        );
        let cached = ends.edges.derived(&key, || {
            let (edge, looped) = self.coefficients(ends.edges, weight);
            vec![edge, looped]
        });
        let projected = project_first(ends.sender, self.filter.units());
        let x = match projected {
            true => ends.sender.matmul(self.filter.kernel.val()),
            false => ends.sender.to_dense(),
        };
        let scaled = |value: Tensor<2>, coefficient: &Option<Tensor<2>>| match coefficient {
            Some(c) => value * c.clone(),
            None => value,
        };
        let messages = scaled(broadcast(ends.edges, self.receiver.other(), x.clone()), &cached[0]);
        let mut pooled = pool(ends.edges, self.receiver, &ReduceType::one(Reducer::Sum), messages);
        if self.self_loops {
            pooled = pooled + scaled(x, &cached[1]);
        }
        Ok(match projected {
            true => self.filter.finish(pooled),
            false => self.filter.forward(pooled),
        })
    }
}

/// TF-GNN's `GATv2Conv`: per head, `α = softmax(aᵀ act(W_q x_receiver + W_s x_sender))` over the
/// receiver's edges, the result `activation(merge(Σ α W_s x_sender))`.
#[derive(Module, Debug)]
pub struct GatV2Conv {
    /// `W_q` (and its bias) on the receiver's state.
    pub w_query: Dense,
    /// `W_s` (and its bias) on the sender's state: the values.
    pub w_sender_node: Dense,
    /// `a`: `[channels, heads]`.
    pub attention_logits: Param<Tensor<2>>,
    /// Dropout on α while training.
    pub edge_dropout: Option<Dropout>,
    /// Heads.
    #[module(skip)]
    pub heads: usize,
    /// Channels per head.
    #[module(skip)]
    pub channels: usize,
    /// Applied to `query + value` before the logits.
    #[module(skip)]
    pub attention_activation: Activation,
    /// How heads merge.
    #[module(skip)]
    pub merge: HeadsMerge,
    /// Applied after merging.
    #[module(skip)]
    pub activation: Activation,
    /// Receiving end.
    #[module(skip)]
    pub receiver: Tag,
}

impl GatV2Conv {
    /// Weights `prefix/w_query/…`, `prefix/w_sender_node/…`, `prefix/attention_logits_fn/kernel`.
    pub fn new(
        config: &GatV2ConvConfig,
        schema: &Schema,
        edge_set: &str,
        weights: &mut WeightSource,
        prefix: &str,
        device: &Device,
    ) -> Result<Self> {
        let (heads, channels) = (config.num_heads, config.per_head_channels);
        if heads == 0 || channels == 0 {
            return Err(NslError::Config("GATv2 needs at least one head and one channel".into()));
        }
        let receiver = schema.width(schema.end(edge_set, config.receiver_tag)?)?;
        let sender = schema.width(schema.end(edge_set, config.receiver_tag.other())?)?;
        let width = heads * channels;
        Ok(Self {
            w_query: Dense::new(
                weights,
                &role(prefix, "w_query"),
                [receiver, width],
                config.use_bias,
                Activation::Linear,
                device,
            )?,
            w_sender_node: Dense::new(
                weights,
                &role(prefix, "w_sender_node"),
                [sender, width],
                config.use_bias,
                Activation::Linear,
                device,
            )?,
            attention_logits: weights.kernel(
                &role(prefix, "attention_logits_fn/kernel"),
                channels,
                heads,
                device,
            )?,
            edge_dropout: dropout(config.edge_dropout),
            heads,
            channels,
            attention_activation: config.attention_activation,
            merge: config.heads_merge_type,
            activation: config.activation,
            receiver: config.receiver_tag,
        })
    }

    /// The pooled result and the attention coefficients `[edges, heads]`.
    pub fn attend(&self, graph: &GraphTensor, edge_set: &str) -> Result<(Tensor<2>, Tensor<2>)> {
        let ends = ends(graph, edge_set, self.receiver)?;
        let (heads, channels, edges) = (self.heads, self.channels, ends.edges.edges);
        let query = broadcast(ends.edges, self.receiver, self.w_query.project(ends.receiver));
        let value = broadcast(ends.edges, self.receiver.other(), self.w_sender_node.project(ends.sender));
        let features =
            activate(self.attention_activation, query + value.clone()).reshape([edges, heads, channels]);
        // logit[e, h] = Σ_c features[e, h, c] · a[c, h]
        let a = self.attention_logits.val().transpose().reshape([1, heads, channels]);
        let logits = (features * a).sum_dim(2).reshape([edges, heads]);
        let alpha = softmax(ends.edges, self.receiver, logits);
        let kept = apply_dropout(&self.edge_dropout, alpha.clone());
        let pooled = attention_sum(ends.edges, self.receiver, value, kept, heads, channels);
        Ok((activate(self.activation, merge_heads(pooled, heads, channels, self.merge)), alpha))
    }

    pub fn convolve(&self, graph: &GraphTensor, edge_set: &str) -> Result<Tensor<2>> {
        Ok(self.attend(graph, edge_set)?.0)
    }
}

/// Each receiver's sum of its edges' values weighted per head by α.
///
/// # Shapes
/// - `value`: `[edges, heads · channels]`; `alpha`: `[edges, heads]`; returns `[receivers, heads · channels]`.
fn attention_sum(
    edges: &EdgeSetTensor,
    receiver: Tag,
    value: Tensor<2>,
    alpha: Tensor<2>,
    heads: usize,
    channels: usize,
) -> Tensor<2> {
    let count = edges.edges;
    let weighted = (value.reshape([count, heads, channels]) * alpha.reshape([count, heads, 1]))
        .reshape([count, heads * channels]);
    pool(edges, receiver, &ReduceType::one(Reducer::Sum), weighted)
}

/// `[nodes, heads · channels]` with heads side by side, or averaged into `[nodes, channels]`.
fn merge_heads(x: Tensor<2>, heads: usize, channels: usize, merge: HeadsMerge) -> Tensor<2> {
    match merge {
        HeadsMerge::Concat => x,
        HeadsMerge::Mean => {
            let nodes = x.dims()[0];
            x.reshape([nodes, heads, channels]).mean_dim(1).reshape([nodes, channels])
        }
    }
}

/// TF-GNN's `MultiHeadAttentionConv` as MtAlbis uses it: per head, `α = softmax(q · k / √C)`
/// with `q = W_q x_receiver`, `k = W_k x_sender`; the result `relu(Σ α W_v x_sender)`, heads
/// side by side.
#[derive(Module, Debug)]
pub struct MultiHeadConv {
    /// `W_k` on the sender's state.
    pub w_sender_node_to_key: Dense,
    /// `W_v` on the sender's state.
    pub w_sender_node_to_value: Dense,
    /// `W_q` on the receiver's state.
    pub w_query: Dense,
    /// Dropout on α while training.
    pub edge_dropout: Option<Dropout>,
    /// Heads.
    #[module(skip)]
    pub heads: usize,
    /// Channels per head.
    #[module(skip)]
    pub channels: usize,
    /// Receiving end.
    #[module(skip)]
    pub receiver: Tag,
}

impl MultiHeadConv {
    /// Weights `prefix/w_sender_node_to_key/…`, `prefix/w_sender_node_to_value/…`,
    /// `prefix/w_query/…`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        heads: usize,
        channels: usize,
        edge_dropout: f64,
        receiver: Tag,
        schema: &Schema,
        edge_set: &str,
        weights: &mut WeightSource,
        prefix: &str,
        device: &Device,
    ) -> Result<Self> {
        let receiver_width = schema.width(schema.end(edge_set, receiver)?)?;
        let sender_width = schema.width(schema.end(edge_set, receiver.other())?)?;
        let width = heads * channels;
        let linear = |weights: &mut WeightSource, name: &str, input| {
            Dense::new(weights, &role(prefix, name), [input, width], true, Activation::Linear, device)
        };
        Ok(Self {
            w_sender_node_to_key: linear(weights, "w_sender_node_to_key", sender_width)?,
            w_sender_node_to_value: linear(weights, "w_sender_node_to_value", sender_width)?,
            w_query: linear(weights, "w_query", receiver_width)?,
            edge_dropout: dropout(edge_dropout),
            heads,
            channels,
            receiver,
        })
    }

    pub fn convolve(&self, graph: &GraphTensor, edge_set: &str) -> Result<Tensor<2>> {
        Ok(self.attend(graph, edge_set)?.0)
    }

    /// The pooled result and the attention coefficients `[edges, heads]`.
    pub fn attend(&self, graph: &GraphTensor, edge_set: &str) -> Result<(Tensor<2>, Tensor<2>)> {
        let ends = ends(graph, edge_set, self.receiver)?;
        let (heads, channels, edges) = (self.heads, self.channels, ends.edges.edges);
        let sender = self.receiver.other();
        let query = broadcast(ends.edges, self.receiver, self.w_query.project(ends.receiver));
        let key = broadcast(ends.edges, sender, self.w_sender_node_to_key.project(ends.sender));
        let scores = (query * key).reshape([edges, heads, channels]).sum_dim(2).reshape([edges, heads])
            / (channels as f64).sqrt();
        let alpha = softmax(ends.edges, self.receiver, scores);
        let kept = apply_dropout(&self.edge_dropout, alpha.clone());
        let value = broadcast(ends.edges, sender, self.w_sender_node_to_value.project(ends.sender));
        let pooled = attention_sum(ends.edges, self.receiver, value, kept, heads, channels);
        Ok((activate(Activation::Relu, pooled), alpha))
    }
}

/// GraphSAGE's neighbor term: the senders' states (through a dense layer, for the pooling
/// aggregator) pooled, then `W_neighbor` without bias.
#[derive(Module, Debug)]
pub struct SageConv {
    /// The pooling aggregator's `relu(x W + b)`, before pooling.
    pub pooling_transform_fn: Option<Dense>,
    /// `W_neighbor`, after pooling.
    pub transform_neighbor_fn: Dense,
    /// Dropout on the senders' states while training.
    pub dropout: Option<Dropout>,
    /// Pooling.
    #[module(skip)]
    pub reduce: ReduceType,
    /// Receiving end.
    #[module(skip)]
    pub receiver: Tag,
}

impl SageConv {
    /// Weights `prefix/pooling_transform_fn/{kernel,bias}` (with `hidden_units`) and
    /// `prefix/transform_neighbor_fn/kernel`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        units: usize,
        hidden_units: Option<(usize, bool)>,
        reduce: &ReduceType,
        dropout_rate: f64,
        receiver: Tag,
        schema: &Schema,
        edge_set: &str,
        weights: &mut WeightSource,
        prefix: &str,
        device: &Device,
    ) -> Result<Self> {
        let sender = schema.width(schema.end(edge_set, receiver.other())?)?;
        let pooling_transform_fn = match hidden_units {
            Some((hidden, bias)) => Some(Dense::new(
                weights,
                &role(prefix, "pooling_transform_fn"),
                [sender, hidden],
                bias,
                Activation::Relu,
                device,
            )?),
            None => None,
        };
        let pooled = hidden_units.map_or(sender, |(hidden, _)| hidden) * reduce.reducers().len();
        Ok(Self {
            pooling_transform_fn,
            transform_neighbor_fn: Dense::new(
                weights,
                &role(prefix, "transform_neighbor_fn"),
                [pooled, units],
                false,
                Activation::Linear,
                device,
            )?,
            dropout: dropout(dropout_rate),
            reduce: reduce.clone(),
            receiver,
        })
    }

    pub fn convolve(&self, graph: &GraphTensor, edge_set: &str) -> Result<Tensor<2>> {
        let ends = ends(graph, edge_set, self.receiver)?;
        let (edges, sender) = (ends.edges, self.receiver.other());
        let pool_at_receiver = |x| pool(edges, self.receiver, &self.reduce, x);
        let neighbor = &self.transform_neighbor_fn;
        if let Some(dropout) = &self.dropout {
            // Dropout acts on each edge's copy of the sender's state, so nothing is projected
            // before broadcasting.
            let mut x = dropout.forward(broadcast(edges, sender, ends.sender.to_dense()));
            if let Some(pooling) = &self.pooling_transform_fn {
                x = pooling.forward(x);
            }
            return Ok(neighbor.forward(pool_at_receiver(x)));
        }
        // Without dropout a node's transform is the same on every edge it sends along, so it
        // is computed once per node.
        if let Some(pooling) = &self.pooling_transform_fn {
            let x = broadcast(edges, sender, pooling.project(ends.sender));
            return Ok(neighbor.forward(pool_at_receiver(x)));
        }
        let linear = matches!(self.reduce.reducers(), [Reducer::Sum | Reducer::Mean]);
        if linear && project_first(ends.sender, neighbor.units()) {
            let x = broadcast(edges, sender, ends.sender.matmul(neighbor.kernel.val()));
            return Ok(neighbor.finish(pool_at_receiver(x)));
        }
        Ok(neighbor.forward(pool_at_receiver(broadcast(edges, sender, ends.sender.to_dense()))))
    }
}
