//! A graph on the device, by name: the hidden state of every node set, the incidence of every
//! edge set, and which component (graph of a batch) each node belongs to — what TF-GNN's layers
//! read from a `GraphTensor`. The host checks every index once, here; layers then gather and
//! scatter without checking.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use burn::tensor::{Device, Int, Tensor};
use nsl_graph::GraphBatch;
use nsl_graph::typed::{EdgeSet, Graph};

use crate::config::tfgnn::Tag;
use crate::error::{NslError, Result};
use crate::model::NodeInput;
use crate::tensor::{labels, matrix};

/// One end of an edge set: each edge's node there, and what pooling to that end needs. The
/// same structure maps a node set's nodes to the graph's components (nodes in the place of
/// edges, components in the place of nodes), for pooling to the context.
#[derive(Debug, Clone)]
pub struct Incidence {
    /// The node set at this end.
    pub node_set: String,
    /// Its number of nodes.
    pub size: usize,
    /// Each edge's node: `[edges]`.
    pub index: Tensor<1, Int>,
    /// Edges ending at each node: `[size, 1]`.
    pub count: Tensor<2>,
    /// Each edge's node, on the host (what the padded slots are built from).
    host: Arc<Vec<u32>>,
    /// The padded slots, built the first time a maximum or softmax asks (sums never do, and
    /// padding to the largest degree is the one cost here that grows with a hub's degree);
    /// shared by every copy of the graph.
    slots: Arc<OnceLock<Slots>>,
}

/// Each node's edges padded to the largest degree, padding pointing one past the last edge.
#[derive(Debug, Clone)]
pub struct Slots {
    /// `[size · width]` edge indices (the segment maximum gathers through them).
    pub index: Tensor<1, Int>,
    /// Slots per node (at least 1).
    pub width: usize,
}

impl Incidence {
    fn new(node_set: &str, size: usize, index: &[u32], device: &Device) -> Self {
        let mut count = vec![0.0f32; size];
        for &node in index {
            count[node as usize] += 1.0;
        }
        Self {
            node_set: node_set.to_owned(),
            size,
            index: labels(index, device),
            count: matrix(count, size, 1, device),
            host: Arc::new(index.to_vec()),
            slots: Arc::new(OnceLock::new()),
        }
    }

    /// Each node's edges padded to the largest degree.
    pub fn slots(&self) -> &Slots {
        self.slots.get_or_init(|| {
            let mut lists: Vec<Vec<u32>> = vec![Vec::new(); self.size];
            for (edge, &node) in self.host.iter().enumerate() {
                lists[node as usize].push(edge as u32);
            }
            let width = lists.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let padding = self.host.len() as u32;
            let mut slots = Vec::with_capacity(self.size * width);
            for list in &lists {
                slots.extend(list);
                slots.extend(std::iter::repeat_n(padding, width - list.len()));
            }
            Slots { index: labels(&slots, &self.index.device()), width }
        })
    }
}

/// An edge set on the device.
#[derive(Debug, Clone)]
pub struct EdgeSetTensor {
    /// Number of edges.
    pub edges: usize,
    /// The source end.
    pub source: Incidence,
    /// The target end.
    pub target: Incidence,
    /// Edge weights `[edges, 1]`, if the edge set has them.
    pub weight: Option<Tensor<2>>,
    /// Tensors derived from the structure alone (GCN's degree normalisation), by what they
    /// are: computed once, by the first layer that asks, and shared by every copy of the graph.
    derived: Arc<Mutex<BTreeMap<String, Vec<Option<Tensor<2>>>>>>,
}

impl EdgeSetTensor {
    /// The tensors derived from this edge set's structure under `key`, made by `make` the
    /// first time. They hold no trainable weight: a layer that reads them on every step pays
    /// for them once.
    pub fn derived(
        &self,
        key: &str,
        make: impl FnOnce() -> Vec<Option<Tensor<2>>>,
    ) -> Vec<Option<Tensor<2>>> {
        let mut cache = self.derived.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.entry(key.to_owned()).or_insert_with(make).clone()
    }

    /// The end named by `tag`.
    pub fn end(&self, tag: Tag) -> &Incidence {
        match tag {
            Tag::Source => &self.source,
            Tag::Target => &self.target,
        }
    }
}

/// Node-set widths and edge-set endpoints: what building a layer needs to know of a graph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// Width of each node set's state.
    pub node_sets: BTreeMap<String, usize>,
    /// `(source, target)` node set of each edge set.
    pub edge_sets: BTreeMap<String, (String, String)>,
}

impl Schema {
    /// The node set at the `tag` end of `edge_set`.
    pub fn end(&self, edge_set: &str, tag: Tag) -> Result<&str> {
        let (source, target) = self
            .edge_sets
            .get(edge_set)
            .ok_or_else(|| NslError::Config(format!("the graph has no edge set “{edge_set}”")))?;
        Ok(match tag {
            Tag::Source => source,
            Tag::Target => target,
        })
    }

    /// Width of `node_set`'s state.
    pub fn width(&self, node_set: &str) -> Result<usize> {
        self.node_sets
            .get(node_set)
            .copied()
            .ok_or_else(|| NslError::Config(format!("the graph has no node set “{node_set}”")))
    }

    /// The edge sets whose `receiver` end is `node_set`, in name order (the order TF-GNN
    /// concatenates their pooled messages in).
    pub fn incoming(&self, node_set: &str, receiver: Tag) -> Vec<&str> {
        self.edge_sets
            .iter()
            .filter(|(_, (source, target))| match receiver {
                Tag::Source => source == node_set,
                Tag::Target => target == node_set,
            })
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// The node sets an update changes: `names` if given (each checked), else every node set
    /// that receives at least one edge set, in name order.
    pub fn receivers(&self, names: Option<&[String]>, receiver: Tag) -> Result<Vec<String>> {
        match names {
            Some(names) => {
                for name in names {
                    self.width(name)?;
                    if self.incoming(name, receiver).is_empty() {
                        return Err(NslError::Config(format!("node set “{name}” receives no edge set")));
                    }
                }
                Ok(names.to_vec())
            }
            None => Ok(self
                .node_sets
                .keys()
                .filter(|name| !self.incoming(name, receiver).is_empty())
                .cloned()
                .collect()),
        }
    }
}

/// A graph on the device: node-set states, edge sets and components, by name.
///
/// A state is a [`NodeInput`]: hidden states are dense, while a node set's raw features may
/// stay sparse (Cora's bag of words), so that a layer whose first step is a dense projection
/// multiplies only the non-zeros ([`Dense::project`](super::dense::Dense::project)).
#[derive(Debug, Clone)]
pub struct GraphTensor {
    /// Each node set's state `[size, width]`.
    pub states: BTreeMap<String, NodeInput>,
    /// Each edge set.
    pub edge_sets: BTreeMap<String, EdgeSetTensor>,
    /// Each node set's nodes by component (its `size` is the number of components).
    pub components: BTreeMap<String, Incidence>,
    /// Each node set's number of nodes.
    sizes: BTreeMap<String, usize>,
}

impl GraphTensor {
    /// Uploads `edge_sets` beside the given node-set states as one component, checking that
    /// every edge set joins node sets that have states and every index is in range.
    pub fn new(
        states: BTreeMap<String, Tensor<2>>,
        edge_sets: &BTreeMap<String, EdgeSet>,
        device: &Device,
    ) -> Result<Self> {
        let node_components = states.iter().map(|(name, s)| (name.clone(), vec![0; s.dims()[0]])).collect();
        Self::with_components(states, edge_sets, 1, &node_components, device)
    }

    /// [`GraphTensor::new`] for a graph of `components` components, `node_components` giving
    /// each node's.
    pub fn with_components(
        states: BTreeMap<String, Tensor<2>>,
        edge_sets: &BTreeMap<String, EdgeSet>,
        components: usize,
        node_components: &BTreeMap<String, Vec<u32>>,
        device: &Device,
    ) -> Result<Self> {
        let sizes = states.iter().map(|(name, s)| (name.clone(), s.dims()[0])).collect();
        let inputs = states.into_iter().map(|(name, s)| (name, NodeInput::Dense(s))).collect();
        Self::structure(&sizes, edge_sets, components, node_components, device)?.with_inputs(inputs)
    }

    /// The graph's structure without states: node sets of the given sizes, `edge_sets` between
    /// them and each node's component, all checked and uploaded once; states come later by
    /// [`GraphTensor::with_inputs`] (a model that runs on the same graph at every step).
    pub fn structure(
        sizes: &BTreeMap<String, usize>,
        edge_sets: &BTreeMap<String, EdgeSet>,
        components: usize,
        node_components: &BTreeMap<String, Vec<u32>>,
        device: &Device,
    ) -> Result<Self> {
        let mut by_component = BTreeMap::new();
        for (name, &nodes) in sizes {
            let index = node_components
                .get(name)
                .ok_or_else(|| NslError::Config(format!("node set “{name}” has no components")))?;
            if index.len() != nodes || index.iter().any(|&c| c as usize >= components) {
                return Err(NslError::Config(format!(
                    "node set “{name}”: {} component indices for {nodes} nodes in {components} components",
                    index.len(),
                )));
            }
            by_component.insert(name.clone(), Incidence::new(name, components, index, device));
        }
        let size = |name: &str, edge_set: &str| {
            sizes.get(name).copied().ok_or_else(|| {
                NslError::Config(format!(
                    "edge set “{edge_set}” joins node set “{name}”, which the graph does not have"
                ))
            })
        };
        let mut uploaded = BTreeMap::new();
        for (name, set) in edge_sets {
            let (sources, targets) = (size(&set.source, name)?, size(&set.target, name)?);
            if set.sources.len() != set.targets.len() {
                return Err(NslError::Config(format!(
                    "edge set “{name}”: {} sources but {} targets",
                    set.sources.len(),
                    set.targets.len()
                )));
            }
            for (end, index, bound) in [("source", &set.sources, sources), ("target", &set.targets, targets)]
            {
                if let Some(bad) = index.iter().find(|&&i| i as usize >= bound) {
                    return Err(NslError::Config(format!(
                        "edge set “{name}”: {end} index {bad} is out of range for {bound} nodes"
                    )));
                }
            }
            let weight = match &set.weights {
                Some(w) if w.len() != set.len() => {
                    return Err(NslError::Config(format!(
                        "edge set “{name}”: {} weights for {} edges",
                        w.len(),
                        set.len()
                    )));
                }
                Some(w) => Some(matrix(w.clone(), w.len(), 1, device)),
                None => None,
            };
            uploaded.insert(
                name.clone(),
                EdgeSetTensor {
                    edges: set.len(),
                    source: Incidence::new(&set.source, sources, &set.sources, device),
                    target: Incidence::new(&set.target, targets, &set.targets, device),
                    weight,
                    derived: Arc::default(),
                },
            );
        }
        Ok(Self {
            states: BTreeMap::new(),
            edge_sets: uploaded,
            components: by_component,
            sizes: sizes.clone(),
        })
    }

    /// This structure with `inputs` as the states of its node sets, each checked to have one
    /// row per node.
    pub fn with_inputs(&self, inputs: BTreeMap<String, NodeInput>) -> Result<Self> {
        for (name, input) in &inputs {
            let nodes = self
                .sizes
                .get(name)
                .ok_or_else(|| NslError::Config(format!("the graph has no node set “{name}”")))?;
            if input.nodes() != *nodes {
                return Err(NslError::Config(format!(
                    "node set “{name}”: {} feature rows for {nodes} nodes",
                    input.nodes()
                )));
            }
        }
        let mut states = self.states.clone();
        states.extend(inputs);
        Ok(Self { states, ..self.clone_structure() })
    }

    /// The edge sets, components and sizes, without states.
    fn clone_structure(&self) -> Self {
        Self {
            states: BTreeMap::new(),
            edge_sets: self.edge_sets.clone(),
            components: self.components.clone(),
            sizes: self.sizes.clone(),
        }
    }

    /// A typed graph with the dense feature `feature` of every node set as its state.
    pub fn from_graph(graph: &Graph, feature: &str, device: &Device) -> Result<Self> {
        Self::new(dense_states(graph, feature, device)?, &graph.edge_sets, device)
    }

    /// A batch of graphs, one component each, with the dense feature `feature` as the state.
    pub fn from_batch(batch: &GraphBatch, feature: &str, device: &Device) -> Result<Self> {
        let states = dense_states(&batch.graph, feature, device)?;
        Self::with_components(
            states,
            &batch.graph.edge_sets,
            batch.components,
            &batch.node_components,
            device,
        )
    }

    /// The nodes of `node_set` by component.
    pub fn components(&self, node_set: &str) -> Result<&Incidence> {
        self.components
            .get(node_set)
            .ok_or_else(|| NslError::Config(format!("the graph has no node set “{node_set}”")))
    }

    /// The state of `node_set` as a dense matrix (sparse raw features are expanded).
    pub fn state(&self, node_set: &str) -> Result<Tensor<2>> {
        Ok(self.input(node_set)?.to_dense())
    }

    /// The state of `node_set` as it is held: dense, or the sparse raw features.
    pub fn input(&self, node_set: &str) -> Result<&NodeInput> {
        self.states
            .get(node_set)
            .ok_or_else(|| NslError::Config(format!("the graph has no node set “{node_set}”")))
    }

    /// The edge set `name`.
    pub fn edge_set(&self, name: &str) -> Result<&EdgeSetTensor> {
        self.edge_sets
            .get(name)
            .ok_or_else(|| NslError::Config(format!("the graph has no edge set “{name}”")))
    }

    /// The same edge sets with some node-set states replaced.
    pub fn with_states(&self, replaced: BTreeMap<String, Tensor<2>>) -> Self {
        let mut states = self.states.clone();
        states.extend(replaced.into_iter().map(|(name, s)| (name, NodeInput::Dense(s))));
        Self { states, ..self.clone_structure() }
    }

    /// Widths and endpoints.
    pub fn schema(&self) -> Schema {
        Schema {
            node_sets: self.states.iter().map(|(name, s)| (name.clone(), s.dim())).collect(),
            edge_sets: self
                .edge_sets
                .iter()
                .map(|(name, e)| (name.clone(), (e.source.node_set.clone(), e.target.node_set.clone())))
                .collect(),
        }
    }
}

/// Every node set's dense feature `feature`, uploaded.
fn dense_states(graph: &Graph, feature: &str, device: &Device) -> Result<BTreeMap<String, Tensor<2>>> {
    let mut states = BTreeMap::new();
    for (name, set) in &graph.node_sets {
        let (dim, values) = set
            .dense(feature)
            .ok_or_else(|| NslError::Config(format!("node set “{name}” has no dense feature “{feature}”")))?;
        states.insert(name.clone(), matrix(values.to_vec(), set.size, dim, device));
    }
    Ok(states)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::to_vec;

    fn tiny(device: &Device) -> (BTreeMap<String, Tensor<2>>, BTreeMap<String, EdgeSet>) {
        let states = BTreeMap::from([
            ("paper".to_owned(), matrix(vec![1.0, 2.0, 3.0], 3, 1, device)),
            ("author".to_owned(), matrix(vec![5.0, 7.0], 2, 1, device)),
        ]);
        let edges = BTreeMap::from([
            (
                "writes".to_owned(),
                EdgeSet::from_triples("author", "paper", &[(0, 0, 1.0), (0, 2, 1.0), (1, 2, 1.0)]),
            ),
            ("cites".to_owned(), EdgeSet::from_triples("paper", "paper", &[(0, 1, 1.0)])),
        ]);
        (states, edges)
    }

    #[test]
    fn incidences_count_and_pad_each_end() {
        let device = Device::flex();
        let (states, edges) = tiny(&device);
        let graph = GraphTensor::new(states, &edges, &device).unwrap();
        let writes = graph.edge_set("writes").unwrap();
        assert_eq!(to_vec(writes.target.count.clone()), vec![1.0, 0.0, 2.0]);
        let slots = writes.target.slots();
        assert_eq!(slots.width, 2);
        // Paper 0 has edge 0, paper 1 none, paper 2 edges 1 and 2; padding is edge 3.
        assert_eq!(
            slots.index.clone().into_data().convert::<i64>().try_into_vec::<i64>().unwrap(),
            vec![0, 3, 3, 3, 1, 2]
        );
        assert_eq!(to_vec(writes.source.count.clone()), vec![2.0, 1.0]);
        let schema = graph.schema();
        assert_eq!(schema.incoming("paper", Tag::Target), vec!["cites", "writes"]);
        assert_eq!(schema.receivers(None, Tag::Target).unwrap(), vec!["paper"]);
        assert_eq!(schema.receivers(None, Tag::Source).unwrap(), vec!["author", "paper"]);
        assert!(schema.receivers(Some(&["author".into()]), Tag::Target).is_err());
    }

    #[test]
    fn bad_edges_are_refused_with_their_edge_set() {
        let device = Device::flex();
        let (states, mut edges) = tiny(&device);
        edges.insert("bad".into(), EdgeSet::from_triples("author", "paper", &[(2, 0, 1.0)]));
        let err = GraphTensor::new(states.clone(), &edges, &device).unwrap_err().to_string();
        assert!(err.contains("“bad”") && err.contains("source index 2"), "{err}");
        edges.remove("bad");
        edges.insert("lost".into(), EdgeSet::from_triples("venue", "paper", &[(0, 0, 1.0)]));
        let err = GraphTensor::new(states, &edges, &device).unwrap_err().to_string();
        assert!(err.contains("“venue”"), "{err}");
    }
}
