//! NSL's `pack_nbrs`: for each labeled example, its top `max_nbrs` out-neighbors in the graph
//! that exist among the labeled or unlabeled examples, heaviest first, ties broken toward the
//! larger id (Python's `sorted([(weight, id)], reverse=True)`). With `add_undirected_edges`
//! every edge also counts reversed, keeping the larger weight when both directions exist.
//! Duplicate edges keep their largest weight. Self-loops are kept, as NSL keeps them.
//!
//! NSL writes TFRecords whose features are prefixed `NL_nbr_<i>_`; here the result is a table
//! of neighbor indices that graph-regularized training consumes directly.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde::{Deserialize, Serialize};

/// The two knobs of `pack_nbrs`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PackConfig {
    /// Most neighbors per labeled example (`None`: all of them).
    pub max_nbrs: Option<usize>,
    /// Treat every edge as bi-directional.
    pub add_undirected_edges: bool,
}

/// Chosen neighbors of each labeled example.
#[derive(Debug, Clone, PartialEq)]
pub struct PackedNeighbors {
    /// The labeled examples, in the order given.
    pub seeds: Vec<u32>,
    /// For each seed, `(neighbor, weight)` heaviest first.
    pub neighbors: Vec<Vec<(u32, f32)>>,
}

impl PackedNeighbors {
    /// Histogram of neighbor counts (NSL logs it as the out-degree histogram).
    pub fn degree_histogram(&self) -> Vec<(usize, usize)> {
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for list in &self.neighbors {
            *counts.entry(list.len()).or_default() += 1;
        }
        let mut histogram: Vec<(usize, usize)> = counts.into_iter().collect();
        histogram.sort_unstable();
        histogram
    }
}

/// Packs neighbors over one pool of nodes named by `ids`.
///
/// # Arguments
/// - `ids`: the id of every node in the pool (ties are broken on these strings).
/// - `labeled`: the seeds, in output order.
/// - `is_example`: whether a node is a labeled or unlabeled example (others are skipped as
///   neighbors, as NSL skips edge targets without an example).
/// - `edges`: directed `(source, target, weight)` over the pool.
pub fn pack_nbrs(
    ids: &[String],
    labeled: &[u32],
    is_example: &[bool],
    edges: &[(u32, u32, f32)],
    config: &PackConfig,
) -> PackedNeighbors {
    let mut out: HashMap<u32, HashMap<u32, f32>> = HashMap::new();
    let mut add = |a: u32, b: u32, w: f32| match out.entry(a).or_default().entry(b) {
        Entry::Occupied(mut slot) => {
            let max = slot.get().max(w);
            slot.insert(max);
        }
        Entry::Vacant(slot) => {
            slot.insert(w);
        }
    };
    for &(a, b, w) in edges {
        add(a, b, w);
        if config.add_undirected_edges {
            add(b, a, w);
        }
    }
    let neighbors = labeled
        .iter()
        .map(|seed| {
            let mut list: Vec<(u32, f32)> = out
                .get(seed)
                .map(|targets| {
                    targets.iter().filter(|&(&t, _)| is_example[t as usize]).map(|(&t, &w)| (t, w)).collect()
                })
                .unwrap_or_default();
            list.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| ids[b.0 as usize].cmp(&ids[a.0 as usize])));
            if let Some(max) = config.max_nbrs {
                list.truncate(max);
            }
            list
        })
        .collect();
    PackedNeighbors { seeds: labeled.to_vec(), neighbors }
}

/// `pack_nbrs` over string ids, as NSL's tool takes them: labeled and unlabeled example ids
/// and a graph by id. Returns the pool of ids (labeled, then unlabeled, then graph-only ids) and
/// the packed neighbors over it. An id in both example sets counts as labeled, as in NSL.
pub fn pack_by_id(
    labeled: &[String],
    unlabeled: &[String],
    graph_ids: &[String],
    edges: &[(u32, u32, f32)],
    config: &PackConfig,
) -> (Vec<String>, PackedNeighbors) {
    let mut pool: Vec<String> = Vec::new();
    let mut index: HashMap<&str, u32> = HashMap::new();
    let mut is_example = Vec::new();
    for (id, example) in
        labeled.iter().chain(unlabeled).map(|id| (id, true)).chain(graph_ids.iter().map(|id| (id, false)))
    {
        if let Entry::Vacant(slot) = index.entry(id.as_str()) {
            slot.insert(pool.len() as u32);
            pool.push(id.clone());
            is_example.push(example);
        }
    }
    let seeds: Vec<u32> = labeled.iter().map(|id| index[id.as_str()]).collect();
    let remapped: Vec<(u32, u32, f32)> = edges
        .iter()
        .map(|&(a, b, w)| (index[graph_ids[a as usize].as_str()], index[graph_ids[b as usize].as_str()], w))
        .collect();
    let packed = pack_nbrs(&pool, &seeds, &is_example, &remapped, config);
    (pool, packed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn heaviest_first_then_larger_id_and_undirected_max() {
        let pool = ids(&["a", "b", "c", "d", "e"]);
        // a-b 0.5 and b-a 0.9: undirected keeps 0.9 both ways. a-c, a-d tie at 1.0: "d" > "c".
        let edges = [(0, 1, 0.5), (1, 0, 0.9), (0, 2, 1.0), (0, 3, 1.0), (4, 0, 0.2), (0, 2, 0.1)];
        let all = [true; 5];
        let undirected = PackConfig { max_nbrs: Some(3), add_undirected_edges: true };
        let packed = pack_nbrs(&pool, &[0, 1], &all, &edges, &undirected);
        assert_eq!(packed.neighbors[0], vec![(3, 1.0), (2, 1.0), (1, 0.9)]);
        assert_eq!(packed.neighbors[1], vec![(0, 0.9)]);
        let unlimited = pack_nbrs(&pool, &[0], &all, &edges, &PackConfig { max_nbrs: None, ..undirected });
        assert_eq!(unlimited.neighbors[0].last(), Some(&(4, 0.2)));
        let directed =
            pack_nbrs(&pool, &[1, 4], &all, &edges, &PackConfig { max_nbrs: Some(3), ..Default::default() });
        assert_eq!(directed.neighbors, vec![vec![(0, 0.9)], vec![(0, 0.2)]]);
        assert_eq!(directed.degree_histogram(), vec![(1, 2)]);
    }

    #[test]
    fn neighbors_without_an_example_are_skipped_and_ids_resolve() {
        // Graph ids "x" and "z" have no example: NSL drops them. "u" is unlabeled: kept.
        let graph_ids = ids(&["l1", "x", "u", "z", "l2"]);
        let edges = [(0, 1, 0.9), (0, 2, 0.5), (0, 3, 0.7), (0, 4, 0.5), (0, 0, 0.1)];
        let (pool, packed) =
            pack_by_id(&ids(&["l1", "l2"]), &ids(&["u"]), &graph_ids, &edges, &PackConfig::default());
        let named: Vec<(&str, f32)> =
            packed.neighbors[0].iter().map(|&(n, w)| (pool[n as usize].as_str(), w)).collect();
        // Ties at 0.5: "u" > "l2". The self-loop stays, as in NSL.
        assert_eq!(named, vec![("u", 0.5), ("l2", 0.5), ("l1", 0.1)]);
        assert!(packed.neighbors[1].is_empty());
    }
}
