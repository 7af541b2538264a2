//! Conformance against TensorFlow GNN: replays the cases of `shared/reference/tfgnn-vectors.json`
//! (each a layer's arguments, a small graph, every weight by its role in TF-GNN's layer tree,
//! and the layer's output) through `nsl::gnn::hetero`.

use std::collections::BTreeMap;

use nsl::burn::tensor::{Device, Tensor};
use nsl::gnn::hetero::conv::{GatV2Conv, GcnConv};
use nsl::gnn::hetero::pool::pool_nodes_to_context;
use nsl::gnn::hetero::weights::GivenWeight;
use nsl::gnn::hetero::{GraphTensor, GraphUpdate, ReduceType, WeightSource};
use nsl::graph::typed::EdgeSet;
use nsl::tensor::{matrix, to_vec};
use nsl::{NslError, Result};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::{CaseResult, Check};

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    args: serde_json::Value,
    graph: CaseGraph,
    weights: Vec<CaseWeight>,
    output: CaseOutput,
}

#[derive(Deserialize)]
struct CaseGraph {
    node_sets: BTreeMap<String, CaseNodeSet>,
    edge_sets: BTreeMap<String, CaseEdgeSet>,
}

#[derive(Deserialize)]
struct CaseNodeSet {
    size: usize,
    hidden_state: Vec<Vec<f32>>,
}

#[derive(Deserialize)]
struct CaseEdgeSet {
    source: String,
    target: String,
    source_index: Vec<u32>,
    target_index: Vec<u32>,
    weight: Option<Vec<f32>>,
}

#[derive(Deserialize)]
struct CaseWeight {
    role: String,
    shape: Vec<usize>,
    values: Vec<f32>,
}

#[derive(Deserialize)]
struct CaseOutput {
    node_set: Option<String>,
    #[serde(default)]
    context: bool,
    values: Vec<Vec<f32>>,
}

/// Whether `json` is a TF-GNN vectors file (it holds `cases`; the NSL file does not).
pub fn is_tfgnn(json: &serde_json::Value) -> bool {
    json.get("cases").is_some()
}

/// Replays every case of the TF-GNN vectors file `json` on `device`.
pub fn run(json: serde_json::Value, device: &Device) -> Result<Vec<CaseResult>> {
    let vectors: Vectors =
        serde_json::from_value(json).map_err(|e| NslError::Config(format!("TF-GNN vectors file: {e}")))?;
    vectors
        .cases
        .iter()
        .map(|case| replay(case, device).map_err(|e| NslError::Config(format!("case “{}”: {e}", case.name))))
        .collect()
}

fn args<T: DeserializeOwned>(case: &Case) -> Result<T> {
    serde_json::from_value(case.args.clone()).map_err(|e| NslError::Config(format!("arguments: {e}")))
}

/// The name of the only edge set (or node set) of a case whose layer reads one.
fn only<'a, V>(map: &'a BTreeMap<String, V>, what: &str) -> Result<&'a str> {
    match map.keys().collect::<Vec<_>>()[..] {
        [name] => Ok(name),
        _ => Err(NslError::Config(format!("this layer reads one {what}; the case has {}", map.len()))),
    }
}

fn graph_tensor(graph: &CaseGraph, device: &Device) -> Result<GraphTensor> {
    let mut states = BTreeMap::new();
    for (name, set) in &graph.node_sets {
        let width = set.hidden_state.first().map_or(0, Vec::len);
        if set.hidden_state.len() != set.size || set.hidden_state.iter().any(|r| r.len() != width) {
            return Err(NslError::Config(format!(
                "node set “{name}”: hidden_state is not {} rows",
                set.size
            )));
        }
        states.insert(name.clone(), matrix(set.hidden_state.concat(), set.size, width, device));
    }
    let edge_sets = graph
        .edge_sets
        .iter()
        .map(|(name, e)| {
            let set = EdgeSet {
                source: e.source.clone(),
                target: e.target.clone(),
                sources: e.source_index.clone(),
                targets: e.target_index.clone(),
                weights: e.weight.clone(),
                ..EdgeSet::default()
            };
            (name.clone(), set)
        })
        .collect();
    GraphTensor::new(states, &edge_sets, device)
}

/// The layer's output for one case.
fn ours(case: &Case, graph: &GraphTensor, weights: &mut WeightSource, device: &Device) -> Result<Tensor<2>> {
    let schema = graph.schema();
    let layer = case.name.split_whitespace().next().unwrap_or_default();
    let updated = |update: GraphUpdate| -> Result<Tensor<2>> {
        let node_set =
            case.output.node_set.as_deref().ok_or_else(|| NslError::Config("no output node set".into()))?;
        Ok(update.forward(graph)?.state(node_set)?.clone())
    };
    match layer {
        "gcn_conv" => {
            let edge_set = only(&graph.edge_sets, "edge set")?;
            Ok(GcnConv::new(&args(case)?, &schema, edge_set, weights, "", device)?
                .convolve(graph, edge_set)?)
        }
        "gat_v2_conv" => {
            let edge_set = only(&graph.edge_sets, "edge set")?;
            Ok(GatV2Conv::new(&args(case)?, &schema, edge_set, weights, "", device)?
                .attend(graph, edge_set)?
                .0)
        }
        "graph_sage_update" => updated(GraphUpdate::graph_sage(&args(case)?, &schema, weights, device)?),
        "vanilla_mpnn" => updated(GraphUpdate::vanilla_mpnn(&args(case)?, &schema, weights, device)?),
        "mt_albis" => updated(GraphUpdate::mt_albis(&args(case)?, &schema, weights, device)?),
        "pool_nodes_to_context" => {
            #[derive(Deserialize)]
            struct Pool {
                reduce_type: ReduceType,
            }
            let Pool { reduce_type } = args(case)?;
            let node_set = only(&graph.states, "node set")?;
            pool_nodes_to_context(graph, node_set, &reduce_type, graph.state(node_set)?.clone())
        }
        other => Err(NslError::Config(format!("no layer “{other}” to replay"))),
    }
}

fn replay(case: &Case, device: &Device) -> Result<CaseResult> {
    let graph = graph_tensor(&case.graph, device)?;
    let given = case
        .weights
        .iter()
        .map(|w| (w.role.clone(), GivenWeight { shape: w.shape.clone(), values: w.values.clone() }))
        .collect();
    let mut weights = WeightSource::given(given);
    let output = ours(case, &graph, &mut weights, device)?;
    weights.finish()?;
    let [rows, cols] = output.dims();
    let expected = &case.output.values;
    let mut check = Check::new("TF-GNN");
    if expected.len() != rows || expected.iter().any(|r| r.len() != cols) {
        check.mismatch(format!(
            "output is {rows} × {cols}; TF-GNN's is {} × {}",
            expected.len(),
            expected.first().map_or(0, Vec::len)
        ));
    } else {
        let what = if case.output.context {
            "context".to_owned()
        } else {
            case.output.node_set.clone().unwrap_or_default()
        };
        for (i, (o, t)) in to_vec(output).iter().zip(expected.concat()).enumerate() {
            check.value(&format!("{what}[{}][{}]", i / cols, i % cols), f64::from(*o), f64::from(t));
        }
    }
    Ok(check.finish(case.name.clone()))
}
