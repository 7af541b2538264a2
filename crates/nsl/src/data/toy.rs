//! Two-dimensional classification sets in the spirit of TensorFlow Playground: two moons,
//! circles, spiral, xor and Gaussian blobs (blobs and spiral arms up to five classes), seeded,
//! with noise and a train/test split; and the learner's own points as examples.

use nsl_graph::rng::{SeededRng, seeded};
use rand::RngExt;

use nsl_graph::datasets::standard_normal;

use super::examples::Examples;
use crate::spec::{PlanePoint, PlanePoints, ToyShape, ToySpec};

/// Draws the set and splits it; coordinates lie roughly in `[-1, 1]`.
pub fn generate(spec: &ToySpec) -> (Examples, Examples) {
    let mut rng = seeded(spec.seed);
    let mut features = Vec::with_capacity(spec.points * 2);
    let mut labels = Vec::with_capacity(spec.points);
    let jitter = 0.25 * spec.noise;
    let classes = spec.drawn_classes();
    for i in 0..spec.points {
        let class = (i % classes) as u32;
        let t = rng.random::<f32>();
        let (x, y) = point(spec.shape, class, classes, t, &mut rng);
        features.push(x + jitter * standard_normal(&mut rng));
        features.push(y + jitter * standard_normal(&mut rng));
        labels.push(class);
    }
    let all = Examples { features, dim: 2, labels, classes };
    let mut order: Vec<usize> = (0..spec.points).collect();
    rand::seq::SliceRandom::shuffle(order.as_mut_slice(), &mut rng);
    let cut = ((spec.points as f32) * spec.train_fraction).round() as usize;
    let cut = cut.clamp(1.min(spec.points), spec.points);
    (all.subset(&order[..cut]), all.subset(&order[cut..]))
}

/// The learner's points as training and test examples.
pub fn from_points(points: &PlanePoints) -> (Examples, Examples) {
    let classes = points.classes();
    let examples = |list: &[PlanePoint]| Examples {
        features: list.iter().flat_map(|p| [p.0, p.1]).collect(),
        dim: 2,
        labels: list.iter().map(|p| p.2).collect(),
        classes,
    };
    (examples(&points.train), examples(&points.test))
}

/// A clean point of `class` (of `classes`) at curve parameter `t ∈ [0, 1)`.
fn point(shape: ToyShape, class: u32, classes: usize, t: f32, rng: &mut SeededRng) -> (f32, f32) {
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
            // One arm per class, evenly turned (two arms: half a turn apart).
            let r = 0.05 + 0.9 * t;
            let a = 1.75 * 2.0 * PI * t + 2.0 * PI * class as f32 / classes as f32;
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
            // Centres evenly round a circle through (−0.5, −0.5) (two classes: opposite corners).
            let angle = 1.25 * PI + 2.0 * PI * class as f32 / classes as f32;
            let radius = 0.5 * std::f32::consts::SQRT_2;
            let center = (radius * angle.cos(), radius * angle.sin());
            (center.0 + 0.2 * standard_normal(rng), center.1 + 0.2 * standard_normal(rng))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(shape: ToyShape, noise: f32) -> ToySpec {
        ToySpec { shape, points: 400, noise, train_fraction: 0.75, seed: 3, classes: 2 }
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
    fn blobs_and_spirals_take_up_to_five_classes_and_other_shapes_two() {
        for classes in 3..=5 {
            for shape in [ToyShape::Blobs, ToyShape::Spiral] {
                let (train, test) = generate(&ToySpec { classes, ..spec(shape, 0.05) });
                assert_eq!(train.classes, classes, "{shape:?}");
                for class in 0..classes as u32 {
                    let count = train.labels.iter().chain(&test.labels).filter(|&&l| l == class).count();
                    assert!(
                        count.abs_diff(400 / classes) <= 1,
                        "{shape:?}: class {class} has {count} points"
                    );
                }
            }
            // Blob centres: each class's mean lies near its own centre, apart from the others.
            let (train, _) = generate(&ToySpec { classes, ..spec(ToyShape::Blobs, 0.0) });
            let means: Vec<(f32, f32)> = (0..classes as u32)
                .map(|c| {
                    let rows: Vec<usize> = (0..train.len()).filter(|&i| train.labels[i] == c).collect();
                    let n = rows.len() as f32;
                    let sum =
                        rows.iter().fold((0.0, 0.0), |a, &i| (a.0 + train.row(i)[0], a.1 + train.row(i)[1]));
                    (sum.0 / n, sum.1 / n)
                })
                .collect();
            for a in 0..classes {
                for b in a + 1..classes {
                    let gap = (means[a].0 - means[b].0).hypot(means[a].1 - means[b].1);
                    assert!(gap > 0.4, "{classes} blobs: classes {a} and {b} only {gap} apart");
                }
            }
        }
        let (moons, _) = generate(&ToySpec { classes: 4, ..spec(ToyShape::Moons, 0.1) });
        assert_eq!(moons.classes, 2, "moons have two classes whatever is asked");
    }

    #[test]
    fn own_points_become_examples_with_their_classes() {
        let points = PlanePoints {
            train: vec![PlanePoint(0.1, 0.2, 0), PlanePoint(-0.5, 0.5, 3)],
            test: vec![PlanePoint(0.0, -1.0, 1)],
        };
        let (train, test) = from_points(&points);
        assert_eq!((train.classes, test.classes), (4, 4));
        assert_eq!(train.features, vec![0.1, 0.2, -0.5, 0.5]);
        assert_eq!((train.labels.clone(), test.labels.clone()), (vec![0, 3], vec![1]));
        assert_eq!(test.row(0), &[0.0, -1.0]);
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
