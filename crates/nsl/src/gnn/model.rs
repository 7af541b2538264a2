//! A GNN of one layer kind over a homogeneous graph: TF-GNN's layers ([`super::hetero`]) on
//! the graph of one node set and one edge set, stacked. GCN layers are `GCNHomGraphUpdate`s,
//! GAT layers `GATv2HomGraphUpdate`s and GraphSAGE layers `GraphSAGEGraphUpdate`s, so the
//! homogeneous models are the one-node-set case of the heterogeneous code, not a second
//! implementation of it.

use std::collections::BTreeMap;

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig};
use burn::tensor::{Device, Tensor};
use nsl_graph::rng::SeededRng;
use nsl_graph::typed::EdgeSet;
use serde::{Deserialize, Serialize};

use super::adjacency::Adjacency;
use super::hetero::graph::{GraphTensor, Schema};
use super::hetero::update::GraphUpdate;
use super::hetero::weights::WeightSource;
use crate::config::tfgnn::{
    Activation, Combine, DegreeNormalization, GatV2ConvConfig, GcnConvConfig, GraphSageConfig, HeadsMerge,
    ReduceType, Reducer, Tag,
};
use crate::error::{NslError, Result};
use crate::model::NodeInput;
use crate::spec::{GnnKind, SageAggregator};

/// The node set of a homogeneous graph, in TF-GNN's terms.
pub const NODES: &str = "nodes";
/// Its edge set (messages flow from `source` to `target`).
pub const EDGES: &str = "edges";
/// The edge feature GCN reads its weights from.
const WEIGHT: &str = "weight";

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

/// The schema of a homogeneous graph whose states are `width` wide.
fn schema(width: usize) -> Schema {
    Schema {
        node_sets: BTreeMap::from([(NODES.to_owned(), width)]),
        edge_sets: BTreeMap::from([(EDGES.to_owned(), (NODES.to_owned(), NODES.to_owned()))]),
    }
}

impl GnnConfig {
    /// The layers, weights drawn from `seed` (Glorot-uniform kernels and zero biases, as
    /// Keras draws them), layer `i`'s under `round/i`.
    pub fn init(&self, seed: u64, device: &Device) -> Result<Gnn> {
        if self.input == 0 || self.output == 0 || self.hidden.contains(&0) {
            return Err(NslError::Config("a GNN's widths must all be at least 1".into()));
        }
        let mut weights = WeightSource::seeded(seed);
        let last = self.hidden.len();
        let mut layers = Vec::with_capacity(last + 1);
        let mut input = self.input;
        for i in 0..=last {
            let is_last = i == last;
            let units = if is_last { self.output } else { self.hidden[i] };
            let schema = schema(input);
            let layer = weights.within(&format!("round/{i}"), |weights| {
                self.layer(&schema, units, is_last, weights, device)
            })?;
            input = match self.kind {
                GnnKind::Gat { heads, .. } if !is_last => units * heads,
                _ => units,
            };
            layers.push(layer);
        }
        Ok(Gnn {
            layers,
            dropout: DropoutConfig::new(self.dropout).init(),
            input_dropout: self.dropout,
            kind: self.kind,
        })
    }

    /// One layer of `units` outputs (per head for GAT): ReLU (ELU for GAT, as its authors
    /// have it) on hidden layers, linear on the last, whose GAT heads are averaged.
    fn layer(
        &self,
        schema: &Schema,
        units: usize,
        is_last: bool,
        weights: &mut WeightSource,
        device: &Device,
    ) -> Result<GraphUpdate> {
        let hidden_activation = |activation| if is_last { Activation::Linear } else { activation };
        match self.kind {
            GnnKind::Gcn => {
                let config = GcnConvConfig {
                    units,
                    receiver_tag: Tag::Target,
                    activation: hidden_activation(Activation::Relu),
                    use_bias: true,
                    add_self_loops: true,
                    edge_weight_feature_name: Some(WEIGHT.into()),
                    degree_normalization: DegreeNormalization::InOut,
                };
                GraphUpdate::gcn(&config, schema, weights, device)
            }
            GnnKind::Gat { heads, output_heads } => {
                let config = GatV2ConvConfig {
                    num_heads: if is_last { output_heads } else { heads },
                    per_head_channels: units,
                    receiver_tag: Tag::Target,
                    use_bias: true,
                    edge_dropout: self.dropout,
                    attention_activation: Activation::LeakyRelu,
                    heads_merge_type: if is_last { HeadsMerge::Mean } else { HeadsMerge::Concat },
                    activation: hidden_activation(Activation::Elu),
                };
                GraphUpdate::gat_v2(&config, schema, weights, device)
            }
            GnnKind::Sage { aggregator } => {
                let pooling = aggregator == SageAggregator::Max;
                let config = GraphSageConfig {
                    units,
                    hidden_units: pooling.then_some(units),
                    receiver_tag: Tag::Target,
                    node_set_names: None,
                    reduce_type: ReduceType::one(if pooling { Reducer::MaxNoInf } else { Reducer::Mean }),
                    use_pooling: pooling,
                    use_bias: true,
                    dropout_rate: 0.0,
                    l2_normalize: false,
                    combine_type: Combine::Sum,
                    activation: hidden_activation(Activation::Relu),
                };
                GraphUpdate::graph_sage(&config, schema, weights, device)
            }
        }
    }
}

/// The graph a GNN kind reads, uploaded once: one node set, one edge set carrying the edge
/// weights — with a self loop added on every node that has none for GAT (TF-GNN's GATv2 attends
/// only along the graph's edges), while GCN adds its own self loops.
#[derive(Debug, Clone)]
pub struct GraphContext {
    /// The structure on the device, without states.
    pub graph: GraphTensor,
    /// The edges as uploaded, in order: attention coefficients are per edge of these.
    pub host: Adjacency,
    /// The kind it was prepared for.
    kind: GnnKind,
}

impl GraphContext {
    /// Prepares `adjacency` for `kind`.
    pub fn new(kind: GnnKind, adjacency: &Adjacency, device: &Device) -> Result<Self> {
        let host = match kind {
            GnnKind::Gat { .. } => adjacency.with_self_loops(1.0),
            GnnKind::Gcn | GnnKind::Sage { .. } => adjacency.clone(),
        };
        let edges = EdgeSet {
            source: NODES.into(),
            target: NODES.into(),
            sources: host.src.clone(),
            targets: host.dst.clone(),
            weights: Some(host.weight.clone()),
            features: Default::default(),
        };
        let graph = GraphTensor::structure(
            &BTreeMap::from([(NODES.to_owned(), host.nodes)]),
            &BTreeMap::from([(EDGES.to_owned(), edges)]),
            1,
            &BTreeMap::from([(NODES.to_owned(), vec![0; host.nodes])]),
            device,
        )?;
        Ok(Self { graph, host, kind })
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.host.nodes
    }
}

/// Logits, every hidden layer's output, and the attention of every GAT layer (`[edges, heads]`,
/// edges of the context's graph).
#[derive(Debug, Clone)]
pub struct GnnOutput {
    /// `[nodes, output]`.
    pub logits: Tensor<2>,
    /// Each hidden layer's output `[nodes, width]`, before the dropout the next layer reads
    /// through while training.
    pub hidden: Vec<Tensor<2>>,
    /// Per GAT layer, α.
    pub attention: Vec<Tensor<2>>,
}

/// Stacked graph updates over a homogeneous graph: dropout on each layer's input (while
/// training), the last layer's output as logits.
#[derive(Module, Debug)]
pub struct Gnn {
    /// The layers, one graph update each.
    pub layers: Vec<GraphUpdate>,
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
        if context.kind != self.kind {
            return Err(NslError::Config(format!(
                "a graph prepared for {:?} given to a {:?} model",
                context.kind, self.kind
            )));
        }
        if input.nodes() != context.nodes() {
            return Err(NslError::Config(format!(
                "{} feature rows for a graph of {} nodes",
                input.nodes(),
                context.nodes()
            )));
        }
        Ok(())
    }

    /// Forward pass. `train_rng` is `Some` while training: it draws the input dropout mask.
    /// Call [`Gnn::check`] once for an input and context first: that is what this pass
    /// relies on.
    ///
    /// # Shapes
    /// - `input`: `[nodes, features]`; returns logits `[nodes, output]`.
    pub fn forward(
        &self,
        input: &NodeInput,
        context: &GraphContext,
        train_rng: Option<&mut SeededRng>,
    ) -> GnnOutput {
        let first = match train_rng {
            Some(rng) => input.dropout(self.input_dropout, rng),
            None => input.clone(),
        };
        self.run(first, context).expect("Gnn::check accepted this input and graph")
    }

    /// What every layer outputs, first to last (the last: the logits): the node embeddings
    /// layer by layer. Call it on the inference copy (no dropout) after [`Gnn::check`].
    ///
    /// # Shapes
    /// - `input`: `[nodes, features]`; returns one `[nodes, width]` per layer.
    pub fn layer_states(&self, input: &NodeInput, context: &GraphContext) -> Vec<Tensor<2>> {
        let output = self.forward(input, context, None);
        output.hidden.into_iter().chain([output.logits]).collect()
    }

    /// The GCN filter of layer `layer` (its kernel, bias and activation), with the degree
    /// normalisation TF-GNN's `GCNConv` applies before it; `None` for other layer kinds.
    pub fn gcn_layer(&self, layer: usize) -> Option<&super::hetero::conv::GcnConv> {
        let update = self.layers.get(layer)?;
        match &update.node_sets.first()?.inputs.first()?.conv {
            super::hetero::conv::Conv::Gcn(conv) => Some(conv),
            _ => None,
        }
    }

    fn run(&self, input: NodeInput, context: &GraphContext) -> Result<GnnOutput> {
        let mut graph = context.graph.with_inputs(BTreeMap::from([(NODES.to_owned(), input)]))?;
        let (mut attention, mut hidden) = (Vec::new(), Vec::new());
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            let (next, alphas) = layer.forward_traced(&graph)?;
            attention.extend(alphas.into_iter().map(|a| a.alpha));
            let state = next.state(NODES)?;
            if i == last {
                return Ok(GnnOutput { logits: state, hidden, attention });
            }
            hidden.push(state.clone());
            graph = next.with_states(BTreeMap::from([(NODES.to_owned(), self.dropout.forward(state))]));
        }
        unreachable!("a GNN has at least one layer")
    }
}

#[cfg(test)]
mod tests {
    use burn::module::Param;

    use super::*;
    use crate::gnn::hetero::conv::Conv;
    use crate::gnn::hetero::next_state::NextState;
    use crate::tensor::{matrix, to_vec};

    /// A small directed graph with a weighted edge and an isolated node (4).
    fn graph() -> Adjacency {
        Adjacency::new(5, &[(0, 1, 1.0), (2, 1, 2.0), (1, 0, 1.0), (3, 2, 1.0), (0, 3, 0.5), (1, 3, 1.0)])
            .unwrap()
    }

    fn features() -> Vec<f32> {
        (0..15).map(|v| ((v * 7 % 11) as f32 - 5.0) / 4.0).collect()
    }

    fn host<const D: usize>(p: &Param<Tensor<D>>) -> Vec<f32> {
        let t = p.val();
        to_vec(t.clone().reshape([t.shape().num_elements()]))
    }

    /// `x [n × d] · w [d × o]` on the host.
    fn mm(x: &[f32], d: usize, w: &[f32], o: usize) -> Vec<f32> {
        let n = x.len() / d;
        let mut out = vec![0.0; n * o];
        for i in 0..n {
            for k in 0..d {
                for j in 0..o {
                    out[i * o + j] += x[i * d + k] * w[k * o + j];
                }
            }
        }
        out
    }

    fn close(a: &[f32], b: &[f32]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-4, "{a:?} vs {b:?}");
        }
    }

    /// A one-layer model of `kind`, its context, and the logits for the dense features.
    fn one_layer(kind: GnnKind, output: usize) -> (Gnn, GraphContext, Vec<f32>) {
        let device = Device::flex();
        let model =
            GnnConfig { kind, input: 3, hidden: vec![], output, dropout: 0.0 }.init(7, &device).unwrap();
        let context = GraphContext::new(kind, &graph(), &device).unwrap();
        let input = NodeInput::Dense(matrix(features(), 5, 3, &device));
        model.check(&input, &context).unwrap();
        let logits = to_vec(model.forward(&input, &context, None).logits);
        (model, context, logits)
    }

    #[test]
    fn gcn_is_kipf_and_welling_with_self_loops_over_a_loop_of_edges() {
        let (model, _, logits) = one_layer(GnnKind::Gcn, 2);
        let Conv::Gcn(conv) = &model.layers[0].node_sets[0].inputs[0].conv else { panic!("GCN") };
        let xw = mm(&features(), 3, &host(&conv.filter.kernel), 2);
        let adj = graph();
        // Degrees count the weights and the added self loop of weight 1.
        let (mut out_degree, mut in_degree) = (vec![1.0f32; 5], vec![1.0f32; 5]);
        for (s, d, w) in adj.triples() {
            out_degree[s as usize] += w;
            in_degree[d as usize] += w;
        }
        let mut expected = vec![0.0; 10];
        let looped = adj.triples().chain((0..5).map(|v| (v, v, 1.0)));
        for (s, d, w) in looped {
            let c = w / (out_degree[s as usize] * in_degree[d as usize]).sqrt();
            for j in 0..2 {
                expected[d as usize * 2 + j] += c * xw[s as usize * 2 + j];
            }
        }
        close(&logits, &expected);
    }

    #[test]
    fn sage_mean_and_max_pool_match_loops() {
        let x = features();
        let adj = graph();
        let mut in_lists = vec![Vec::new(); 5];
        for (s, d, _) in adj.triples() {
            in_lists[d as usize].push(s as usize);
        }
        for aggregator in [SageAggregator::Mean, SageAggregator::Max] {
            let (model, _, logits) = one_layer(GnnKind::Sage { aggregator }, 2);
            let update = &model.layers[0].node_sets[0];
            let Conv::Sage(conv) = &update.inputs[0].conv else { panic!("SAGE") };
            let NextState::Sage(next) = &update.next_state else { panic!("SAGE next state") };
            let mut expected = mm(&x, 3, &host(&next.self_transform.kernel), 2);
            let neighbor = host(&conv.transform_neighbor_fn.kernel);
            for (i, list) in in_lists.iter().enumerate() {
                let aggregated: Vec<f32> = match &conv.pooling_transform_fn {
                    None if list.is_empty() => vec![0.0; 3],
                    None => (0..3)
                        .map(|k| list.iter().map(|&j| x[j * 3 + k]).sum::<f32>() / list.len() as f32)
                        .collect(),
                    Some(pooling) => {
                        let w = host(&pooling.kernel);
                        let rows: Vec<Vec<f32>> = list
                            .iter()
                            .map(|&j| mm(&x[j * 3..j * 3 + 3], 3, &w, 2).iter().map(|v| v.max(0.0)).collect())
                            .collect();
                        // No neighbors pool to 0 (`max_no_inf`); ReLU outputs are ≥ 0 anyway.
                        (0..2).map(|k| rows.iter().map(|r| r[k]).fold(0.0, f32::max)).collect()
                    }
                };
                let term = mm(&aggregated, aggregated.len(), &neighbor, 2);
                for j in 0..2 {
                    expected[i * 2 + j] += term[j];
                }
            }
            close(&logits, &expected);
        }
    }

    #[test]
    fn gatv2_attends_over_in_edges_with_self_loops_and_averages_output_heads() {
        let kind = GnnKind::Gat { heads: 2, output_heads: 2 };
        let (model, context, logits) = one_layer(kind, 2);
        let device = Device::flex();
        let input = NodeInput::Dense(matrix(features(), 5, 3, &device));
        let alpha = to_vec(model.forward(&input, &context, None).attention.pop().expect("a GAT's attention"));
        let Conv::GatV2(conv) = &model.layers[0].node_sets[0].inputs[0].conv else { panic!("GATv2") };
        let x = features();
        let (q, v) =
            (mm(&x, 3, &host(&conv.w_query.kernel), 4), mm(&x, 3, &host(&conv.w_sender_node.kernel), 4));
        let a = host(&conv.attention_logits); // [channels, heads]
        let adj = &context.host;
        let mut expected = vec![0.0; 10];
        for h in 0..2 {
            let logit = |e: usize| -> f32 {
                let (s, d) = (adj.src[e] as usize, adj.dst[e] as usize);
                (0..2)
                    .map(|c| {
                        let z = q[d * 4 + h * 2 + c] + v[s * 4 + h * 2 + c];
                        a[c * 2 + h] * if z > 0.0 { z } else { 0.2 * z }
                    })
                    .sum()
            };
            for i in 0..5u32 {
                let in_edges: Vec<usize> = (0..adj.len()).filter(|&e| adj.dst[e] == i).collect();
                assert!(!in_edges.is_empty(), "every node has at least its self loop");
                let total: f32 = in_edges.iter().map(|&e| logit(e).exp()).sum();
                let sum: f32 = in_edges.iter().map(|&e| alpha[e * 2 + h]).sum();
                assert!((sum - 1.0).abs() < 1e-5, "node {i}, head {h}: α sums to {sum}");
                for &e in &in_edges {
                    let weight = logit(e).exp() / total;
                    assert!((alpha[e * 2 + h] - weight).abs() < 1e-5);
                    for c in 0..2 {
                        // The last layer averages its two heads.
                        expected[i as usize * 2 + c] += 0.5 * weight * v[adj.src[e] as usize * 4 + h * 2 + c];
                    }
                }
            }
        }
        close(&logits, &expected);
    }

    #[test]
    fn sparse_and_dense_features_give_the_same_logits() {
        let device = Device::flex();
        // 30 × 40 features with 2% non-zeros: kept sparse, and wider than the hidden layer, so
        // the first layer projects before it aggregates.
        let values: Vec<f32> =
            (0..1200).map(|k| if k % 50 == 3 { (k % 7) as f32 - 2.5 } else { 0.0 }).collect();
        let sparse = NodeInput::from_rows(&values, 40, &device);
        assert!(matches!(sparse, NodeInput::Sparse(_)));
        let dense = NodeInput::Dense(matrix(values, 30, 40, &device));
        let edges: Vec<(u32, u32, f32)> =
            (0..30).flat_map(|i| [(i, (i + 1) % 30, 1.0), ((i + 7) % 30, i, 0.5)]).collect();
        let adjacency = Adjacency::new(30, &edges).unwrap();
        let kinds = [
            GnnKind::Gcn,
            GnnKind::Sage { aggregator: SageAggregator::Mean },
            GnnKind::Sage { aggregator: SageAggregator::Max },
            GnnKind::Gat { heads: 2, output_heads: 1 },
        ];
        for kind in kinds {
            let model = GnnConfig { kind, input: 40, hidden: vec![8], output: 3, dropout: 0.0 }
                .init(1, &device)
                .unwrap();
            let context = GraphContext::new(kind, &adjacency, &device).unwrap();
            let from_sparse = to_vec(model.forward(&sparse, &context, None).logits);
            let from_dense = to_vec(model.forward(&dense, &context, None).logits);
            assert!(from_sparse.iter().any(|v| v.abs() > 1e-3), "{kind:?}: logits carry signal");
            close(&from_sparse, &from_dense);
        }
    }

    #[test]
    fn a_graph_prepared_for_another_kind_or_size_is_refused() {
        let device = Device::flex();
        let model = GnnConfig { kind: GnnKind::Gcn, input: 3, hidden: vec![4], output: 2, dropout: 0.0 }
            .init(0, &device)
            .unwrap();
        let input = NodeInput::Dense(matrix(features(), 5, 3, &device));
        let gat = GraphContext::new(GnnKind::Gat { heads: 1, output_heads: 1 }, &graph(), &device).unwrap();
        assert!(model.check(&input, &gat).unwrap_err().to_string().contains("prepared for"));
        let small =
            GraphContext::new(GnnKind::Gcn, &Adjacency::new(4, &[(0, 1, 1.0)]).unwrap(), &device).unwrap();
        assert!(model.check(&input, &small).unwrap_err().to_string().contains("5 feature rows"));
        let zero = GnnConfig { kind: GnnKind::Gcn, input: 3, hidden: vec![0], output: 2, dropout: 0.0 };
        assert!(zero.init(0, &device).is_err());
    }
}
