//! Two-dimensional classification sets in the spirit of TensorFlow Playground: two moons,
//! circles, spiral, xor and Gaussian blobs, seeded, with noise and a train/test split.

use nsl_graph::rng::{SeededRng, seeded};
use rand::RngExt;

use nsl_graph::datasets::standard_normal;

use super::examples::Examples;
use crate::spec::{ToyShape, ToySpec};

/// Draws the set and splits it; coordinates lie roughly in `[-1, 1]`.
pub fn generate(spec: &ToySpec) -> (Examples, Examples) {
    let mut rng = seeded(spec.seed);
    let mut features = Vec::with_capacity(spec.points * 2);
    let mut labels = Vec::with_capacity(spec.points);
    let jitter = 0.25 * spec.noise;
    for i in 0..spec.points {
        let class = (i % 2) as u32;
        let t = rng.random::<f32>();
        let (x, y) = point(spec.shape, class, t, &mut rng);
        features.push(x + jitter * standard_normal(&mut rng));
        features.push(y + jitter * standard_normal(&mut rng));
        labels.push(class);
    }
    let all = Examples { features, dim: 2, labels, classes: 2 };
    let mut order: Vec<usize> = (0..spec.points).collect();
    rand::seq::SliceRandom::shuffle(order.as_mut_slice(), &mut rng);
    let cut = ((spec.points as f32) * spec.train_fraction).round() as usize;
    let cut = cut.clamp(1.min(spec.points), spec.points);
    (all.subset(&order[..cut]), all.subset(&order[cut..]))
}

/// A clean point of `class` at curve parameter `t ∈ [0, 1)`.
fn point(shape: ToyShape, class: u32, t: f32, rng: &mut SeededRng) -> (f32, f32) {
    use std::f32::consts::PI;
    match shape {
        ToyShape::Moons => {
            let a = PI * t;
            if class == 0 {
                (a.cos() * 0.6 - 0.3, a.sin() * 0.6 - 0.15)
            } else {
                (0.3 - a.cos() * 0.6, 0.15 - a.sin() * 0.6)
            }
        }
        ToyShape::Circles => {
            let a = 2.0 * PI * t;
            let r = if class == 0 { rng.random_range(0.0..0.45) } else { rng.random_range(0.65..0.95) };
            (r * a.cos(), r * a.sin())
        }
        ToyShape::Spiral => {
            let r = 0.05 + 0.9 * t;
            let a = 1.75 * 2.0 * PI * t + if class == 0 { 0.0 } else { PI };
            (r * a.sin(), r * a.cos())
        }
        ToyShape::Xor => {
            // Away from the axes by a margin so that the clean set is separable.
            let mut coord = || {
                let v: f32 = rng.random_range(0.08..1.0);
                if rng.random::<bool>() { v } else { -v }
            };
            let x = coord();
            let y = coord().abs() * x.signum() * if class == 1 { 1.0 } else { -1.0 };
            (x, y)
        }
        ToyShape::Blobs => {
            let center = if class == 0 { (-0.5, -0.5) } else { (0.5, 0.5) };
            (center.0 + 0.2 * standard_normal(rng), center.1 + 0.2 * standard_normal(rng))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(shape: ToyShape, noise: f32) -> ToySpec {
        ToySpec { shape, points: 400, noise, train_fraction: 0.75, seed: 3 }
    }

    #[test]
    fn sizes_classes_and_reproducibility() {
        for shape in [ToyShape::Moons, ToyShape::Circles, ToyShape::Spiral, ToyShape::Xor, ToyShape::Blobs] {
            let (train, test) = generate(&spec(shape, 0.1));
            assert_eq!((train.len(), test.len()), (300, 100), "{shape:?}");
            assert_eq!(train.dim, 2);
            let ones = train.labels.iter().chain(&test.labels).filter(|&&l| l == 1).count();
            assert_eq!(ones, 200, "{shape:?}: balanced classes");
            assert!(train.features.iter().all(|v| v.is_finite() && v.abs() < 2.5), "{shape:?}");
            assert_eq!(generate(&spec(shape, 0.1)), (train, test), "{shape:?}: same seed, same set");
        }
    }

    #[test]
    fn clean_shapes_follow_their_rules() {
        let (train, _) = generate(&spec(ToyShape::Xor, 0.0));
        for i in 0..train.len() {
            let [x, y] = [train.row(i)[0], train.row(i)[1]];
            assert_eq!(train.labels[i] == 1, x * y > 0.0, "xor point ({x}, {y})");
        }
        let (train, _) = generate(&spec(ToyShape::Circles, 0.0));
        for i in 0..train.len() {
            let r = train.row(i)[0].hypot(train.row(i)[1]);
            assert_eq!(train.labels[i] == 1, r > 0.55, "circle radius {r}");
        }
    }

    /// Golden values: the first training points of a seeded set. They change only if the
    /// generator or rand's sampling changes — which would change every shared link's data.
    #[test]
    fn a_seeded_set_is_value_stable() {
        let (train, _) = generate(&spec(ToyShape::Moons, 0.2));
        assert_eq!((&train.features[..6], &train.labels[..3]), (&GOLDEN_FEATURES[..], &GOLDEN_LABELS[..]));
    }

    const GOLDEN_FEATURES: [f32; 6] =
        [-0.718_209_15, 0.215_697_74, -0.843_244_6, 0.144_016_88, -0.212_988_11, 0.439_765_21];
    const GOLDEN_LABELS: [u32; 3] = [0; 3];
}
