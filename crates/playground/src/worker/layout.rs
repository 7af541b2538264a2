//! Force-directed layout (Fruchterman–Reingold) for the small built-in graphs: pairwise
//! repulsion, spring attraction along edges, a cooling step size. O(n²) per iteration, run once
//! per setup in the worker; fine for the few hundred nodes of the built-in graphs.

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// Positions in `[0, 1]²` for `nodes` nodes joined by `edges`, deterministic for a seed.
pub fn force_layout(nodes: usize, edges: &[[u32; 2]], iterations: usize, seed: u64) -> Vec<[f32; 2]> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut pos: Vec<[f32; 2]> = (0..nodes).map(|_| [rng.random::<f32>(), rng.random::<f32>()]).collect();
    if nodes < 2 {
        return pos.iter().map(|_| [0.5, 0.5]).collect();
    }
    // Ideal edge length for nodes spread over the unit square.
    let k = (1.0 / nodes as f32).sqrt();
    let mut temperature = 0.1_f32;
    let cooling = temperature / iterations.max(1) as f32;
    let mut shift = vec![[0.0_f32; 2]; nodes];
    for _ in 0..iterations {
        shift.iter_mut().for_each(|s| *s = [0.0, 0.0]);
        for a in 0..nodes {
            for b in a + 1..nodes {
                let (dx, dy) = (pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]);
                let d2 = (dx * dx + dy * dy).max(1e-6);
                let force = k * k / d2; // (k²/d) along the unit vector (dx, dy)/d
                shift[a][0] += dx * force;
                shift[a][1] += dy * force;
                shift[b][0] -= dx * force;
                shift[b][1] -= dy * force;
            }
        }
        for &[a, b] in edges {
            let (a, b) = (a as usize, b as usize);
            let (dx, dy) = (pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]);
            let d = (dx * dx + dy * dy).sqrt().max(1e-3);
            let force = d / k; // (d²/k) along the unit vector
            shift[a][0] -= dx * force;
            shift[a][1] -= dy * force;
            shift[b][0] += dx * force;
            shift[b][1] += dy * force;
        }
        for (p, s) in pos.iter_mut().zip(&shift) {
            let len = (s[0] * s[0] + s[1] * s[1]).sqrt().max(1e-9);
            let step = len.min(temperature);
            p[0] += s[0] / len * step;
            p[1] += s[1] / len * step;
        }
        temperature = (temperature - cooling).max(0.002);
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

    #[test]
    fn neighbors_end_closer_than_strangers() {
        // Two triangles joined by nothing: nodes of a triangle cluster together.
        let edges = [[0, 1], [1, 2], [2, 0], [3, 4], [4, 5], [5, 3]];
        let pos = force_layout(6, &edges, 200, 1);
        let d =
            |a: usize, b: usize| ((pos[a][0] - pos[b][0]).powi(2) + (pos[a][1] - pos[b][1]).powi(2)).sqrt();
        let within = (d(0, 1) + d(1, 2) + d(3, 4)) / 3.0;
        let across = (d(0, 3) + d(1, 4) + d(2, 5)) / 3.0;
        assert!(within < across * 0.6, "within {within}, across {across}");
        assert!(pos.iter().all(|p| p.iter().all(|v| (0.0..=1.0).contains(v))));
        assert_eq!(pos, force_layout(6, &edges, 200, 1), "deterministic");
    }
}
