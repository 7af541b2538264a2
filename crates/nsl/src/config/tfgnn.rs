//! Settings of TF-GNN's layers and model templates (built by `nsl::gnn::hetero`), as plain
//! data. Field names and defaults are
//! TF-GNN's own keyword arguments, so a layer's arguments as TF-GNN logs them deserialize here
//! unchanged (the conformance vectors do exactly that).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which end of an edge receives the messages (TF-GNN's `receiver_tag`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    /// Messages flow target → source.
    Source,
    /// Messages flow source → target (TF-GNN's usual choice).
    #[default]
    Target,
}

impl Tag {
    /// The other end.
    pub fn other(self) -> Self {
        match self {
            Self::Source => Self::Target,
            Self::Target => Self::Source,
        }
    }
}

/// One way of pooling values that arrive at the same node (or graph).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reducer {
    /// Sum (0 for nothing).
    Sum,
    /// Mean (0 for nothing).
    Mean,
    /// Maximum (the lowest float for nothing, as TensorFlow's segment max).
    Max,
    /// Maximum, 0 for nothing (`max_no_inf`).
    MaxNoInf,
}

impl Reducer {
    fn name(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Mean => "mean",
            Self::Max => "max",
            Self::MaxNoInf => "max_no_inf",
        }
    }
}

/// TF-GNN's `reduce_type`: one reducer, or several joined by `|` (`"mean|sum"`) whose results
/// are concatenated in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReduceType(Vec<Reducer>);

impl ReduceType {
    /// A single reducer.
    pub fn one(reducer: Reducer) -> Self {
        Self(vec![reducer])
    }

    /// The reducers, in the order their results are concatenated.
    pub fn reducers(&self) -> &[Reducer] {
        &self.0
    }
}

impl Default for ReduceType {
    fn default() -> Self {
        Self::one(Reducer::Mean)
    }
}

impl FromStr for ReduceType {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let reducers = text
            .split('|')
            .map(|word| match word {
                "sum" => Ok(Reducer::Sum),
                "mean" => Ok(Reducer::Mean),
                "max" => Ok(Reducer::Max),
                "max_no_inf" => Ok(Reducer::MaxNoInf),
                other => Err(format!(
                    "reduce type “{other}” is not one of sum, mean, max, max_no_inf (joined by |)"
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(reducers))
    }
}

impl TryFrom<String> for ReduceType {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<ReduceType> for String {
    fn from(reduce: ReduceType) -> String {
        reduce.to_string()
    }
}

impl fmt::Display for ReduceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<&str> = self.0.iter().map(|r| r.name()).collect();
        f.write_str(&words.join("|"))
    }
}

/// A nonlinearity, by Keras' name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// The identity.
    Linear,
    /// `max(x, 0)`.
    #[default]
    Relu,
    /// `max(x, 0.2 x)` (TensorFlow's default slope).
    LeakyRelu,
    /// `x` above 0, `eˣ − 1` below (what GAT's authors put between layers).
    Elu,
}

/// How GCN scales each message by degrees (TF-GNN's `degree_normalization`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DegreeNormalization {
    /// No scaling.
    None,
    /// `1 / in-degree(receiver)`.
    In,
    /// `1 / out-degree(sender)`.
    Out,
    /// `1 / √(out-degree(sender) · in-degree(receiver))` (Kipf & Welling).
    #[default]
    InOut,
    /// `1 / √(in-degree(sender) · in-degree(receiver))`.
    InIn,
}

/// How attention heads are merged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadsMerge {
    /// Side by side.
    #[default]
    Concat,
    /// Averaged.
    Mean,
}

/// How the pooled messages of several edge sets (or GraphSAGE's self and neighbor terms) are
/// combined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// Side by side, edge sets in name order.
    #[default]
    Concat,
    /// Added (all must have the same width).
    Sum,
}

/// `GCNConv`'s arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GcnConvConfig {
    /// Output width.
    pub units: usize,
    /// Receiving end.
    pub receiver_tag: Tag,
    /// Applied after the bias.
    pub activation: Activation,
    /// A bias in the filter.
    pub use_bias: bool,
    /// Each node also sends to itself (with weight 1).
    pub add_self_loops: bool,
    /// The edge feature that weights each edge (`None`: every weight is 1).
    pub edge_weight_feature_name: Option<String>,
    /// Degree scaling.
    pub degree_normalization: DegreeNormalization,
}

impl Default for GcnConvConfig {
    fn default() -> Self {
        Self {
            units: 16,
            receiver_tag: Tag::Target,
            activation: Activation::Relu,
            use_bias: true,
            add_self_loops: false,
            edge_weight_feature_name: None,
            degree_normalization: DegreeNormalization::InOut,
        }
    }
}

/// `GATv2Conv`'s arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatV2ConvConfig {
    /// Attention heads.
    pub num_heads: usize,
    /// Channels per head.
    pub per_head_channels: usize,
    /// Receiving end.
    pub receiver_tag: Tag,
    /// Biases in the query and value transformations.
    pub use_bias: bool,
    /// Dropout on attention coefficients while training.
    pub edge_dropout: f64,
    /// Applied to `query + value` before the attention logits.
    pub attention_activation: Activation,
    /// How heads are merged.
    pub heads_merge_type: HeadsMerge,
    /// Applied to the merged result.
    pub activation: Activation,
}

impl Default for GatV2ConvConfig {
    fn default() -> Self {
        Self {
            num_heads: 4,
            per_head_channels: 8,
            receiver_tag: Tag::Target,
            use_bias: true,
            edge_dropout: 0.0,
            attention_activation: Activation::LeakyRelu,
            heads_merge_type: HeadsMerge::Concat,
            activation: Activation::Relu,
        }
    }
}

/// `VanillaMPNNGraphUpdate`'s arguments: messages `relu(W [sender, receiver] + b)`, pooled per
/// edge set, next state `relu(W [state, pooled…] + b)`, optionally layer-normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VanillaMpnnConfig {
    /// Width of the new node states.
    pub units: usize,
    /// Width of each message.
    pub message_dim: usize,
    /// Receiving end.
    pub receiver_tag: Tag,
    /// Node sets to update (`None`: every node set that receives an edge set).
    pub node_set_names: Option<Vec<String>>,
    /// How messages are pooled.
    pub reduce_type: ReduceType,
    /// Dropout after each dense layer while training.
    pub dropout_rate: f64,
    /// Layer normalisation of the new states.
    pub use_layer_normalization: bool,
}

impl Default for VanillaMpnnConfig {
    fn default() -> Self {
        Self {
            units: 16,
            message_dim: 16,
            receiver_tag: Tag::Target,
            node_set_names: None,
            reduce_type: ReduceType::one(Reducer::Sum),
            dropout_rate: 0.0,
            use_layer_normalization: false,
        }
    }
}

/// Which convolution MtAlbis uses on an edge set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttentionType {
    /// A simple convolution (dense messages, pooled by `simple_conv_reduce_type`).
    #[default]
    None,
    /// Transformer-style multi-head dot-product attention.
    MultiHead,
    /// GATv2 attention.
    GatV2,
}

/// How MtAlbis normalises new node states.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalization {
    /// None.
    None,
    /// Layer normalisation.
    #[default]
    Layer,
    /// Batch normalisation: each unit normalised over the batch's nodes while training, by its
    /// moving mean and variance otherwise.
    Batch,
}

/// MtAlbis' next-state form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextStateType {
    /// `relu(W [state, messages] + b)`.
    #[default]
    Dense,
    /// The same plus the old state (needs `units` = the state's width).
    Residual,
}

/// `MtAlbisGraphUpdate`'s arguments (TF-GNN's field-tested model template).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MtAlbisConfig {
    /// Width of the new node states.
    pub units: usize,
    /// Width of each message.
    pub message_dim: usize,
    /// Receiving end.
    pub receiver_tag: Tag,
    /// Node sets to update (`None`: every node set that receives an edge set).
    pub node_set_names: Option<Vec<String>>,
    /// The convolution on each edge set.
    pub attention_type: AttentionType,
    /// Edge sets that use attention (`None`: all, when `attention_type` is not `none`).
    pub attention_edge_set_names: Option<Vec<String>>,
    /// Heads (`message_dim` must divide by it).
    pub attention_num_heads: usize,
    /// Pooling of the simple convolution.
    pub simple_conv_reduce_type: ReduceType,
    /// The simple convolution's messages also read the receiver's state.
    pub simple_conv_use_receiver_state: bool,
    /// Dropout on the next state's inputs and output while training.
    pub state_dropout_rate: f64,
    /// Dropout of whole edges while training.
    pub edge_dropout_rate: f64,
    /// Normalisation of new states.
    pub normalization_type: Normalization,
    /// Keras' `BatchNormalization(momentum=…)`: the weight of the old moving statistics in
    /// each update (batch normalisation only).
    pub batch_normalization_momentum: f64,
    /// `λ` of the L2 penalty `λ Σ w²` on every kernel of the update (not on biases), added
    /// to the training loss.
    pub l2_regularization: f64,
    /// Dense or residual next state.
    pub next_state_type: NextStateType,
    /// How the pooled messages of several edge sets are combined.
    pub edge_set_combine_type: Combine,
}

impl Default for MtAlbisConfig {
    fn default() -> Self {
        Self {
            units: 16,
            message_dim: 16,
            receiver_tag: Tag::Target,
            node_set_names: None,
            attention_type: AttentionType::None,
            attention_edge_set_names: None,
            attention_num_heads: 4,
            simple_conv_reduce_type: ReduceType::one(Reducer::Mean),
            simple_conv_use_receiver_state: true,
            state_dropout_rate: 0.0,
            edge_dropout_rate: 0.0,
            normalization_type: Normalization::Layer,
            batch_normalization_momentum: 0.99,
            l2_regularization: 0.0,
            next_state_type: NextStateType::Dense,
            edge_set_combine_type: Combine::Concat,
        }
    }
}

/// `GraphSAGEGraphUpdate`'s arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphSageConfig {
    /// Width of the new node states.
    pub units: usize,
    /// Width of the pooling aggregator's hidden layer (with `use_pooling`).
    pub hidden_units: Option<usize>,
    /// Receiving end.
    pub receiver_tag: Tag,
    /// Node sets to update (`None`: every node set that receives an edge set).
    pub node_set_names: Option<Vec<String>>,
    /// How neighbors are pooled (`max_no_inf` for the pooling aggregator).
    pub reduce_type: ReduceType,
    /// The pooling aggregator (a dense layer before pooling) instead of the mean aggregator.
    pub use_pooling: bool,
    /// A bias on the combined result.
    pub use_bias: bool,
    /// Dropout on inputs while training.
    pub dropout_rate: f64,
    /// Each new state scaled to unit length.
    pub l2_normalize: bool,
    /// Self and neighbor terms side by side or added.
    pub combine_type: Combine,
    /// Applied to the combined result.
    pub activation: Activation,
}

impl Default for GraphSageConfig {
    fn default() -> Self {
        Self {
            units: 16,
            hidden_units: None,
            receiver_tag: Tag::Target,
            node_set_names: None,
            reduce_type: ReduceType::one(Reducer::Mean),
            use_pooling: false,
            use_bias: true,
            dropout_rate: 0.0,
            l2_normalize: true,
            combine_type: Combine::Sum,
            activation: Activation::Relu,
        }
    }
}

/// The model of a [`HeteroEncoderConfig`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum HeteroModel {
    /// The classified node set's own features through `rounds` dense layers: no graph.
    Mlp,
    /// `rounds` GCN convolutions over one edge set within the classified node set: the
    /// homogeneous baseline.
    Gcn {
        /// The edge set.
        edge_set: String,
    },
    /// `rounds` MtAlbis updates over every edge set (`units` is the hidden width).
    MtAlbis(MtAlbisConfig),
}

/// What turns a heterogeneous graph's features into hidden states: every node set's features
/// projected to the hidden width (`relu(x W + b)`), then `rounds` of message passing. A node
/// task reads the states of `node_set` out; a graph task pools them into the context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeteroEncoderConfig {
    /// The node set read out (for node tasks it holds the labels and the split).
    pub node_set: String,
    /// Hidden width (for MtAlbis, its `units` are used).
    pub hidden: usize,
    /// Rounds of message passing (dense layers for the MLP).
    pub rounds: usize,
    /// The model.
    pub model: HeteroModel,
}

/// Graph classification: the encoder's states of its node set pooled into each graph's
/// context (TF-GNN's `pool_nodes_to_context`), then a linear read-out to the classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeteroGraphConfig {
    /// Hidden states.
    pub encoder: HeteroEncoderConfig,
    /// How the nodes pool into the context (`"mean"`, `"sum|max_no_inf"`, …).
    #[serde(default)]
    pub readout: ReduceType,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduce_types_parse_print_and_refuse() {
        let both: ReduceType = "mean|sum".parse().unwrap();
        assert_eq!(both.reducers(), &[Reducer::Mean, Reducer::Sum]);
        assert_eq!(both.to_string(), "mean|sum");
        assert_eq!(serde_json::to_string(&both).unwrap(), "\"mean|sum\"");
        let back: ReduceType = serde_json::from_str("\"max_no_inf\"").unwrap();
        assert_eq!(back, ReduceType::one(Reducer::MaxNoInf));
        let err = "mean|median".parse::<ReduceType>().unwrap_err();
        assert!(err.contains("median"), "{err}");
        assert!(serde_json::from_str::<ReduceType>("\"\"").is_err());
    }

    #[test]
    fn tf_gnn_arguments_deserialize_with_its_defaults() {
        let args = r#"{"units": 4, "message_dim": 4, "receiver_tag": "target", "attention_type": "gat_v2",
            "attention_num_heads": 2, "simple_conv_reduce_type": "mean|sum", "normalization_type": "none",
            "next_state_type": "residual", "edge_set_combine_type": "sum", "state_dropout_rate": 0.0}"#;
        let config: MtAlbisConfig = serde_json::from_str(args).unwrap();
        assert_eq!(config.attention_type, AttentionType::GatV2);
        assert_eq!(config.next_state_type, NextStateType::Residual);
        assert!(config.simple_conv_use_receiver_state, "TF-GNN's default");
        let gcn: GcnConvConfig = serde_json::from_str(r#"{"units": 3, "activation": "linear"}"#).unwrap();
        assert_eq!(gcn.degree_normalization, DegreeNormalization::InOut);
        assert!(
            serde_json::from_str::<GcnConvConfig>(r#"{"unit": 3}"#).is_err(),
            "unknown fields are refused"
        );
    }
}
