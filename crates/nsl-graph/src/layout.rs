//! Force-directed layout (Fruchterman–Reingold) with Barnes–Hut repulsion: nodes repel as
//! charges, edges pull as springs, and the step size cools. Repulsion from far groups of nodes is
//! taken from their centre of mass in a quadtree (opening angle θ), so an iteration costs
//! O(n log n) instead of O(n²): Cora's 2,708 nodes lay out in well under a second natively.

use crate::rng::seeded;
use rand::RngExt;

/// Layout settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutConfig {
    /// Iterations (the step size cools linearly over them).
    pub iterations: usize,
    /// Barnes–Hut opening angle: a cell of side `s` at distance `d` counts as one charge when
    /// `s / d < theta` (0 computes every pair exactly).
    pub theta: f32,
    /// Seed of the initial positions.
    pub seed: u64,
    /// Pull of every node towards the centre, proportional to its distance: keeps the small
    /// components of a large disconnected graph (Cora has 78) near the big one instead of flung
    /// to the edges, where they would shrink it to a dot. A stray node settles about
    /// `1 / √gravity` from the centre (the whole graph repels it with total charge 1); 0 is
    /// plain Fruchterman–Reingold, right for small graphs whose clusters should stand apart.
    pub gravity: f32,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        Self { iterations: 300, theta: 0.8, seed: 0, gravity: 0.0 }
    }
}

/// A quadtree cell: total charge and centre of mass of its nodes.
#[derive(Debug)]
struct Cell {
    mass: f32,
    center: [f32; 2],
    side: f32,
    /// Child cells (indices into the tree), or `None` for a leaf.
    children: Option<[Option<u32>; 4]>,
    /// Nodes of a leaf.
    nodes: Vec<u32>,
}

/// Deepest subdivision (coincident points stay together in one leaf below it).
const MAX_DEPTH: usize = 24;

fn build(
    tree: &mut Vec<Cell>,
    pos: &[[f32; 2]],
    nodes: Vec<u32>,
    origin: [f32; 2],
    side: f32,
    depth: usize,
) -> u32 {
    let mass = nodes.len() as f32;
    let mut center = [0.0_f32; 2];
    for &n in &nodes {
        center[0] += pos[n as usize][0];
        center[1] += pos[n as usize][1];
    }
    center = [center[0] / mass, center[1] / mass];
    let id = tree.len() as u32;
    tree.push(Cell { mass, center, side, children: None, nodes: Vec::new() });
    if nodes.len() <= 1 || depth >= MAX_DEPTH {
        tree[id as usize].nodes = nodes;
        return id;
    }
    let half = side / 2.0;
    let mut quadrants: [Vec<u32>; 4] = Default::default();
    for n in nodes {
        let p = pos[n as usize];
        let q = usize::from(p[0] >= origin[0] + half) + 2 * usize::from(p[1] >= origin[1] + half);
        quadrants[q].push(n);
    }
    let mut children = [None; 4];
    for (q, members) in quadrants.into_iter().enumerate() {
        if !members.is_empty() {
            let o = [origin[0] + half * (q % 2) as f32, origin[1] + half * (q / 2) as f32];
            children[q] = Some(build(tree, pos, members, o, half, depth + 1));
        }
    }
    tree[id as usize].children = Some(children);
    id
}

/// Repulsion on node `i` at `p` from cell `c`, added to `force` (`k²/d` along the separation).
fn repel(tree: &[Cell], c: u32, i: u32, p: [f32; 2], k2: f32, theta: f32, force: &mut [f32; 2]) {
    let cell = &tree[c as usize];
    let (dx, dy) = (p[0] - cell.center[0], p[1] - cell.center[1]);
    let d2 = dx * dx + dy * dy;
    match &cell.children {
        Some(children) if cell.side * cell.side >= theta * theta * d2 => {
            for child in children.iter().flatten() {
                repel(tree, *child, i, p, k2, theta, force);
            }
        }
        _ => {
            // A leaf, or a cell far enough to act as one charge at its centre of mass.
            let own = if cell.children.is_none() && cell.nodes.contains(&i) { 1.0 } else { 0.0 };
            let mass = cell.mass - own;
            if mass > 0.0 {
                let d2 = d2.max(1e-6);
                force[0] += dx * k2 * mass / d2;
                force[1] += dy * k2 * mass / d2;
            }
        }
    }
}

/// Positions in `[0.05, 0.95]²` for `nodes` nodes joined by `edges`, deterministic for a config.
pub fn force_layout(nodes: usize, edges: &[[u32; 2]], config: &LayoutConfig) -> Vec<[f32; 2]> {
    if nodes < 2 {
        return vec![[0.5, 0.5]; nodes];
    }
    let mut rng = seeded(config.seed);
    let pos: Vec<[f32; 2]> = (0..nodes).map(|_| [rng.random::<f32>(), rng.random::<f32>()]).collect();
    relax(pos, edges, config, 0.1)
}

/// Step size a refinement starts at: nodes move a few of their neighbours' distances, so a
/// layout follows its graph's change without being laid out anew.
const REFINE_TEMPERATURE: f32 = 0.02;

/// `previous` (a layout of the same nodes under other edges) moved to fit `edges`: clusters
/// the edges keep stay where they were and the picture changes as the graph did, where a fresh
/// layout would scatter everything (the graph builder's slider relies on this); `config.seed`
/// is not used.
pub fn refine_layout(previous: &[[f32; 2]], edges: &[[u32; 2]], config: &LayoutConfig) -> Vec<[f32; 2]> {
    if previous.len() < 2 {
        return vec![[0.5, 0.5]; previous.len()];
    }
    relax(previous.to_vec(), edges, config, REFINE_TEMPERATURE)
}

/// Fruchterman–Reingold from `pos` over `config.iterations`, the step size cooling from `start`.
fn relax(mut pos: Vec<[f32; 2]>, edges: &[[u32; 2]], config: &LayoutConfig, start: f32) -> Vec<[f32; 2]> {
    let nodes = pos.len();
    // Ideal edge length for nodes spread over the unit square.
    let k = (1.0 / nodes as f32).sqrt();
    let k2 = k * k;
    let mut shift = vec![[0.0_f32; 2]; nodes];
    let mut tree = Vec::with_capacity(2 * nodes);
    for iteration in 0..config.iterations {
        let temperature = (start * (1.0 - iteration as f32 / config.iterations as f32)).max(0.002);
        let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
        for p in &pos {
            for d in 0..2 {
                lo[d] = lo[d].min(p[d]);
                hi[d] = hi[d].max(p[d]);
            }
        }
        let side = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-6) * 1.0001;
        tree.clear();
        let root = build(&mut tree, &pos, (0..nodes as u32).collect(), lo, side, 0);
        for (i, s) in shift.iter_mut().enumerate() {
            *s = [0.0, 0.0];
            repel(&tree, root, i as u32, pos[i], k2, config.theta, s);
        }
        for &[a, b] in edges {
            let (a, b) = (a as usize, b as usize);
            if a == b {
                continue;
            }
            let (dx, dy) = (pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]);
            let d = (dx * dx + dy * dy).sqrt().max(1e-3);
            let pull = d / k; // (d²/k) along the unit vector
            shift[a][0] -= dx * pull;
            shift[a][1] -= dy * pull;
            shift[b][0] += dx * pull;
            shift[b][1] += dy * pull;
        }
        let center = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
        for (p, s) in pos.iter_mut().zip(shift.iter_mut()) {
            s[0] -= config.gravity * (p[0] - center[0]);
            s[1] -= config.gravity * (p[1] - center[1]);
            let len = (s[0] * s[0] + s[1] * s[1]).sqrt().max(1e-9);
            let step = len.min(temperature);
            p[0] += s[0] / len * step;
            p[1] += s[1] / len * step;
        }
    }
    normalize(pos)
}

/// Scales positions into `[0.05, 0.95]²`, keeping the aspect ratio.
fn normalize(pos: Vec<[f32; 2]>) -> Vec<[f32; 2]> {
    let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
    for p in &pos {
        for d in 0..2 {
            lo[d] = lo[d].min(p[d]);
            hi[d] = hi[d].max(p[d]);
        }
    }
    let span = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-6);
    let pad = [(span - (hi[0] - lo[0])) / 2.0, (span - (hi[1] - lo[1])) / 2.0];
    pos.into_iter().map(|p| std::array::from_fn(|d| 0.05 + 0.9 * (p[d] - lo[d] + pad[d]) / span)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(pos: &[[f32; 2]], a: usize, b: usize) -> f32 {
        ((pos[a][0] - pos[b][0]).powi(2) + (pos[a][1] - pos[b][1]).powi(2)).sqrt()
    }

    #[test]
    fn neighbors_end_closer_than_strangers() {
        // Two triangles joined by nothing: nodes of a triangle cluster together.
        let edges = [[0, 1], [1, 2], [2, 0], [3, 4], [4, 5], [5, 3]];
        let config = LayoutConfig { iterations: 200, ..LayoutConfig::default() };
        let pos = force_layout(6, &edges, &config);
        let within = (dist(&pos, 0, 1) + dist(&pos, 1, 2) + dist(&pos, 3, 4)) / 3.0;
        let across = (dist(&pos, 0, 3) + dist(&pos, 1, 4) + dist(&pos, 2, 5)) / 3.0;
        assert!(within < across * 0.6, "within {within}, across {across}");
        assert!(pos.iter().all(|p| p.iter().all(|v| (0.0..=1.0).contains(v))));
        assert_eq!(pos, force_layout(6, &edges, &config), "deterministic");
        assert_eq!(force_layout(1, &[], &config), vec![[0.5, 0.5]]);
    }

    #[test]
    fn a_refined_layout_keeps_its_place_and_follows_new_edges() {
        // Two triangles laid out apart; then an edge joins them.
        let edges = [[0, 1], [1, 2], [2, 0], [3, 4], [4, 5], [5, 3]];
        let config = LayoutConfig { iterations: 200, ..LayoutConfig::default() };
        let before = force_layout(6, &edges, &config);
        let same = refine_layout(&before, &edges, &LayoutConfig { iterations: 50, ..config });
        let moved: f32 = (0..6).map(|i| dist(&[before[i], same[i]], 0, 1)).sum::<f32>() / 6.0;
        assert!(moved < 0.1, "the same edges barely move a settled layout: {moved}");
        let joined = [&edges[..], &[[2, 3]]].concat();
        let after = refine_layout(&before, &joined, &LayoutConfig { iterations: 50, ..config });
        assert!(
            dist(&after, 2, 3) < dist(&before, 2, 3),
            "the new edge pulls its ends together: {} → {}",
            dist(&before, 2, 3),
            dist(&after, 2, 3)
        );
        assert_eq!(refine_layout(&before[..1], &[], &config), vec![[0.5, 0.5]]);
    }

    #[test]
    fn gravity_keeps_stray_nodes_from_shrinking_the_big_component() {
        // A 300-node ring plus 30 isolated nodes (Cora has many tiny components).
        let edges: Vec<[u32; 2]> = (0..300).map(|i| [i, (i + 1) % 300]).collect();
        let span = |pos: &[[f32; 2]]| {
            let xs = pos[..300].iter().map(|p| p[0]);
            xs.clone().fold(f32::MIN, f32::max) - xs.fold(f32::MAX, f32::min)
        };
        let with = force_layout(330, &edges, &LayoutConfig { gravity: 4.0, ..LayoutConfig::default() });
        let without = force_layout(330, &edges, &LayoutConfig::default());
        assert!(span(&with) > 0.4, "the ring fills much of the picture: {}", span(&with));
        assert!(span(&with) > span(&without), "{} vs {} without gravity", span(&with), span(&without));
    }

    #[test]
    fn barnes_hut_agrees_with_exact_repulsion_and_separates_communities() {
        // Two rings of 100 nodes with one bridge: θ = 0 (every pair) and θ = 0.8 both pull the
        // rings apart; the approximation keeps each ring together.
        let ring = |offset: u32| (0..100).map(move |i| [offset + i, offset + (i + 1) % 100]);
        let mut edges: Vec<[u32; 2]> = ring(0).chain(ring(100)).collect();
        edges.push([0, 100]);
        for theta in [0.0, 0.8] {
            let pos = force_layout(
                200,
                &edges,
                &LayoutConfig { iterations: 150, theta, seed: 3, ..LayoutConfig::default() },
            );
            let centre = |range: std::ops::Range<usize>| {
                let n = range.len() as f32;
                let (x, y) = range.fold((0.0, 0.0), |(x, y), i| (x + pos[i][0], y + pos[i][1]));
                [x / n, y / n]
            };
            let (a, b) = (centre(0..100), centre(100..200));
            let between = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
            let spread = (0..100)
                .map(|i| ((pos[i][0] - a[0]).powi(2) + (pos[i][1] - a[1]).powi(2)).sqrt())
                .sum::<f32>()
                / 100.0;
            assert!(between > spread, "θ {theta}: centres {between} apart, ring radius {spread}");
        }
    }
}
