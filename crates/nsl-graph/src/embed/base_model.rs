//! The penultimate layer of a base model as an embedding: a one-hidden-layer ReLU network
//! trained on the few labeled rows, then every row's hidden activations. NSL's tutorials build
//! their graphs from a trained model's embeddings the same way.
//!
//! The network is trained here, on the host, rather than with the crate's tensor backend: a
//! tuned GEMM fuses multiply-adds natively but not in wasm, so the weights — and the edges
//! decided from them — would differ by target. Every sum below keeps one order of operations,
//! so `nsl` and the browser embed to the same bits, as the PCA does.

use rand::RngExt;

use crate::error::{GraphError, Result};
use crate::rng::seeded;

/// Keras' Adam: learning rate, β₁, β₂, ε.
const ADAM: (f32, f32, f32, f32) = (0.01, 0.9, 0.999, 1e-7);

/// The rows `values` (`n × dim`, row-major, labels `labels`) embedded as the hidden layer of a
/// `dim → hidden → classes` ReLU network trained with Adam for `epochs` full-batch steps of
/// softmax cross-entropy on the rows `labeled`: `n × hidden` values.
///
/// # Arguments
/// - `labeled`: indices of the rows whose label the model may see (at least one).
/// - `seed`: the seed of the Glorot-uniform initial weights.
pub fn penultimate(
    values: &[f32],
    dim: usize,
    labels: &[u32],
    labeled: &[usize],
    hidden: usize,
    epochs: usize,
    seed: u64,
) -> Result<Vec<f32>> {
    let n = labels.len();
    if dim == 0 || values.len() != n * dim {
        return Err(GraphError::Config(format!("{} values are not {n} rows of width {dim}", values.len())));
    }
    if hidden == 0 || labeled.is_empty() || labeled.iter().any(|&i| i >= n) {
        return Err(GraphError::Config(
            "a base model needs hidden units and labeled rows among the rows".into(),
        ));
    }
    let classes = labels.iter().max().map_or(1, |&c| c as usize + 1);
    let mut net = Network::new(dim, hidden, classes, seed);
    let rows: Vec<&[f32]> = labeled.iter().map(|&i| &values[i * dim..(i + 1) * dim]).collect();
    let targets: Vec<usize> = labeled.iter().map(|&i| labels[i] as usize).collect();
    let mut adam = Adam::new(&net);
    for _ in 0..epochs {
        let gradient = net.gradient(&rows, &targets);
        adam.step(&mut net, &gradient);
    }
    Ok(values.chunks_exact(dim).flat_map(|row| net.hidden(row)).collect())
}

/// Weights of the network, each kernel `[inputs × outputs]` row-major.
#[derive(Debug, Clone)]
struct Network {
    hidden: usize,
    classes: usize,
    w1: Vec<f32>,
    b1: Vec<f32>,
    w2: Vec<f32>,
    b2: Vec<f32>,
}

impl Network {
    /// Glorot-uniform kernels (Keras' default), zero biases.
    fn new(dim: usize, hidden: usize, classes: usize, seed: u64) -> Self {
        let mut rng = seeded(seed);
        let mut glorot = |inputs: usize, outputs: usize| -> Vec<f32> {
            let limit = (6.0 / (inputs + outputs) as f32).sqrt();
            (0..inputs * outputs).map(|_| rng.random_range(-limit..limit)).collect()
        };
        let (w1, w2) = (glorot(dim, hidden), glorot(hidden, classes));
        Self { hidden, classes, w1, b1: vec![0.0; hidden], w2, b2: vec![0.0; classes] }
    }

    /// `relu(row · w1 + b1)`, skipping the row's zeros (most pixels).
    fn hidden(&self, row: &[f32]) -> Vec<f32> {
        let mut h = self.b1.clone();
        for (&x, w) in row.iter().zip(self.w1.chunks_exact(self.hidden)) {
            if x != 0.0 {
                h.iter_mut().zip(w).for_each(|(h, &w)| *h += x * w);
            }
        }
        h.iter_mut().for_each(|h| *h = h.max(0.0));
        h
    }

    /// The mean cross-entropy's gradient over `rows` with `targets`, shaped like the weights.
    fn gradient(&self, rows: &[&[f32]], targets: &[usize]) -> Network {
        let mut g = Network {
            w1: vec![0.0; self.w1.len()],
            b1: vec![0.0; self.hidden],
            w2: vec![0.0; self.w2.len()],
            b2: vec![0.0; self.classes],
            ..*self
        };
        let scale = 1.0 / rows.len() as f32;
        for (row, &target) in rows.iter().zip(targets) {
            let h = self.hidden(row);
            let mut logits = self.b2.clone();
            for (&x, w) in h.iter().zip(self.w2.chunks_exact(self.classes)) {
                logits.iter_mut().zip(w).for_each(|(z, &w)| *z += x * w);
            }
            // d loss / d logits = softmax − one-hot, averaged over the rows.
            let top = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            // libm's exp, not the platform's: the same bits natively and in wasm.
            let exp: Vec<f32> = logits.iter().map(|z| libm::expf(z - top)).collect();
            let total: f32 = exp.iter().sum();
            let dz: Vec<f32> = exp
                .iter()
                .enumerate()
                .map(|(c, e)| (e / total - f32::from(u8::from(c == target))) * scale)
                .collect();
            g.b2.iter_mut().zip(&dz).for_each(|(g, d)| *g += d);
            let mut dh = vec![0.0f32; self.hidden];
            for (k, (&x, w)) in h.iter().zip(self.w2.chunks_exact(self.classes)).enumerate() {
                if x > 0.0 {
                    let gw = &mut g.w2[k * self.classes..(k + 1) * self.classes];
                    gw.iter_mut().zip(&dz).for_each(|(g, &d)| *g += x * d);
                    dh[k] = w.iter().zip(&dz).map(|(&w, &d)| w * d).fold(0.0, |a, b| a + b);
                }
            }
            g.b1.iter_mut().zip(&dh).for_each(|(g, d)| *g += d);
            for (&x, gw) in row.iter().zip(g.w1.chunks_exact_mut(self.hidden)) {
                if x != 0.0 {
                    gw.iter_mut().zip(&dh).for_each(|(g, &d)| *g += x * d);
                }
            }
        }
        g
    }

    fn parameters_mut(&mut self) -> [&mut Vec<f32>; 4] {
        [&mut self.w1, &mut self.b1, &mut self.w2, &mut self.b2]
    }
}

/// Adam's moments, one per weight.
#[derive(Debug)]
struct Adam {
    /// β₁ and β₂ to the power of the steps taken (products, not `powi`: one rounding on every
    /// target).
    decay: (f32, f32),
    first: [Vec<f32>; 4],
    second: [Vec<f32>; 4],
}

impl Adam {
    fn new(net: &Network) -> Self {
        let zeros = || [net.w1.len(), net.b1.len(), net.w2.len(), net.b2.len()].map(|len| vec![0.0; len]);
        Self { decay: (1.0, 1.0), first: zeros(), second: zeros() }
    }

    fn step(&mut self, net: &mut Network, gradient: &Network) {
        let (rate, beta1, beta2, epsilon) = ADAM;
        self.decay = (self.decay.0 * beta1, self.decay.1 * beta2);
        let rate = rate * (1.0 - self.decay.1).sqrt() / (1.0 - self.decay.0);
        let gradients = [&gradient.w1, &gradient.b1, &gradient.w2, &gradient.b2];
        for (((weights, g), m), v) in
            net.parameters_mut().into_iter().zip(gradients).zip(&mut self.first).zip(&mut self.second)
        {
            for (((w, &g), m), v) in weights.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                *m = beta1 * *m + (1.0 - beta1) * g;
                *v = beta2 * *v + (1.0 - beta2) * g * g;
                *w -= rate * *m / (v.sqrt() + epsilon);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two classes in 6 dimensions, each a noisy copy of its own pattern; half the rows labeled.
    fn patterns() -> (Vec<f32>, Vec<u32>) {
        let mut rng = seeded(1);
        let (mut values, mut labels) = (Vec::new(), Vec::new());
        for i in 0..40 {
            let class = i % 2;
            let pattern: [f32; 6] =
                if class == 0 { [1., 1., 1., 0., 0., 0.] } else { [0., 0., 1., 1., 1., 0.] };
            values.extend(pattern.iter().map(|p| p + rng.random_range(0.0f32..0.6)));
            labels.push(class as u32);
        }
        (values, labels)
    }

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
        dot / (norm(a) * norm(b))
    }

    /// Mean cosine between rows of the same class and of different classes.
    fn separation(values: &[f32], width: usize, labels: &[u32]) -> (f32, f32) {
        let (mut same, mut other) = ((0.0, 0), (0.0, 0));
        for i in 0..labels.len() {
            for j in i + 1..labels.len() {
                let c = cosine(&values[i * width..(i + 1) * width], &values[j * width..(j + 1) * width]);
                let bucket = if labels[i] == labels[j] { &mut same } else { &mut other };
                bucket.0 += c;
                bucket.1 += 1;
            }
        }
        (same.0 / same.1 as f32, other.0 / other.1 as f32)
    }

    #[test]
    fn the_trained_layer_pulls_classes_apart_and_is_seeded() {
        let (values, labels) = patterns();
        let labeled: Vec<usize> = (0..20).collect();
        let embedded = penultimate(&values, 6, &labels, &labeled, 8, 100, 3).unwrap();
        assert_eq!(embedded.len(), 40 * 8);
        let (raw_same, raw_other) = separation(&values, 6, &labels);
        let (same, other) = separation(&embedded, 8, &labels);
        assert!(
            same - other > raw_same - raw_other,
            "the hidden layer separates the classes more than the raw rows: {same:.3}/{other:.3} vs {raw_same:.3}/{raw_other:.3}"
        );
        assert_eq!(
            embedded,
            penultimate(&values, 6, &labels, &labeled, 8, 100, 3).unwrap(),
            "same seed, same bits"
        );
        assert_ne!(embedded, penultimate(&values, 6, &labels, &labeled, 8, 100, 4).unwrap());
        let untrained = penultimate(&values, 6, &labels, &labeled, 8, 0, 3).unwrap();
        assert_ne!(embedded, untrained, "training moved the weights");
    }

    #[test]
    fn the_gradient_is_the_loss_slope() {
        // A finite difference on one kernel entry of each layer.
        let (values, labels) = patterns();
        let rows: Vec<&[f32]> = values.chunks_exact(6).take(6).collect();
        let targets: Vec<usize> = labels.iter().take(6).map(|&l| l as usize).collect();
        let net = Network::new(6, 5, 2, 7);
        let loss = |net: &Network| -> f64 {
            rows.iter()
                .zip(&targets)
                .map(|(row, &t)| {
                    let h = net.hidden(row);
                    let z: Vec<f64> = (0..2)
                        .map(|c| {
                            f64::from(net.b2[c])
                                + (0..5).map(|k| f64::from(h[k] * net.w2[k * 2 + c])).sum::<f64>()
                        })
                        .collect();
                    let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let total: f64 = z.iter().map(|v| (v - top).exp()).sum();
                    -(z[t] - top - total.ln())
                })
                .sum::<f64>()
                / rows.len() as f64
        };
        let gradient = net.gradient(&rows, &targets);
        for (layer, index) in [(0usize, 7usize), (2, 3)] {
            let (mut plus, mut minus) = (net.clone(), net.clone());
            plus.parameters_mut()[layer][index] += 1e-3;
            minus.parameters_mut()[layer][index] -= 1e-3;
            let numeric = (loss(&plus) - loss(&minus)) / 2e-3;
            let analytic = f64::from([&gradient.w1, &gradient.b1, &gradient.w2, &gradient.b2][layer][index]);
            assert!((numeric - analytic).abs() < 1e-3, "layer {layer}[{index}]: {numeric} vs {analytic}");
        }
    }

    #[test]
    fn bad_shapes_are_refused() {
        assert!(penultimate(&[1.0; 5], 2, &[0, 1], &[0], 4, 1, 0).is_err());
        assert!(penultimate(&[1.0; 4], 2, &[0, 1], &[], 4, 1, 0).is_err());
        assert!(penultimate(&[1.0; 4], 2, &[0, 1], &[2], 4, 1, 0).is_err());
    }
}
