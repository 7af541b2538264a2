//! A graph update: for each receiving node set, a convolution per incoming edge set and a next
//! state — TF-GNN's `GraphUpdate` as its `ConvGNNBuilder` assembles it, and the model templates
//! built that way: `VanillaMPNNGraphUpdate`, `MtAlbisGraphUpdate`, `GraphSAGEGraphUpdate`.
//! Every node set is updated from the input graph's states (not from states updated earlier in
//! the same layer); node sets that receive nothing keep their state.

use std::collections::BTreeMap;

use burn::module::{Module, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor};

use super::conv::{Conv, GatV2Conv, GcnConv, MultiHeadConv, SageConv, SimpleConv, SimpleConvSpec};
use super::dense::dropout;
use super::graph::{GraphTensor, Schema};
use super::next_state::{ConcatNextState, MtAlbisNextState, NextState, SageNextState, SingleInput};
use super::weights::WeightSource;
use crate::config::tfgnn::{
    Activation, AttentionType, Combine, GatV2ConvConfig, GcnConvConfig, GraphSageConfig, MtAlbisConfig,
    NextStateType, Tag, VanillaMpnnConfig,
};
use crate::error::{NslError, Result};

/// One incoming edge set of a node-set update.
#[derive(Module, Debug)]
pub struct EdgeSetInput {
    /// The edge set.
    #[module(skip)]
    pub edge_set: String,
    /// Its convolution.
    pub conv: Conv,
}

/// The update of one node set.
#[derive(Module, Debug)]
pub struct NodeSetUpdate {
    /// The node set.
    #[module(skip)]
    pub node_set: String,
    /// Incoming edge sets, in name order.
    pub inputs: Vec<EdgeSetInput>,
    /// Its next state.
    pub next_state: NextState,
}

/// One round of message passing over a heterogeneous graph.
#[derive(Module, Debug)]
pub struct GraphUpdate {
    /// The node sets updated, in name order.
    pub node_sets: Vec<NodeSetUpdate>,
    /// `λ` of the L2 penalty on its kernels (MtAlbis' `l2_regularization`; 0: none).
    #[module(skip)]
    pub l2: f64,
}

/// `Σ w²` over every kernel (2-D weight) a module holds; biases, scales and moving statistics
/// are vectors and are left out, as TF-GNN's `kernel_regularizer` leaves them.
#[derive(Default)]
struct KernelSquares {
    sum: Option<Tensor<1>>,
}

impl ModuleVisitor for KernelSquares {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if D == 2 {
            let squares = param.val().powi_scalar(2).sum();
            self.sum = Some(match self.sum.take() {
                Some(sum) => sum + squares,
                None => squares,
            });
        }
    }
}

/// The attention one edge set's convolution paid along each of its edges.
#[derive(Debug, Clone)]
pub struct Attention {
    /// The edge set.
    pub edge_set: String,
    /// `[edges, heads]`; each receiver's edges sum to 1 per head.
    pub alpha: Tensor<2>,
}

/// A homogeneous update (TF-GNN's `…HomGraphUpdate`s): `conv` on each receiver's one
/// incoming edge set, whose messages are the new state.
fn homogeneous(
    schema: &Schema,
    receiver: Tag,
    weights: &mut WeightSource,
    conv: impl FnMut(&str, &str, &mut WeightSource) -> Result<Conv>,
) -> Result<GraphUpdate> {
    assemble(schema, None, receiver, weights, conv, |node_set, _, widths, _, _| match widths.len() {
        1 => Ok(NextState::Single(SingleInput)),
        n => Err(NslError::Config(format!(
            "a homogeneous update takes one edge set into each node set; “{node_set}” receives {n}"
        ))),
    })
}

/// Where TF-GNN puts the weights of a node set's edge-set input and of its next state.
fn edge_prefix(node_set: &str, edge_set: &str) -> String {
    format!("node_set_updates/{node_set}/edge_set_inputs/{edge_set}")
}

fn next_state_prefix(node_set: &str) -> String {
    format!("node_set_updates/{node_set}/next_state")
}

/// Builds an update for every receiver: `conv(edge_set, prefix)` per incoming edge set, then
/// `next(node_set, state width, conv output widths, prefix)`.
fn assemble(
    schema: &Schema,
    node_set_names: Option<&[String]>,
    receiver: Tag,
    weights: &mut WeightSource,
    mut conv: impl FnMut(&str, &str, &mut WeightSource) -> Result<Conv>,
    mut next: impl FnMut(&str, usize, &[usize], &str, &mut WeightSource) -> Result<NextState>,
) -> Result<GraphUpdate> {
    let mut node_sets = Vec::new();
    for node_set in schema.receivers(node_set_names, receiver)? {
        let mut inputs = Vec::new();
        for edge_set in schema.incoming(&node_set, receiver) {
            let conv = conv(edge_set, &edge_prefix(&node_set, edge_set), weights)?;
            inputs.push(EdgeSetInput { edge_set: edge_set.to_owned(), conv });
        }
        let widths: Vec<usize> = inputs.iter().map(|i| i.conv.output_width()).collect();
        let next_state =
            next(&node_set, schema.width(&node_set)?, &widths, &next_state_prefix(&node_set), weights)?;
        node_sets.push(NodeSetUpdate { node_set, inputs, next_state });
    }
    Ok(GraphUpdate { node_sets, l2: 0.0 })
}

impl GraphUpdate {
    /// `λ Σ w²` over the update's kernels (Keras' `l2(λ)` regularizer), when `λ > 0`.
    ///
    /// # Shapes
    /// - returns `[1]`.
    pub fn l2_penalty(&self) -> Option<Tensor<1>> {
        if self.l2 <= 0.0 {
            return None;
        }
        let mut squares = KernelSquares::default();
        self.visit(&mut squares);
        squares.sum.map(|sum| sum * self.l2)
    }

    /// The graph with every updated node set's new state.
    pub fn forward(&self, graph: &GraphTensor) -> Result<GraphTensor> {
        Ok(self.forward_traced(graph)?.0)
    }

    /// [`GraphUpdate::forward`], and the attention coefficients (`[edges, heads]`) of every
    /// edge set whose convolution attends, in update order (what a view of attention reads).
    pub fn forward_traced(&self, graph: &GraphTensor) -> Result<(GraphTensor, Vec<Attention>)> {
        let mut states = BTreeMap::new();
        let mut attention = Vec::new();
        for update in &self.node_sets {
            let mut pooled = Vec::with_capacity(update.inputs.len());
            for input in &update.inputs {
                let (messages, alpha) = input.conv.convolve_traced(graph, &input.edge_set)?;
                pooled.push(messages);
                if let Some(alpha) = alpha {
                    attention.push(Attention { edge_set: input.edge_set.clone(), alpha });
                }
            }
            let state = graph.input(&update.node_set)?;
            states.insert(update.node_set.clone(), update.next_state.forward(state, pooled)?);
        }
        Ok((graph.with_states(states), attention))
    }

    /// TF-GNN's `GCNHomGraphUpdate`: each receiver's new state is its one incoming edge set's
    /// `GCNConv` (weights `node_set_updates/<node set>/edge_set_inputs/<edge set>/filter/…`).
    pub fn gcn(
        config: &GcnConvConfig,
        schema: &Schema,
        weights: &mut WeightSource,
        device: &Device,
    ) -> Result<Self> {
        homogeneous(schema, config.receiver_tag, weights, |edge_set, prefix, weights| {
            Ok(Conv::Gcn(GcnConv::new(config, schema, edge_set, weights, prefix, device)?))
        })
    }

    /// TF-GNN's `GATv2HomGraphUpdate`: each receiver's new state is its one incoming edge
    /// set's `GATv2Conv`.
    pub fn gat_v2(
        config: &GatV2ConvConfig,
        schema: &Schema,
        weights: &mut WeightSource,
        device: &Device,
    ) -> Result<Self> {
        homogeneous(schema, config.receiver_tag, weights, |edge_set, prefix, weights| {
            Ok(Conv::GatV2(GatV2Conv::new(config, schema, edge_set, weights, prefix, device)?))
        })
    }

    /// `VanillaMPNNGraphUpdate`.
    pub fn vanilla_mpnn(
        config: &VanillaMpnnConfig,
        schema: &Schema,
        weights: &mut WeightSource,
        device: &Device,
    ) -> Result<Self> {
        let spec = SimpleConvSpec {
            units: config.message_dim,
            activation: Activation::Relu,
            reduce: config.reduce_type.clone(),
            use_receiver: true,
            receiver: config.receiver_tag,
            dropout: config.dropout_rate,
            whole_edges: false,
        };
        assemble(
            schema,
            config.node_set_names.as_deref(),
            config.receiver_tag,
            weights,
            |edge_set, prefix, weights| {
                Ok(Conv::Simple(SimpleConv::new(&spec, schema, edge_set, weights, prefix, device)?))
            },
            |_, width, widths, prefix, weights| {
                let input = width + widths.iter().sum::<usize>();
                Ok(NextState::Concat(ConcatNextState::new(
                    [input, config.units],
                    config.use_layer_normalization,
                    dropout(config.dropout_rate),
                    weights,
                    prefix,
                    device,
                )?))
            },
        )
    }

    /// `MtAlbisGraphUpdate`.
    pub fn mt_albis(
        config: &MtAlbisConfig,
        schema: &Schema,
        weights: &mut WeightSource,
        device: &Device,
    ) -> Result<Self> {
        let heads = config.attention_num_heads;
        if config.attention_type != AttentionType::None
            && (heads == 0 || !config.message_dim.is_multiple_of(heads))
        {
            return Err(NslError::Config(format!(
                "message_dim must be divisible by attention_num_heads, got {} and {heads}",
                config.message_dim
            )));
        }
        let attends = |edge_set: &str| {
            config.attention_type != AttentionType::None
                && config
                    .attention_edge_set_names
                    .as_ref()
                    .is_none_or(|names| names.iter().any(|n| n == edge_set))
        };
        let simple = SimpleConvSpec {
            units: config.message_dim,
            activation: Activation::Relu,
            reduce: config.simple_conv_reduce_type.clone(),
            use_receiver: config.simple_conv_use_receiver_state,
            receiver: config.receiver_tag,
            dropout: config.edge_dropout_rate,
            whole_edges: true,
        };
        let channels = config.message_dim.checked_div(heads).unwrap_or(0);
        assemble(
            schema,
            config.node_set_names.as_deref(),
            config.receiver_tag,
            weights,
            |edge_set, prefix, weights| {
                Ok(match (attends(edge_set), config.attention_type) {
                    (true, AttentionType::GatV2) => {
                        let gat = GatV2ConvConfig {
                            num_heads: heads,
                            per_head_channels: channels,
                            receiver_tag: config.receiver_tag,
                            edge_dropout: config.edge_dropout_rate,
                            ..GatV2ConvConfig::default()
                        };
                        Conv::GatV2(GatV2Conv::new(&gat, schema, edge_set, weights, prefix, device)?)
                    }
                    (true, AttentionType::MultiHead) => Conv::MultiHead(MultiHeadConv::new(
                        heads,
                        channels,
                        config.edge_dropout_rate,
                        config.receiver_tag,
                        schema,
                        edge_set,
                        weights,
                        prefix,
                        device,
                    )?),
                    _ => Conv::Simple(SimpleConv::new(&simple, schema, edge_set, weights, prefix, device)?),
                })
            },
            |node_set, width, widths, prefix, weights| {
                let combined = match config.edge_set_combine_type {
                    Combine::Concat => widths.iter().sum::<usize>(),
                    Combine::Sum => widths[0],
                };
                let residual = config.next_state_type == NextStateType::Residual;
                if residual && width != config.units {
                    return Err(NslError::Config(format!(
                        "a residual next state needs units = the state's width; node set “{node_set}” has {width}, units are {}",
                        config.units
                    )));
                }
                Ok(NextState::MtAlbis(MtAlbisNextState::new(
                    [width + combined, config.units],
                    residual,
                    (config.normalization_type, config.batch_normalization_momentum),
                    config.edge_set_combine_type,
                    dropout(config.state_dropout_rate),
                    weights,
                    prefix,
                    device,
                )?))
            },
        )
        .map(|update| GraphUpdate { l2: config.l2_regularization, ..update })
    }

    /// `GraphSAGEGraphUpdate`.
    pub fn graph_sage(
        config: &GraphSageConfig,
        schema: &Schema,
        weights: &mut WeightSource,
        device: &Device,
    ) -> Result<Self> {
        if config.use_pooling != config.hidden_units.is_some() {
            return Err(NslError::Config(
                "GraphSAGE's use_pooling and hidden_units go together: set both or neither".into(),
            ));
        }
        let hidden = config.hidden_units.map(|h| (h, config.use_bias));
        assemble(
            schema,
            config.node_set_names.as_deref(),
            config.receiver_tag,
            weights,
            |edge_set, prefix, weights| {
                Ok(Conv::Sage(SageConv::new(
                    config.units,
                    hidden,
                    &config.reduce_type,
                    config.dropout_rate,
                    config.receiver_tag,
                    schema,
                    edge_set,
                    weights,
                    prefix,
                    device,
                )?))
            },
            |_, width, widths, prefix, weights| {
                let bias = config.use_bias.then(|| match config.combine_type {
                    Combine::Sum => config.units,
                    Combine::Concat => config.units + widths.iter().sum::<usize>(),
                });
                Ok(NextState::Sage(SageNextState::new(
                    [width, config.units],
                    bias,
                    config.combine_type,
                    config.activation,
                    config.l2_normalize,
                    dropout(config.dropout_rate),
                    weights,
                    prefix,
                    device,
                )?))
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use nsl_graph::typed::EdgeSet;

    use super::*;
    use crate::config::tfgnn::Normalization;
    use crate::tensor::{matrix, to_vec};

    /// Papers (width 3) cite papers; authors (width 2) write papers; nobody writes to authors.
    fn graph(device: &Device) -> GraphTensor {
        let states = BTreeMap::from([
            ("paper".to_owned(), matrix((0..12).map(|v| v as f32 / 7.0 - 0.8).collect(), 4, 3, device)),
            ("author".to_owned(), matrix(vec![0.5, -1.0, 2.0, 0.25], 2, 2, device)),
        ]);
        let edges = BTreeMap::from([
            (
                "cites".to_owned(),
                EdgeSet::from_triples("paper", "paper", &[(0, 1, 1.0), (1, 2, 1.0), (3, 2, 1.0)]),
            ),
            (
                "writes".to_owned(),
                EdgeSet::from_triples("author", "paper", &[(0, 0, 1.0), (1, 0, 1.0), (1, 3, 1.0)]),
            ),
        ]);
        GraphTensor::new(states, &edges, device).unwrap()
    }

    #[test]
    fn mt_albis_updates_each_receiver_from_all_its_edge_sets() {
        let device = Device::flex();
        let graph = graph(&device);
        for attention_type in [AttentionType::None, AttentionType::GatV2, AttentionType::MultiHead] {
            let config = MtAlbisConfig {
                units: 5,
                message_dim: 4,
                attention_num_heads: 2,
                attention_type,
                ..Default::default()
            };
            let mut weights = WeightSource::seeded(3);
            let update = GraphUpdate::mt_albis(&config, &graph.schema(), &mut weights, &device).unwrap();
            assert_eq!(update.node_sets.len(), 1, "authors receive nothing");
            let inputs: Vec<&str> = update.node_sets[0].inputs.iter().map(|i| i.edge_set.as_str()).collect();
            assert_eq!(inputs, ["cites", "writes"]);
            let out = update.forward(&graph).unwrap();
            let paper = to_vec(out.state("paper").unwrap());
            assert_eq!(paper.len(), 4 * 5);
            // Layer-normalised rows have mean 0.
            for row in paper.chunks(5) {
                assert!(row.iter().sum::<f32>().abs() < 1e-4, "{row:?}");
            }
            assert_eq!(to_vec(out.state("author").unwrap()), vec![0.5, -1.0, 2.0, 0.25]);
        }
    }

    #[test]
    fn settings_that_cannot_be_built_are_refused() {
        let device = Device::flex();
        let schema = graph(&device).schema();
        let residual =
            MtAlbisConfig { units: 5, next_state_type: NextStateType::Residual, ..Default::default() };
        let err =
            GraphUpdate::mt_albis(&residual, &schema, &mut WeightSource::seeded(0), &device).unwrap_err();
        assert!(err.to_string().contains("residual"), "{err}");
        let heads = MtAlbisConfig {
            message_dim: 6,
            attention_num_heads: 4,
            attention_type: AttentionType::GatV2,
            ..Default::default()
        };
        assert!(GraphUpdate::mt_albis(&heads, &schema, &mut WeightSource::seeded(0), &device).is_err());
        let sage = GraphSageConfig { use_pooling: true, ..Default::default() };
        assert!(GraphUpdate::graph_sage(&sage, &schema, &mut WeightSource::seeded(0), &device).is_err());
    }

    #[test]
    fn graph_sage_rows_have_unit_length() {
        let device = Device::flex();
        let graph = graph(&device);
        let config = GraphSageConfig { units: 3, combine_type: Combine::Concat, ..Default::default() };
        let update =
            GraphUpdate::graph_sage(&config, &graph.schema(), &mut WeightSource::seeded(1), &device).unwrap();
        let paper = to_vec(update.forward(&graph).unwrap().state("paper").unwrap());
        assert_eq!(paper.len(), 4 * 9, "self + two edge sets, side by side");
        for row in paper.chunks(9) {
            let norm: f32 = row.iter().map(|v| v * v).sum();
            assert!((norm - 1.0).abs() < 1e-4 || norm == 0.0, "{row:?}");
        }
    }

    #[test]
    fn batch_normalisation_uses_the_batch_while_training_and_moving_statistics_after() {
        let device = Device::flex();
        let config = MtAlbisConfig {
            units: 5,
            message_dim: 4,
            normalization_type: Normalization::Batch,
            batch_normalization_momentum: 0.5,
            ..Default::default()
        };
        let train_device = device.clone().autodiff();
        let batch = graph(&train_device);
        let update =
            GraphUpdate::mt_albis(&config, &batch.schema(), &mut WeightSource::seeded(3), &train_device)
                .unwrap();
        let trained = to_vec(update.forward(&batch).unwrap().state("paper").unwrap().inner());
        // Each unit is normalised over the 4 papers: mean 0 (γ = 1, β = 0).
        for unit in 0..5 {
            let column: f32 = (0..4).map(|row| trained[row * 5 + unit]).sum();
            assert!(column.abs() < 1e-4, "unit {unit}: {trained:?}");
        }
        // After the step the moving mean has moved halfway to the batch's (momentum 0.5), and
        // inference normalises by it instead.
        let NextState::MtAlbis(next) = &update.node_sets[0].next_state else { panic!("MtAlbis") };
        let Some(crate::gnn::hetero::dense::Normalize::Batch(norm)) = &next.normalization else {
            panic!("batch")
        };
        assert!(
            to_vec(norm.running_mean.value_sync()).iter().any(|&m| m.abs() > 1e-3),
            "the moving mean moved"
        );
        let inferred = to_vec(update.valid().forward(&graph(&device)).unwrap().state("paper").unwrap());
        assert_ne!(inferred, trained);
    }

    #[test]
    fn the_l2_penalty_is_lambda_times_the_squared_kernels() {
        let device = Device::flex();
        let schema = graph(&device).schema();
        let plain = MtAlbisConfig { units: 5, message_dim: 4, ..Default::default() };
        let update = GraphUpdate::mt_albis(&plain, &schema, &mut WeightSource::seeded(3), &device).unwrap();
        assert!(update.l2_penalty().is_none(), "no penalty at λ = 0");
        let config = MtAlbisConfig { l2_regularization: 0.01, ..plain };
        let update = GraphUpdate::mt_albis(&config, &schema, &mut WeightSource::seeded(3), &device).unwrap();
        let NextState::MtAlbis(next) = &update.node_sets[0].next_state else { panic!("MtAlbis") };
        let mut by_hand: f32 = to_vec(next.dense.kernel.val()).iter().map(|w| w * w).sum();
        for input in &update.node_sets[0].inputs {
            let Conv::Simple(conv) = &input.conv else { panic!("simple convolutions") };
            by_hand += to_vec(conv.message_fn.kernel.val()).iter().map(|w| w * w).sum::<f32>();
        }
        let penalty = to_vec(update.l2_penalty().unwrap())[0];
        assert!((penalty - 0.01 * by_hand).abs() < 1e-5 * by_hand, "{penalty} vs {}", 0.01 * by_hand);
    }
}
