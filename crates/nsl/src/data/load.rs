//! The data a spec names, loaded onto the host: training and test rows and, on graph data, the
//! graph with each training row's neighbors (as `pack_nbrs` picks them).

use super::examples::Examples;
use super::mnist;
use super::neighbors::NeighborTable;
use super::synthesized::synthesize;
use crate::data::planetoid::{Planetoid, SplitKind};
use crate::error::{NslError, Result};
use crate::spec::{DataSpec, ExperimentSpec};

/// Training and test data of an experiment, on the host.
#[derive(Debug, Clone)]
pub struct TrainingData {
    /// Rows trained on.
    pub train: Examples,
    /// Rows evaluated on.
    pub test: Examples,
    /// Graph neighbors of the training rows, with the pool of rows they point into.
    pub graph: Option<GraphNeighbors>,
}

/// The training and test rows of digits, a 2D set, or a node table (a Planetoid directory's or
/// a graph's nodes without their edges, [`Planetoid::rows`]).
pub fn rows(data: &DataSpec) -> Result<(Examples, Examples)> {
    match data {
        DataSpec::Mnist { dir, train, test } => {
            let data = mnist_data(mnist::load_dir(dir)?, *train, *test, &dir.display().to_string())?;
            Ok((data.train, data.test))
        }
        DataSpec::Toy(toy) => Ok(crate::data::toy::generate(toy)),
        DataSpec::Points(points) => Ok(crate::data::toy::from_points(points)),
        DataSpec::Planetoid { dir, .. } => node_table_rows(&Planetoid::load_dir(dir)?),
        DataSpec::Graph { graph } => node_table_rows(&graph.planetoid()?),
        _ => Err(NslError::Config(
            "rows come from digits (mnist), a 2D set (toy) or a node table (planetoid, graph)".into(),
        )),
    }
}

/// A node table's rows ([`Planetoid::rows`]), refused past the rows a graph may be built from.
pub fn node_table_rows(table: &Planetoid) -> Result<(Examples, Examples)> {
    crate::spec::limits::SYNTHESIZED_ROWS.check(table.nodes.len())?;
    Ok(table.rows())
}

/// The graph of graph data: every node, every edge, and the neighbors of each training row.
#[derive(Debug, Clone)]
pub struct GraphNeighbors {
    /// All nodes' features (neighbors may be unlabeled or test nodes).
    pub pool: Examples,
    /// `table.neighbors[i]`: neighbors of training row `i`, indices into `pool` (empty lists
    /// when the regularization takes no neighbors).
    pub table: NeighborTable,
    /// Every edge between `pool` nodes (both directions of an undirected graph).
    pub edges: Vec<(usize, usize, f32)>,
    /// `pool` index of each training row.
    pub train_nodes: Vec<usize>,
}

/// Loads the data `spec` names, with graph neighbors when its regularization needs them.
pub fn load_data(spec: &ExperimentSpec) -> Result<TrainingData> {
    match &spec.data {
        DataSpec::Mnist { .. } | DataSpec::Toy(_) | DataSpec::Points(_) => {
            let (train, test) = rows(&spec.data)?;
            Ok(TrainingData { train, test, graph: None })
        }
        DataSpec::Planetoid { .. } | DataSpec::Graph { .. } | DataSpec::Synthesized(_) => {
            let (graph, undirected) = load_graph(&spec.data)?;
            graph_data(graph, spec, undirected, &data_origin(&spec.data))
        }
        DataSpec::Mag(_) | DataSpec::Motifs(_) => Err(typed_graph_refusal()),
    }
}

/// The graph of graph data (and whether its edges are to be taken in both directions).
pub fn load_graph(data: &DataSpec) -> Result<(Planetoid, bool)> {
    match data {
        DataSpec::Planetoid { dir, undirected } => Ok((Planetoid::load_dir(dir)?, *undirected)),
        DataSpec::Graph { graph } => Ok((graph.planetoid()?, false)),
        DataSpec::Synthesized(built) => {
            let (train, test) = rows(&built.rows)?;
            Ok((synthesize(&train, &test, built)?.graph, true))
        }
        DataSpec::Mnist { .. } | DataSpec::Toy(_) | DataSpec::Points(_) => {
            Err(NslError::Config("this task needs graph data (planetoid or a built-in graph)".into()))
        }
        DataSpec::Mag(_) | DataSpec::Motifs(_) => Err(typed_graph_refusal()),
    }
}

/// Typed graphs (MAG-like, motifs) are not rows or one-node-set graphs: the hetero model
/// generates and reads them itself.
fn typed_graph_refusal() -> NslError {
    NslError::Config("MAG-like and motif data train only the hetero model (model kind \"hetero\")".into())
}

fn data_origin(data: &DataSpec) -> String {
    match data {
        DataSpec::Mnist { dir, .. } | DataSpec::Planetoid { dir, .. } => dir.display().to_string(),
        DataSpec::Graph { graph } => graph.name().into(),
        DataSpec::Toy(_) => "2D set".into(),
        DataSpec::Points(_) => "your own points".into(),
        DataSpec::Mag(_) => "MAG-like graph".into(),
        DataSpec::Motifs(_) => "motif graphs".into(),
        DataSpec::Synthesized(built) => format!("graph built from {}", data_origin(&built.rows)),
    }
}

/// The first `train` digits of `all` for training, the next `test` for testing (MNIST read by
/// the CLI from files, or by the browser from fetched bytes).
pub fn mnist_data(all: Examples, train: usize, test: usize, origin: &str) -> Result<TrainingData> {
    if train + test > all.len() {
        return Err(NslError::Data {
            path: origin.into(),
            reason: format!("{train} train + {test} test images requested, {} present", all.len()),
        });
    }
    let train_idx: Vec<usize> = (0..train).collect();
    let test_idx: Vec<usize> = (train..train + test).collect();
    Ok(TrainingData { train: all.subset(&train_idx), test: all.subset(&test_idx), graph: None })
}

/// Node classification data for the minibatch trainer: the split's train and test nodes, and
/// the graph (every node as the pool neighbors come from, every edge, and each training node's
/// neighbors as `pack_nbrs` picks them for the regularization of `spec`). `undirected` takes
/// each edge in both directions; `origin` names the data in errors.
pub fn graph_data(
    graph: Planetoid,
    spec: &ExperimentSpec,
    undirected: bool,
    origin: &str,
) -> Result<TrainingData> {
    let train_idx = graph.indices(SplitKind::Train);
    let test_idx = graph.indices(SplitKind::Test);
    if train_idx.is_empty() || test_idx.is_empty() {
        return Err(NslError::Data {
            path: origin.into(),
            reason: "the split must name train and test nodes".into(),
        });
    }
    let (train, test) = (graph.nodes.subset(&train_idx), graph.nodes.subset(&test_idx));
    let table = NeighborTable::select(
        &graph.ids,
        &graph.edges,
        &train_idx,
        spec.regularization.max_neighbors(),
        undirected,
    );
    let mut edges = graph.edges;
    if undirected {
        edges.extend(edges.clone().into_iter().map(|(a, b, w)| (b, a, w)));
    }
    let neighbors = GraphNeighbors { table, pool: graph.nodes, edges, train_nodes: train_idx };
    Ok(TrainingData { train, test, graph: Some(neighbors) })
}
