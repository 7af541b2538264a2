//! A heterogeneous graph as the page draws it: its node sets and edge sets, every node laid out
//! in one unit square (numbered set after set; the worker lays it out), and what TF-GNN's rounds of message passing do
//! to it (which node sets each round updates, and whether an update can still reach the node
//! set the model classifies). Pure: the worker builds it, the page draws it.

use std::collections::{BTreeSet, HashSet};

use nsl::gnn::hetero::encoder::RoundUpdate;
use nsl::graph::typed::{Graph, LABEL, SPLIT, SplitKind};
use serde::{Deserialize, Serialize};

use crate::graph_view::edges_once;

/// One node set: its name and size (its nodes follow those of the sets before it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeSetView {
    /// The node set's name.
    pub name: String,
    /// Its nodes.
    pub size: usize,
}

/// One edge set, its edges in the view's node numbering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeSetView {
    /// The edge set's name.
    pub name: String,
    /// Index of its source node set.
    pub source: usize,
    /// Index of its target node set.
    pub target: usize,
    /// `[source, target]` of each edge.
    pub edges: Vec<[u32; 2]>,
    /// The edge set it reverses edge for edge (TF-GNN graphs add `written` beside `writes` so
    /// that messages flow both ways): drawn once, as the lines of that one.
    pub reverse_of: Option<usize>,
}

/// A heterogeneous graph laid out for drawing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypedView {
    /// Node sets in order.
    pub node_sets: Vec<NodeSetView>,
    /// Edge sets in order.
    pub edge_sets: Vec<EdgeSetView>,
    /// `[x, y]` of every node, in the unit square.
    pub positions: Vec<[f32; 2]>,
    /// The node set whose nodes carry classes (the one the model classifies), if any.
    pub labeled: Option<usize>,
    /// Each of its nodes' class.
    pub labels: Vec<Option<u32>>,
    /// Whether its node's label is used for training.
    pub train: Vec<bool>,
}

impl TypedView {
    /// Every edge of every edge set, each once (what a layout pulls along and what the
    /// homogeneous views draw).
    pub fn edges_once(&self) -> Vec<[u32; 2]> {
        edges_once(self.edge_sets.iter().flat_map(|e| e.edges.iter().map(|&[a, b]| (a as usize, b as usize))))
    }

    /// Number of nodes of every node set.
    pub fn nodes(&self) -> usize {
        self.node_sets.iter().map(|s| s.size).sum()
    }

    /// `graph` at the given `positions` (one per node, node set after node set).
    pub fn with_positions(graph: &Graph, labeled: Option<&str>, positions: Vec<[f32; 2]>) -> Self {
        let node_sets: Vec<NodeSetView> = graph
            .node_sets
            .iter()
            .map(|(name, set)| NodeSetView { name: name.clone(), size: set.size })
            .collect();
        let index = |name: &str| node_sets.iter().position(|s| s.name == name).unwrap_or(0);
        let offsets: Vec<u32> = node_sets
            .iter()
            .scan(0u32, |next, s| {
                let at = *next;
                *next += s.size as u32;
                Some(at)
            })
            .collect();
        let mut edge_sets: Vec<EdgeSetView> = graph
            .edge_sets
            .iter()
            .map(|(name, set)| {
                let (source, target) = (index(&set.source), index(&set.target));
                let edges = set
                    .sources
                    .iter()
                    .zip(&set.targets)
                    .map(|(&a, &b)| [offsets[source] + a, offsets[target] + b])
                    .collect();
                EdgeSetView { name: name.clone(), source, target, edges, reverse_of: None }
            })
            .collect();
        for i in 0..edge_sets.len() {
            let reversed: HashSet<[u32; 2]> = edge_sets[i].edges.iter().map(|&[a, b]| [b, a]).collect();
            // As sets of pairs: a graph may repeat an edge.
            edge_sets[i].reverse_of = (0..i).find(|&j| {
                edge_sets[j].source != edge_sets[j].target
                    && edge_sets[j].edges.iter().collect::<HashSet<_>>() == reversed.iter().collect()
            });
        }
        let labeled = labeled
            .map(index)
            .or_else(|| node_sets.iter().position(|s| graph.node_sets[&s.name].labels(LABEL).is_some()));
        let (labels, train) = match labeled.map(|l| &graph.node_sets[&node_sets[l].name]) {
            Some(set) => (
                set.labels(LABEL).map_or_else(|| vec![None; set.size], |(_, v)| v.to_vec()),
                set.split(SPLIT).map_or_else(
                    || vec![false; set.size],
                    |s| s.iter().map(|&k| k == SplitKind::Train).collect(),
                ),
            ),
            None => (Vec::new(), Vec::new()),
        };
        Self { node_sets, edge_sets, positions, labeled, labels, train }
    }

    /// The node set named `name`.
    pub fn set_index(&self, name: &str) -> Option<usize> {
        self.node_sets.iter().position(|s| s.name == name)
    }

    /// The number of the first node of node set `set`.
    pub fn offset(&self, set: usize) -> usize {
        self.node_sets[..set].iter().map(|s| s.size).sum()
    }

    /// Every node's node set, in node order.
    pub fn set_of_nodes(&self) -> Vec<usize> {
        self.node_sets.iter().enumerate().flat_map(|(i, s)| std::iter::repeat_n(i, s.size)).collect()
    }
}

/// What one round does to one node set, as the view tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateFate {
    /// The update.
    pub update: RoundUpdate,
    /// Whether its new state can still reach the classified node set through the rounds after
    /// it (an update that cannot is computed and never read).
    pub reaches: bool,
}

/// Each round's updates with whether they reach `classified`: a node set's state matters after
/// round `r` if it is `classified` itself (after the last round), or if a later round updates
/// a node set that matters from an edge set leaving it.
pub fn fates(rounds: &[Vec<RoundUpdate>], view: &TypedView, classified: &str) -> Vec<Vec<UpdateFate>> {
    let source_of = |edge_set: &str| {
        view.edge_sets.iter().find(|e| e.name == edge_set).map(|e| view.node_sets[e.source].name.clone())
    };
    // What matters after each round, from the last back.
    let mut matters: BTreeSet<String> = BTreeSet::from([classified.to_string()]);
    let mut after = vec![BTreeSet::new(); rounds.len()];
    for (r, round) in rounds.iter().enumerate().rev() {
        after[r] = matters.clone();
        let mut before = matters.clone();
        for update in round.iter().filter(|u| matters.contains(&u.node_set)) {
            before.extend(update.edge_sets.iter().filter_map(|e| source_of(e)));
        }
        matters = before;
    }
    rounds
        .iter()
        .zip(after)
        .map(|(round, after)| {
            round
                .iter()
                .map(|u| UpdateFate { update: u.clone(), reaches: after.contains(&u.node_set) })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nsl::graph::datasets::mag::{self, MagSpec};

    fn small_mag() -> Graph {
        mag::generate(&MagSpec {
            papers: 40,
            authors: 20,
            institutions: 4,
            fields: 6,
            ..MagSpec::playground()
        })
        .unwrap()
    }

    #[test]
    fn node_sets_follow_each_other_and_reverse_edge_sets_are_found() {
        let graph = small_mag();
        let view = TypedView::with_positions(&graph, Some(mag::PAPER), Vec::new());
        let names: Vec<&str> = view.node_sets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, [mag::AUTHOR, mag::FIELD, mag::INSTITUTION, mag::PAPER]);
        assert_eq!(view.nodes(), 40 + 20 + 4 + 6);
        assert_eq!(view.offset(3), 30, "papers follow 20 authors, 6 fields, 4 institutions");
        assert_eq!(view.labeled, Some(3));
        assert_eq!((view.labels.len(), view.train.len()), (40, 40));
        let set_of = view.set_of_nodes();
        for e in &view.edge_sets {
            assert!(
                e.edges
                    .iter()
                    .all(|&[a, b]| set_of[a as usize] == e.source && set_of[b as usize] == e.target)
            );
        }
        let by_name = |n: &str| view.edge_sets.iter().position(|e| e.name == n).unwrap();
        assert_eq!(view.edge_sets[by_name(mag::WRITTEN)].reverse_of, Some(by_name(mag::WRITES)));
        assert_eq!(view.edge_sets[by_name(mag::CITES)].reverse_of, None);
    }

    #[test]
    fn an_update_that_never_reaches_the_papers_is_marked() {
        let view = TypedView::with_positions(&small_mag(), Some(mag::PAPER), Vec::new());
        let update = |set: &str, from: &[&str]| RoundUpdate {
            node_set: set.into(),
            edge_sets: from.iter().map(|s| s.to_string()).collect(),
        };
        let round = vec![
            update(mag::AUTHOR, &[mag::WRITTEN]),
            update(mag::INSTITUTION, &[mag::AFFILIATED_WITH]),
            update(mag::PAPER, &[mag::CITES, mag::WRITES]),
        ];
        let fates = fates(&[round.clone(), round], &view, mag::PAPER);
        let reaches = |r: usize| fates[r].iter().map(|f| f.reaches).collect::<Vec<_>>();
        // Round 1's authors reach papers over `writes` in round 2; institutions send nothing on.
        assert_eq!(reaches(0), [true, false, true]);
        // After the last round only the papers are read.
        assert_eq!(reaches(1), [false, false, true]);
    }
}
