//! Zachary's karate club (1977): 34 members, 78 friendships, and the two factions the club
//! split into (Mr. Hi's and the Officer's).

use crate::typed::{FEATURES, Feature, Graph, LABEL, NodeSet};

/// The friendships, 0-based member indices, each once.
pub const EDGES: [(usize, usize); 78] = [
    (0, 1),
    (0, 2),
    (0, 3),
    (0, 4),
    (0, 5),
    (0, 6),
    (0, 7),
    (0, 8),
    (0, 10),
    (0, 11),
    (0, 12),
    (0, 13),
    (0, 17),
    (0, 19),
    (0, 21),
    (0, 31),
    (1, 2),
    (1, 3),
    (1, 7),
    (1, 13),
    (1, 17),
    (1, 19),
    (1, 21),
    (1, 30),
    (2, 3),
    (2, 7),
    (2, 8),
    (2, 9),
    (2, 13),
    (2, 27),
    (2, 28),
    (2, 32),
    (3, 7),
    (3, 12),
    (3, 13),
    (4, 6),
    (4, 10),
    (5, 6),
    (5, 10),
    (5, 16),
    (6, 16),
    (8, 30),
    (8, 32),
    (8, 33),
    (9, 33),
    (13, 33),
    (14, 32),
    (14, 33),
    (15, 32),
    (15, 33),
    (18, 32),
    (18, 33),
    (19, 33),
    (20, 32),
    (20, 33),
    (22, 32),
    (22, 33),
    (23, 25),
    (23, 27),
    (23, 29),
    (23, 32),
    (23, 33),
    (24, 25),
    (24, 27),
    (24, 31),
    (25, 31),
    (26, 29),
    (26, 33),
    (27, 33),
    (28, 31),
    (28, 33),
    (29, 32),
    (29, 33),
    (30, 32),
    (30, 33),
    (31, 32),
    (31, 33),
    (32, 33),
];

/// Faction of each member after the split: 0 = Mr. Hi's, 1 = the Officer's.
pub const FACTION: [u32; 34] =
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

/// Names of the factions, index = class.
pub const FACTION_NAMES: [&str; 2] = ["Mr. Hi", "Officer"];

/// The club as a homogeneous typed graph: 34 nodes with one-hot [`FEATURES`] (the identity,
/// the usual featureless-graph input), [`LABEL`] = faction, and each friendship in both
/// directions (156 edges), as message passing expects.
pub fn graph() -> Graph {
    let n = FACTION.len();
    let mut nodes = NodeSet::new(n);
    let identity = (0..n * n).map(|k| if k / n == k % n { 1.0 } else { 0.0 }).collect();
    nodes.features.insert(FEATURES.into(), Feature::Dense { dim: n, values: identity });
    nodes.features.insert(
        LABEL.into(),
        Feature::Labels {
            classes: FACTION_NAMES.iter().map(|s| s.to_string()).collect(),
            values: FACTION.iter().map(|&f| Some(f)).collect(),
        },
    );
    let edges: Vec<(u32, u32, f32)> =
        EDGES.iter().flat_map(|&(a, b)| [(a as u32, b as u32, 1.0), (b as u32, a as u32, 1.0)]).collect();
    Graph::homogeneous(nodes, &edges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_graph() {
        let mut degree = [0usize; 34];
        let mut seen = std::collections::HashSet::new();
        for &(a, b) in &EDGES {
            assert!(a < b && b < 34);
            assert!(seen.insert((a, b)), "duplicate edge {a}-{b}");
            degree[a] += 1;
            degree[b] += 1;
        }
        // Degrees known from the literature: Mr. Hi 16, the Officer 17, member 33 (1-based) 12.
        assert_eq!((degree[0], degree[33], degree[32], degree[11]), (16, 17, 12, 1));
        assert_eq!(degree.iter().sum::<usize>(), 156);
        assert_eq!(FACTION.iter().filter(|&&f| f == 1).count(), 17);
        let g = graph();
        g.validate().unwrap();
        assert_eq!(g.edge_set(crate::typed::EDGES).unwrap().len(), 156);
    }
}
