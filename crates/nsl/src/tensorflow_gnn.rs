//! The scale path of a typed-graph experiment: the same experiment as a TensorFlow GNN 1.0
//! program, with its data in the forms TF-GNN reads.
//!
//! - **Node tasks** (MAG-like graphs): the graph in TF-GNN's unigraph format
//!   (`graph/graph_schema.pbtxt` and a TFRecord table per node set and edge set, which TF-GNN's
//!   Beam sampler also reads), loaded into one `GraphTensor`. Full-batch specs train on the
//!   whole graph with TF-GNN's readout structure (`_readout`, `_readout/seed`) on the split's
//!   papers and `runner.NodeMulticlassClassification`; sampled specs also get
//!   `graph/sampling_spec.pbtxt` and train on subgraphs that TF-GNN's in-memory sampler draws
//!   from it, with `runner.RootNodeMulticlassClassification`. Deep Graph Infomax trains beside
//!   the classification as `contrastive_losses.DeepGraphInfomaxTask` with the spec's weight.
//!   Link prediction beside it is `runner.DotProductLinkPrediction` or
//!   `HadamardProductLinkPrediction` on TF-GNN's link readout (`_readout`, `_readout/source`,
//!   `_readout/target`; the classification's readout is then `_readout:nodes`): the tables hold
//!   the graph without the held-out links and `graph/links.tfrecords` the links split as
//!   `nsl train` splits them, with its test non-edges.
//! - **Graph classification** (motif graphs): every graph as a serialized `GraphTensor`
//!   (`graph/graphs-{train,val,test}.tfrecords`) read by `runner.TFRecordDatasetProvider`, and
//!   `runner.GraphMulticlassClassification` with the spec's read-out.
//!
//! The model is the spec's: every read node set's features projected by `relu(x W + b)` (a
//! `MapFeatures`), then `rounds` of `MtAlbisGraphUpdate` with the spec's settings, of
//! `GCNConv` over one edge set, or of dense layers (the MLP); the task adds the linear head.

use std::fmt::Write;

use nsl_graph::datasets::{mag, motifs};
use nsl_graph::io::tfgnn;
use nsl_graph::io::tfrecord;
use nsl_graph::sample::{SamplingSpec, SamplingStrategy};
use nsl_graph::typed::{Feature, LABEL, SPLIT, SplitKind};

use crate::config::tfgnn::{
    AttentionType, Combine, HeteroModel, MtAlbisConfig, NextStateType, Normalization, Tag,
};
use crate::error::{NslError, Result};
use crate::gnn::hetero::link_task::LinkHoldout;
use crate::spec::{
    DataSpec, ExperimentSpec, HeteroSampling, LinkPredictionSpec, LinkScore, ModelSpec, TaskSpec,
};

/// Directory (beside the program) of the exported data.
pub const DATA_DIR: &str = "graph";

/// The link table of a run with link prediction beside the classification: a `tf.Example`
/// per pair (`source`, `target` node rows; `label` 1 for a link, 0 for a non-edge; `split`).
pub const LINKS_FILE: &str = "links.tfrecords";

/// The sampling spec's file (sampled specs).
pub const SAMPLING_SPEC_FILE: &str = "sampling_spec.pbtxt";

/// The files of a graph set's split.
pub fn graphs_file(split: SplitKind) -> String {
    format!("graphs-{}.tfrecords", split.as_str())
}

fn graph_error(e: nsl_graph::GraphError) -> NslError {
    NslError::Config(format!("exporting the graph: {e}"))
}

/// The parts of a typed-graph spec the export reads.
struct Parts<'a> {
    model: &'a HeteroModel,
    node_set: &'a str,
    hidden: usize,
    rounds: usize,
    readout: String,
    sampling: Option<&'a HeteroSampling>,
}

fn parts(spec: &ExperimentSpec) -> Result<Parts<'_>> {
    let ModelSpec::Hetero { encoder, readout, sampling } = &spec.model else {
        return Err(NslError::Config("only typed-graph (hetero) specs export to TF-GNN".into()));
    };
    let hidden = match &encoder.model {
        HeteroModel::MtAlbis(mt) => mt.units,
        _ => encoder.hidden,
    };
    Ok(Parts {
        model: &encoder.model,
        node_set: &encoder.node_set,
        hidden,
        rounds: encoder.rounds,
        readout: readout.to_string(),
        sampling: sampling.as_ref(),
    })
}

/// The data files of `spec`'s program, under [`DATA_DIR`].
pub fn data_files(spec: &ExperimentSpec) -> Result<Vec<(String, Vec<u8>)>> {
    spec.validate()?;
    let parts = parts(spec)?;
    let files = match &spec.data {
        DataSpec::Mag(m) => {
            let mut graph = mag::generate(m).map_err(graph_error)?;
            let mut links = None;
            if let Some(task) = spec.task.link_prediction() {
                let holdout = LinkHoldout::new(&graph, &task.edge_set, task.test_fraction, spec.seed)?;
                links = Some(links_table(&holdout));
                graph = holdout.graph;
            }
            let mut files = tfgnn::unigraph(&graph).map_err(graph_error)?;
            files.extend(links.map(|table| (LINKS_FILE.to_string(), table)));
            if let Some(sampling) = parts.sampling {
                files.push((SAMPLING_SPEC_FILE.into(), sampling_spec(&sampling.spec).into_bytes()));
            }
            files
        }
        DataSpec::Motifs(m) => {
            let set = motifs::generate(m).map_err(graph_error)?;
            let labelled = |i: usize| {
                let mut graph = set.graphs[i].clone();
                graph.context.insert(LABEL.into(), Feature::Int { values: vec![i64::from(set.labels[i])] });
                graph
            };
            let first = labelled(0);
            let mut files = vec![(
                tfgnn::SCHEMA_FILE.to_string(),
                tfgnn::schema(&first, false).map_err(graph_error)?.into_bytes(),
            )];
            for split in [SplitKind::Train, SplitKind::Val, SplitKind::Test] {
                let examples = set
                    .indices(split)
                    .into_iter()
                    .map(|i| tfgnn::graph_tensor_example(&labelled(i as usize)))
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(graph_error)?;
                files.push((graphs_file(split), tfrecord::write_examples(&examples)));
            }
            files
        }
        _ => return Err(NslError::Config("only typed graphs (MAG-like, motifs) export to TF-GNN".into())),
    };
    Ok(files.into_iter().map(|(name, bytes)| (format!("{DATA_DIR}/{name}"), bytes)).collect())
}

/// The links of `holdout` as a TFRecord table: the training links, then the held-out links
/// and the test non-edges.
fn links_table(holdout: &LinkHoldout) -> Vec<u8> {
    let row = |(source, target): (u32, u32), label: f32, split: &str| {
        tfrecord::Example::new(
            [
                ("source", tfrecord::Feature::ints(vec![i64::from(source)])),
                ("target", tfrecord::Feature::ints(vec![i64::from(target)])),
                ("label", tfrecord::Feature::floats(vec![label])),
                ("split", tfrecord::Feature::bytes([split])),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect(),
        )
    };
    let train = holdout.train.iter().map(|&l| row(l, 1.0, "train"));
    let test = holdout.test.iter().map(|&l| row(l, 1.0, "test"));
    let negatives = holdout.test_negatives.iter().map(|&l| row(l, 0.0, "test"));
    let examples: Vec<tfrecord::Example> = train.chain(test).chain(negatives).collect();
    tfrecord::write_examples(&examples)
}

/// A TF-GNN `SamplingSpec` as a text proto.
pub fn sampling_spec(spec: &SamplingSpec) -> String {
    let mut out = String::from(
        "# proto-file: tensorflow_gnn/sampler/sampling_spec.proto\n# proto-message: SamplingSpec\n\n",
    );
    let _ = writeln!(
        out,
        "seed_op {{\n  op_name: {:?}\n  node_set_name: {:?}\n}}",
        spec.seed_op.op_name, spec.seed_op.node_set_name
    );
    for op in &spec.sampling_ops {
        let _ = writeln!(out, "sampling_ops {{\n  op_name: {:?}", op.op_name);
        for input in &op.input_op_names {
            let _ = writeln!(out, "  input_op_names: {input:?}");
        }
        let strategy = match op.strategy {
            SamplingStrategy::RandomUniform => "RANDOM_UNIFORM",
            SamplingStrategy::TopK => "TOP_K",
        };
        let _ = writeln!(
            out,
            "  edge_set_name: {:?}\n  sample_size: {}\n  strategy: {strategy}\n}}",
            op.edge_set_name, op.sample_size
        );
    }
    out
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn py_names(names: &Option<Vec<String>>) -> String {
    names.as_ref().map_or("None".into(), |n| format!("{n:?}"))
}

/// `MtAlbisGraphUpdate(…)` with every setting of `mt`, as TF-GNN spells it.
fn mt_albis_call(mt: &MtAlbisConfig) -> String {
    let tag = match mt.receiver_tag {
        Tag::Source => "tfgnn.SOURCE",
        Tag::Target => "tfgnn.TARGET",
    };
    let attention = match mt.attention_type {
        AttentionType::None => "none",
        AttentionType::MultiHead => "multi_head",
        AttentionType::GatV2 => "gat_v2",
    };
    let normalization = match mt.normalization_type {
        Normalization::None => "none",
        Normalization::Layer => "layer",
        Normalization::Batch => "batch",
    };
    let next_state = match mt.next_state_type {
        NextStateType::Dense => "dense",
        NextStateType::Residual => "residual",
    };
    let combine = match mt.edge_set_combine_type {
        Combine::Concat => "concat",
        Combine::Sum => "sum",
    };
    format!(
        r#"mt_albis.MtAlbisGraphUpdate(
            units={units},
            message_dim={message},
            receiver_tag={tag},
            node_set_names={node_sets},
            attention_type="{attention}",
            attention_edge_set_names={attention_sets},
            attention_num_heads={heads},
            simple_conv_reduce_type="{reduce}",
            simple_conv_use_receiver_state={receiver},
            state_dropout_rate={state_dropout:?},
            edge_dropout_rate={edge_dropout:?},
            l2_regularization={l2:?},
            normalization_type="{normalization}",
            batch_normalization_momentum={momentum:?},
            next_state_type="{next_state}",
            edge_set_combine_type="{combine}",
        )"#,
        units = mt.units,
        message = mt.message_dim,
        node_sets = py_names(&mt.node_set_names),
        attention_sets = py_names(&mt.attention_edge_set_names),
        heads = mt.attention_num_heads,
        reduce = mt.simple_conv_reduce_type,
        receiver = py_bool(mt.simple_conv_use_receiver_state),
        state_dropout = mt.state_dropout_rate,
        edge_dropout = mt.edge_dropout_rate,
        l2 = mt.l2_regularization,
        momentum = mt.batch_normalization_momentum,
    )
}

/// `model_fn` (and the helper its rounds call): the spec's encoder as Keras layers.
fn model_fn(parts: &Parts<'_>, node_sets: &[String]) -> String {
    let (reads, round, what) = match parts.model {
        HeteroModel::Mlp => (
            vec![parts.node_set.to_string()],
            "tfgnn.keras.layers.MapFeatures(node_sets_fn=dense_on_classified)".to_string(),
            "dense layers on the classified node set alone (no message passing)".to_string(),
        ),
        HeteroModel::Gcn { edge_set } => (
            vec![parts.node_set.to_string()],
            format!(
                r#"tfgnn.keras.layers.GraphUpdate(
            node_sets={{
                NODE_SET: tfgnn.keras.layers.NodeSetUpdate(
                    {{{edge_set:?}: gcn.GCNConv(HIDDEN, activation="relu", add_self_loops=True, degree_normalization="in_out")}},
                    tfgnn.keras.layers.SingleInputNextState(),
                )
            }}
        )"#
            ),
            format!("GCN convolutions over the edge set {edge_set:?} alone"),
        ),
        HeteroModel::MtAlbis(mt) => {
            (node_sets.to_vec(), mt_albis_call(mt), "MtAlbis graph updates over every edge set".to_string())
        }
    };
    let mut s = String::new();
    let _ = writeln!(s, "READ = {reads:?}  # node sets whose features the model reads\n");
    if matches!(parts.model, HeteroModel::Mlp) {
        s.push_str(
            r#"
def dense_on_classified(node_set, *, node_set_name):
    """One dense ReLU layer on the classified node set's state; other node sets pass through."""
    if node_set_name != NODE_SET:
        return None
    return tf.keras.layers.Dense(HIDDEN, "relu")(node_set[tfgnn.HIDDEN_STATE])

"#,
        );
    }
    let _ = writeln!(
        s,
        r#"
def model_fn(graph_spec):
    """The spec's encoder: every node set in READ projected to HIDDEN units (relu(x W + b)),
    then ROUNDS rounds of {what}. The task adds the linear head."""

    def project(node_set, *, node_set_name):
        if node_set_name not in READ:
            return {{}}
        return tf.keras.layers.Dense(HIDDEN, "relu")(node_set[FEATURES])

    inputs = tf.keras.layers.Input(type_spec=graph_spec)
    graph = tfgnn.keras.layers.MapFeatures(node_sets_fn=project)(inputs)
    for _ in range(ROUNDS):
        graph = {round}(graph)
    return tf.keras.Model(inputs, graph)"#
    );
    s
}

/// The program's tasks beside the classification (`EXTRA_TASKS`), their loss weights, and
/// where the classification reads its nodes out (`NODE_READOUT`: link prediction takes
/// TF-GNN's default readout node set, `_readout`, for its pairs).
fn extra_tasks(task: &TaskSpec) -> String {
    let classification_weight = task.classification_weight();
    let mut s = String::new();
    let (mut tasks, mut weights) =
        (Vec::new(), vec![format!("\"classification\": {classification_weight:?}")]);
    if let Some(weight) = task.dgi_weight() {
        // TF-GNN 1.0.3 gives Keras one loss weight per task, which Keras pairs with the model's
        // outputs in the order of their sorted names; DGI has two outputs (its predictions and a
        // zero-loss pass-through of the representations), so its name must sort last for every
        // weight to land on its own task's output.
        s.push_str(
            "# Deep Graph Infomax beside the classification, its loss weighted as the spec says (its\n\
             # name sorts last: Keras pairs the per-task loss weights with the outputs in name order,\n\
             # and DGI has two outputs).\n",
        );
        tasks.push(
            "\"unsupervised_dgi\": contrastive_losses.DeepGraphInfomaxTask(NODE_SET, seed=SEED)".to_string(),
        );
        weights.push(format!("\"unsupervised_dgi\": {weight:?}"));
    }
    match task.link_prediction() {
        Some(LinkPredictionSpec { edge_set, weight, score, .. }) => {
            let runner_task = match score {
                LinkScore::DotProduct => "DotProductLinkPrediction",
                LinkScore::HadamardProduct => "HadamardProductLinkPrediction",
            };
            let _ = writeln!(
                s,
                "# Link prediction on {edge_set:?} beside the classification: LINKS_FILE holds its\n\
                 # training links and the held-out ones with as many non-edges, as `nsl train` splits them.\n\
                 LINK_EDGE_SET = {edge_set:?}\nLINKS_FILE = {LINKS_FILE:?}\nNODE_READOUT = \"_readout:nodes\""
            );
            tasks.push(format!("\"links\": runner.{runner_task}()"));
            weights.push(format!("\"links\": {weight:?}"));
        }
        None => s.push_str("LINK_EDGE_SET = None\nNODE_READOUT = \"_readout\"\n"),
    }
    let weights = if tasks.is_empty() { "None".to_string() } else { format!("{{{}}}", weights.join(", ")) };
    let _ = writeln!(s, "EXTRA_TASKS = {{{}}}\nLOSS_WEIGHTS = {weights}", tasks.join(", "));
    s
}

/// What a program trains: a node task on the whole graph or on sampled subgraphs, or a graph
/// task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    FullBatch,
    Sampled,
    Graphs,
}

/// How the program's docstring says to scale it out.
fn scale_out(kind: Kind) -> String {
    let schema = tfgnn::SCHEMA_FILE;
    let beam = format!(
        "    python -m tensorflow_gnn.experimental.sampler.beam.sampler \\\n        \
         --graph_schema {DATA_DIR}/{schema} --sampling_spec {DATA_DIR}/{SAMPLING_SPEC_FILE} \\\n        \
         --output_samples samples.tfrecords --runner DataflowRunner"
    );
    match kind {
        Kind::Sampled => format!(
            "To outgrow one machine, keep model_fn and the task and let TF-GNN's Beam sampler draw\n\
             the subgraphs from the unigraph tables and the sampling spec as they are\n{beam}\n\
             then feed runner.run from runner.TFRecordDatasetProvider(\"samples.tfrecords*\")\n\
             under a distribution strategy (see trainer())."
        ),
        Kind::FullBatch => format!(
            "To outgrow one machine, train on sampled subgraphs instead of the whole graph: write\n\
             a {SAMPLING_SPEC_FILE} (tfgnn.sampler.SamplingSpecBuilder; `nsl export` writes one for\n\
             sampled specs), let TF-GNN's Beam sampler draw them from the unigraph tables as they are\n{beam}\n\
             and feed runner.run from runner.TFRecordDatasetProvider(\"samples.tfrecords*\") with\n\
             runner.RootNodeMulticlassClassification, under a distribution strategy (see trainer())."
        ),
        Kind::Graphs => "To outgrow one machine, keep model_fn and the task: the graphs are serialized\n\
             GraphTensors already, which runner.TFRecordDatasetProvider reads from any file system\n\
             (gs:// included) under a distribution strategy (see trainer())."
            .to_string(),
    }
}

/// The Python program that reruns a typed-graph `spec` with TensorFlow GNN 1.0 (its data from
/// [`data_files`] beside it).
pub fn program(spec: &ExperimentSpec) -> Result<String> {
    spec.validate()?;
    let parts = parts(spec)?;
    let name = if spec.name.is_empty() { "experiment" } else { &spec.name };
    let (kind, node_sets, classes) = match (&spec.data, &spec.task) {
        (DataSpec::Mag(m), TaskSpec::Classification | TaskSpec::Joint { .. }) => {
            let mut names: Vec<String> = [mag::PAPER, mag::AUTHOR, mag::INSTITUTION, mag::FIELD]
                .iter()
                .map(|n| n.to_string())
                .collect();
            names.sort();
            let kind = if parts.sampling.is_some() { Kind::Sampled } else { Kind::FullBatch };
            (kind, names, m.venues)
        }
        (DataSpec::Motifs(_), TaskSpec::GraphClassification) => {
            (Kind::Graphs, vec![nsl_graph::typed::NODES.to_string()], motifs::CLASSES.len())
        }
        _ => return Err(NslError::Config("this typed-graph task has no TF-GNN export".into())),
    };
    let dgi_weight = spec.task.dgi_weight();
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#""""{name}: exported from NSL Playground — the same experiment as a TensorFlow GNN 1.0 program.

    pip install "tensorflow==2.15.*" "tensorflow-gnn==1.0.3"
    python {name}.py             # trains as the spec says and prints the test accuracy
    python {name}.py --steps 2   # two training steps only: checks that everything fits

The data is in {DATA_DIR}/ beside this file, described by {DATA_DIR}/{schema}.
{scale}
""""#,
        schema = tfgnn::SCHEMA_FILE,
        scale = scale_out(kind),
    );
    s.push_str("import argparse\nimport os\nimport tempfile\n\nimport tensorflow as tf\nimport tensorflow_gnn as tfgnn\n");
    if kind == Kind::Sampled {
        s.push_str("from google.protobuf import text_format\n");
    }
    s.push_str("from tensorflow_gnn import runner\n");
    if kind == Kind::Sampled {
        s.push_str("from tensorflow_gnn.experimental import sampler\n");
    }
    let module = match parts.model {
        HeteroModel::Mlp => None,
        HeteroModel::Gcn { .. } => Some("gcn"),
        HeteroModel::MtAlbis(_) => Some("mt_albis"),
    };
    let links = spec.task.link_prediction();
    let mut models: Vec<&str> = module.into_iter().collect();
    if dgi_weight.is_some() {
        models.push("contrastive_losses");
    }
    models.sort_unstable();
    for model in models {
        let _ = writeln!(s, "from tensorflow_gnn.models import {model}");
    }
    let _ = writeln!(
        s,
        "\nNAME = {name:?}\nSEED = {seed}\nEPOCHS = {epochs}\nLEARNING_RATE = {lr:?}",
        seed = spec.seed,
        epochs = spec.epochs,
        lr = spec.optimizer.learning_rate,
    );
    match (kind, parts.sampling) {
        (Kind::Sampled, Some(sampling)) => {
            let _ = writeln!(s, "BATCH_SIZE = {}  # sampled roots per step", sampling.batch_size);
        }
        (Kind::Graphs, _) => {
            let _ = writeln!(s, "BATCH_SIZE = {}  # graphs per step", spec.optimizer.batch_size);
        }
        _ => {}
    }
    let role = if kind == Kind::Graphs { "pooled into each graph's context" } else { "classified" };
    let _ = writeln!(
        s,
        "NODE_SET = {node_set:?}  # {role}\nNUM_CLASSES = {classes}\nHIDDEN = {hidden}\nROUNDS = {rounds}",
        node_set = parts.node_set,
        hidden = parts.hidden,
        rounds = parts.rounds,
    );
    if kind == Kind::Graphs {
        let _ = writeln!(s, "READOUT = {:?}  # how NODE_SET pools into the context", parts.readout);
    }
    let _ = writeln!(s, "FEATURES, LABEL, SPLIT = {:?}, {LABEL:?}, {SPLIT:?}", nsl_graph::typed::FEATURES);
    if kind != Kind::Graphs {
        s.push_str(&extra_tasks(&spec.task));
    }
    let _ = writeln!(
        s,
        "GRAPH_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), {DATA_DIR:?})\n\
         SCHEMA = tfgnn.read_schema(os.path.join(GRAPH_DIR, {:?}))\n",
        tfgnn::SCHEMA_FILE
    );
    s.push_str(&model_fn(&parts, &node_sets));
    s.push_str(COMMON);
    match kind {
        Kind::FullBatch => {
            s.push_str(NODE_TABLES);
            if links.is_some() {
                s.push_str(NODE_LINKS);
            }
            s.push_str(NODE_FULL_BATCH);
        }
        Kind::Sampled => {
            s.push_str(NODE_TABLES);
            s.push_str(NODE_SAMPLED);
        }
        Kind::Graphs => s.push_str(GRAPHS),
    }
    s.push_str("\n\nif __name__ == \"__main__\":\n    main()\n");
    Ok(s)
}

const COMMON: &str = include_str!("tensorflow_gnn/common.py");
const NODE_TABLES: &str = include_str!("tensorflow_gnn/node_tables.py");
const NODE_FULL_BATCH: &str = include_str!("tensorflow_gnn/node_full_batch.py");
const NODE_LINKS: &str = include_str!("tensorflow_gnn/node_links.py");
const NODE_SAMPLED: &str = include_str!("tensorflow_gnn/node_sampled.py");
const GRAPHS: &str = include_str!("tensorflow_gnn/graphs.py");

#[cfg(test)]
mod tests {
    use nsl_graph::io::tfrecord::read_examples;

    use super::*;
    use crate::config::tfgnn::ReduceType;
    use crate::spec::builtin::builtin;

    fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
        &files.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name}")).1
    }

    #[test]
    fn mt_albis_settings_pass_through_unchanged() {
        let mut spec = builtin("mag-mtalbis", None, 4).unwrap();
        let ModelSpec::Hetero { encoder, .. } = &mut spec.model else { unreachable!() };
        let HeteroModel::MtAlbis(mt) = &mut encoder.model else { unreachable!() };
        mt.attention_type = AttentionType::GatV2;
        mt.simple_conv_reduce_type = "mean|sum".parse::<ReduceType>().unwrap();
        mt.normalization_type = Normalization::Batch;
        mt.next_state_type = NextStateType::Residual;
        mt.edge_set_combine_type = Combine::Sum;
        mt.l2_regularization = 0.001;
        mt.receiver_tag = Tag::Source;
        let program = program(&spec).unwrap();
        for expected in [
            "SEED = 4",
            "attention_type=\"gat_v2\"",
            "simple_conv_reduce_type=\"mean|sum\"",
            "normalization_type=\"batch\"",
            "next_state_type=\"residual\"",
            "edge_set_combine_type=\"sum\"",
            "l2_regularization=0.001",
            "receiver_tag=tfgnn.SOURCE",
            "READ = [\"author\", \"field_of_study\", \"institution\", \"paper\"]",
            "runner.NodeMulticlassClassification(",
            "num_classes=NUM_CLASSES, label_fn=node_labels, readout_node_set=NODE_READOUT",
            "NODE_READOUT = \"_readout\"",
            "EXTRA_TASKS = {}",
        ] {
            assert!(program.contains(expected), "{expected} not in\n{program}");
        }
        assert!(!program.contains("gcn.GCNConv(HIDDEN"), "MtAlbis only");
    }

    #[test]
    fn each_model_and_task_has_its_layers_and_runner_task() {
        let gcn = program(&builtin("mag-gcn", None, 0).unwrap()).unwrap();
        assert!(
            gcn.contains("{\"cites\": gcn.GCNConv(HIDDEN, activation=\"relu\", add_self_loops=True"),
            "{gcn}"
        );
        assert!(gcn.contains("READ = [\"paper\"]"));
        let mlp = program(&builtin("mag-mlp", None, 0).unwrap()).unwrap();
        assert!(
            mlp.contains("graph = tfgnn.keras.layers.MapFeatures(node_sets_fn=dense_on_classified)(graph)")
        );
        let dgi = program(&builtin("mag-mtalbis-dgi", None, 0).unwrap()).unwrap();
        assert!(dgi.contains("contrastive_losses.DeepGraphInfomaxTask(NODE_SET, seed=SEED)"));
        assert!(dgi.contains("LOSS_WEIGHTS = {\"classification\": 1.0, \"unsupervised_dgi\": 0.1}"), "{dgi}");
        let sampled = program(&builtin("mag-mtalbis-sampled", None, 0).unwrap()).unwrap();
        assert!(
            sampled.contains("runner.RootNodeMulticlassClassification(")
                && sampled.contains("BATCH_SIZE = 64")
        );
        let graphs = program(&builtin("motifs-mtalbis", None, 0).unwrap()).unwrap();
        assert!(
            graphs.contains("runner.GraphMulticlassClassification(") && graphs.contains("READOUT = \"sum\"")
        );
        assert!(graphs.contains("NODE_SET = \"nodes\"") && graphs.contains("NUM_CLASSES = 3"));
        let refused = program(&builtin("cora-gcn", None, 0).unwrap()).unwrap_err();
        assert!(refused.to_string().contains("typed-graph"), "{refused}");
    }

    #[test]
    fn node_tasks_export_the_unigraph_and_the_sampling_spec() {
        let spec = builtin("mag-mtalbis-sampled", None, 0).unwrap();
        let files = data_files(&spec).unwrap();
        let DataSpec::Mag(m) = &spec.data else { unreachable!() };
        let papers = read_examples("papers", file(&files, "graph/nodes-paper.tfrecords")).unwrap();
        assert_eq!(papers.len(), m.papers);
        let graph = mag::generate(m).unwrap();
        let cites = read_examples("cites", file(&files, "graph/edges-cites.tfrecords")).unwrap();
        assert_eq!(cites.len(), graph.edge_sets[mag::CITES].len());
        let schema = String::from_utf8(file(&files, "graph/graph_schema.pbtxt").to_vec()).unwrap();
        assert!(schema.contains("metadata { filename: \"edges-affiliated_with.tfrecords\" }"), "{schema}");
        let sampling = String::from_utf8(file(&files, "graph/sampling_spec.pbtxt").to_vec()).unwrap();
        assert!(
            sampling.contains("seed_op {\n  op_name: \"seed\"\n  node_set_name: \"paper\"\n}"),
            "{sampling}"
        );
        assert!(sampling.contains(
            "  op_name: \"institutions\"\n  input_op_names: \"authors\"\n  edge_set_name: \"affiliated_with\""
        ));
        let full = data_files(&builtin("mag-mtalbis", None, 0).unwrap()).unwrap();
        assert!(full.iter().all(|(n, _)| !n.ends_with(SAMPLING_SPEC_FILE)), "full batch: no sampling spec");
    }

    #[test]
    fn graph_sets_export_one_serialized_graph_tensor_per_graph_and_split() {
        let spec = builtin("motifs-mtalbis", None, 0).unwrap();
        let DataSpec::Motifs(m) = &spec.data else { unreachable!() };
        let set = motifs::generate(m).unwrap();
        let files = data_files(&spec).unwrap();
        for split in [SplitKind::Train, SplitKind::Val, SplitKind::Test] {
            let examples =
                read_examples("g", file(&files, &format!("graph/{}", graphs_file(split)))).unwrap();
            let indices = set.indices(split);
            assert_eq!(examples.len(), indices.len());
            let first = &set.graphs[indices[0] as usize];
            let label = tfrecord::Values::Int64(tfrecord::Int64List {
                value: vec![i64::from(set.labels[indices[0] as usize])],
            });
            assert_eq!(examples[0].get("context/label"), Some(&label));
            let size = tfrecord::Values::Int64(tfrecord::Int64List {
                value: vec![first.node_sets["nodes"].size as i64],
            });
            assert_eq!(examples[0].get("nodes/nodes.#size"), Some(&size));
        }
        let schema = String::from_utf8(file(&files, "graph/graph_schema.pbtxt").to_vec()).unwrap();
        assert!(
            schema.starts_with("# proto-file")
                && schema.contains("context {\n  features {\n    key: \"label\""),
            "{schema}"
        );
        assert!(!schema.contains("metadata"), "serialized GraphTensors need no table files");
    }
}
