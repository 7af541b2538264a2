//! Message-passing layers: GCN (Kipf & Welling), GraphSAGE (mean and max-pool aggregators,
//! Hamilton et al.) and GATv2 (Brody et al.), each a burn [`Module`] with a config that
//! initialises it (Glorot-uniform weights drawn on the host from a seed, zero biases).

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig};
use burn::tensor::{Device, IndexingUpdateOp, Int, Tensor, activation};
use nsl_graph::rng::seeded;

use serde::{Deserialize, Serialize};

use super::input::MessageGraph;
use crate::model::NodeInput;
use crate::model::init::{glorot_matrix, zero_bias};
use crate::spec::SageAggregator;

/// Configuration of a [`GcnConv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GcnConvConfig {
    /// Input width.
    pub input: usize,
    /// Output width.
    pub output: usize,
}

impl GcnConvConfig {
    /// A layer with weights drawn from `seed`.
    pub fn init(&self, seed: u64, device: &Device) -> GcnConv {
        let mut rng = seeded(seed);
        GcnConv {
            weight: glorot_matrix(&mut rng, self.input, self.output, device),
            bias: zero_bias(self.output, device),
        }
    }
}

/// `H' = Â X W + b`, with `Â` the symmetrically normalised adjacency with self loops (the
/// coefficients of the [`MessageGraph`] it is given).
#[derive(Module, Debug)]
pub struct GcnConv {
    /// `[input, output]`.
    pub weight: Param<Tensor<2>>,
    /// `[output]`.
    pub bias: Param<Tensor<1>>,
}

impl GcnConv {
    /// # Shapes
    /// - `x`: `[nodes, input]`; returns `[nodes, output]`.
    pub fn forward(&self, x: &NodeInput, graph: &MessageGraph) -> Tensor<2> {
        graph.propagate(x.matmul(self.weight.val())) + self.bias.val().unsqueeze()
    }
}

/// Configuration of a [`SageConv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SageConvConfig {
    /// Input width.
    pub input: usize,
    /// Output width.
    pub output: usize,
    /// Neighbor aggregator.
    pub aggregator: SageAggregator,
}

impl SageConvConfig {
    /// A layer with weights drawn from `seed`.
    pub fn init(&self, seed: u64, device: &Device) -> SageConv {
        let mut rng = seeded(seed);
        let pooled = match self.aggregator {
            SageAggregator::Mean => self.input,
            SageAggregator::Max => self.output,
        };
        SageConv {
            self_weight: glorot_matrix(&mut rng, self.input, self.output, device),
            neighbor_weight: glorot_matrix(&mut rng, pooled, self.output, device),
            bias: zero_bias(self.output, device),
            pool_weight: (self.aggregator == SageAggregator::Max)
                .then(|| glorot_matrix(&mut rng, self.input, pooled, device)),
            pool_bias: (self.aggregator == SageAggregator::Max).then(|| zero_bias(pooled, device)),
        }
    }
}

/// `h'_i = W_self x_i + W_neigh · agg_{j → i}(x_j) + b`.
#[derive(Module, Debug)]
pub struct SageConv {
    /// `[input, output]`.
    pub self_weight: Param<Tensor<2>>,
    /// `[pooled, output]`.
    pub neighbor_weight: Param<Tensor<2>>,
    /// `[output]`.
    pub bias: Param<Tensor<1>>,
    /// Max aggregator's `[input, pooled]` projection.
    pub pool_weight: Option<Param<Tensor<2>>>,
    /// Max aggregator's `[pooled]` bias.
    pub pool_bias: Option<Param<Tensor<1>>>,
}

/// In-neighbors padded to a fixed width, for max aggregation: `index` is `[nodes · width]`,
/// padding points at row `nodes` (a zero row appended before gathering).
#[derive(Debug, Clone)]
pub struct PaddedNeighbors {
    /// Gather indices.
    pub index: Tensor<1, Int>,
    /// Slots per node.
    pub width: usize,
}

impl SageConv {
    /// `mean` carries mean coefficients (no self loops); `padded` is needed by the max aggregator.
    ///
    /// # Shapes
    /// - `x`: `[nodes, input]`; returns `[nodes, output]`.
    pub fn forward(&self, x: &NodeInput, mean: &MessageGraph, padded: Option<&PaddedNeighbors>) -> Tensor<2> {
        let own = x.matmul(self.self_weight.val());
        let neighbors = match (&self.pool_weight, &self.pool_bias, padded) {
            (Some(w), Some(b), Some(padded)) => {
                let pooled = activation::relu(x.matmul(w.val()) + b.val().unsqueeze());
                let [nodes, width] = pooled.dims();
                let padded_rows =
                    Tensor::cat(vec![pooled.clone(), Tensor::zeros([1, width], &pooled.device())], 0);
                let gathered =
                    padded_rows.select(0, padded.index.clone()).reshape([nodes, padded.width, width]);
                gathered.max_dim(1).reshape([nodes, width]).matmul(self.neighbor_weight.val())
            }
            // `GraphContext::new` builds padded neighbors for the max aggregator and
            // `Gnn::check` refuses a context without them, so this arm cannot be reached there.
            (Some(_), _, None) => unreachable!("the max aggregator needs padded neighbors"),
            _ => mean.propagate(x.matmul(self.neighbor_weight.val())),
        };
        own + neighbors + self.bias.val().unsqueeze()
    }
}

/// Configuration of a [`GatConv`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GatConvConfig {
    /// Input width.
    pub input: usize,
    /// Channels per head.
    pub channels: usize,
    /// Attention heads.
    pub heads: usize,
    /// Concatenate the heads (else average them).
    pub concat: bool,
    /// Dropout on the attention coefficients while training.
    pub attention_dropout: f64,
}

impl GatConvConfig {
    /// A layer with weights drawn from `seed`.
    pub fn init(&self, seed: u64, device: &Device) -> GatConv {
        let mut rng = seeded(seed);
        let width = self.heads * self.channels;
        GatConv {
            left: glorot_matrix(&mut rng, self.input, width, device),
            right: glorot_matrix(&mut rng, self.input, width, device),
            attention: glorot_matrix(&mut rng, self.heads, self.channels, device),
            bias: zero_bias(if self.concat { width } else { self.channels }, device),
            attention_dropout: DropoutConfig::new(self.attention_dropout).init(),
            heads: self.heads,
            channels: self.channels,
            concat: self.concat,
        }
    }
}

/// GATv2: for an edge `j → i` and head `h`, `e = aₕ · LeakyReLU₀.₂(W_l x_j + W_r x_i)`,
/// `α = softmax over i's in-edges`, `h'_i = Σ α · W_l x_j`; heads concatenated or averaged.
#[derive(Module, Debug)]
pub struct GatConv {
    /// `W_l`: `[input, heads · channels]` (messages).
    pub left: Param<Tensor<2>>,
    /// `W_r`: `[input, heads · channels]` (targets).
    pub right: Param<Tensor<2>>,
    /// `a`: `[heads, channels]`.
    pub attention: Param<Tensor<2>>,
    /// `[heads · channels]` or `[channels]`.
    pub bias: Param<Tensor<1>>,
    /// Dropout on α while training.
    pub attention_dropout: Dropout,
    /// Heads.
    #[module(skip)]
    pub heads: usize,
    /// Channels per head.
    #[module(skip)]
    pub channels: usize,
    /// Concatenate (else average) heads.
    #[module(skip)]
    pub concat: bool,
}

impl GatConv {
    /// Output and attention coefficients. `graph` should include self loops.
    ///
    /// # Shapes
    /// - `x`: `[nodes, input]`
    /// - returns `([nodes, heads · channels]` or `[nodes, channels]`, `α: [edges, heads])`
    pub fn forward(&self, x: &NodeInput, graph: &MessageGraph) -> (Tensor<2>, Tensor<2>) {
        let (heads, channels, nodes) = (self.heads, self.channels, graph.nodes);
        let edges = graph.host.len();
        let left = x.matmul(self.left.val()).reshape([nodes, heads, channels]);
        let right = x.matmul(self.right.val()).reshape([nodes, heads, channels]);
        let from = left.select(0, graph.src.clone());
        let to = right.select(0, graph.dst.clone());
        let scores = (activation::leaky_relu(from.clone() + to, 0.2)
            * self.attention.val().reshape([1, heads, channels]))
        .sum_dim(2)
        .reshape([edges, heads]);
        // Softmax is invariant to a shift; a per-head maximum keeps exp finite on any backend.
        let shift = scores.clone().detach().max_dim(0);
        let exp = (scores - shift).exp();
        let denominator = Tensor::zeros([nodes, heads], &exp.device()).select_assign(
            0,
            graph.dst.clone(),
            exp.clone(),
            IndexingUpdateOp::Add,
        );
        let alpha = exp / (denominator.select(0, graph.dst.clone()) + 1e-16);
        let dropped = self.attention_dropout.forward(alpha.clone());
        let messages = from * dropped.reshape([edges, heads, 1]);
        let summed = Tensor::zeros([nodes, heads, channels], &messages.device()).select_assign(
            0,
            graph.dst.clone(),
            messages,
            IndexingUpdateOp::Add,
        );
        let out = if self.concat {
            summed.reshape([nodes, heads * channels])
        } else {
            summed.mean_dim(1).reshape([nodes, channels])
        };
        (out + self.bias.val().unsqueeze(), alpha)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gnn::adjacency::Adjacency;
    use crate::tensor::{matrix, to_vec};

    /// A small directed graph with a weighted edge and an isolated node (4).
    fn graph() -> Adjacency {
        Adjacency::new(5, &[(0, 1, 1.0), (2, 1, 2.0), (1, 0, 1.0), (3, 2, 1.0), (0, 3, 0.5), (1, 3, 1.0)])
            .unwrap()
    }

    fn features() -> Vec<f32> {
        (0..15).map(|v| ((v * 7 % 11) as f32 - 5.0) / 4.0).collect()
    }

    fn host(p: &Param<Tensor<2>>) -> (Vec<f32>, usize) {
        let t = p.val();
        (to_vec(t.clone()), t.dims()[1])
    }

    /// `x [n × d] · w [d × o]` on the host.
    fn mm(x: &[f32], d: usize, w: &[f32], o: usize) -> Vec<f32> {
        let n = x.len() / d;
        let mut out = vec![0.0; n * o];
        for i in 0..n {
            for k in 0..d {
                for j in 0..o {
                    out[i * o + j] += x[i * d + k] * w[k * o + j];
                }
            }
        }
        out
    }

    fn close(a: &[f32], b: &[f32]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-4, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn gcn_matches_a_loop_over_edges() {
        let device = Device::flex();
        let adj = graph().with_self_loops(1.0);
        let layer = GcnConvConfig { input: 3, output: 2 }.init(1, &device);
        let x = features();
        let out = layer.forward(
            &NodeInput::Dense(matrix(x.clone(), 5, 3, &device)),
            &MessageGraph::new(adj.clone(), adj.gcn_coefficients(), &device),
        );
        let (w, o) = host(&layer.weight);
        let xw = mm(&x, 3, &w, o);
        let degree = adj.in_degree();
        let mut expected = vec![0.0; 10];
        for (s, d, weight) in adj.triples() {
            let c = weight / (degree[s as usize] * degree[d as usize]).sqrt();
            for j in 0..o {
                expected[d as usize * o + j] += c * xw[s as usize * o + j];
            }
        }
        close(&to_vec(out), &expected);
    }

    #[test]
    fn sage_mean_and_max_match_loops() {
        let device = Device::flex();
        let adj = graph();
        let x = features();
        let input = NodeInput::Dense(matrix(x.clone(), 5, 3, &device));
        let mean = MessageGraph::new(adj.clone(), adj.mean_coefficients(), &device);
        let (padded, width) = adj.padded_in_neighbors();
        let padded = PaddedNeighbors { index: crate::tensor::labels(&padded, &device), width };
        let mut in_lists = vec![Vec::new(); 5];
        for (s, d, _) in adj.triples() {
            in_lists[d as usize].push(s as usize);
        }
        for aggregator in [SageAggregator::Mean, SageAggregator::Max] {
            let layer = SageConvConfig { input: 3, output: 2, aggregator }.init(2, &device);
            let out = to_vec(layer.forward(&input, &mean, Some(&padded)));
            let (ws, o) = host(&layer.self_weight);
            let (wn, _) = host(&layer.neighbor_weight);
            let own = mm(&x, 3, &ws, o);
            let mut expected = own.clone();
            for i in 0..5 {
                let list = &in_lists[i];
                if list.is_empty() {
                    continue;
                }
                let agg: Vec<f32> = match aggregator {
                    SageAggregator::Mean => (0..3)
                        .map(|k| list.iter().map(|&j| x[j * 3 + k]).sum::<f32>() / list.len() as f32)
                        .collect(),
                    SageAggregator::Max => {
                        let (wp, p) = host(layer.pool_weight.as_ref().unwrap());
                        let pooled: Vec<Vec<f32>> = list
                            .iter()
                            .map(|&j| {
                                mm(&x[j * 3..j * 3 + 3], 3, &wp, p).iter().map(|v| v.max(0.0)).collect()
                            })
                            .collect();
                        (0..p).map(|k| pooled.iter().map(|r| r[k]).fold(0.0, f32::max)).collect()
                    }
                };
                let contribution = mm(&agg, agg.len(), &wn, o);
                for j in 0..o {
                    expected[i * o + j] += contribution[j];
                }
            }
            close(&out, &expected);
        }
    }

    #[test]
    fn gatv2_matches_a_loop_and_attention_sums_to_one() {
        let device = Device::flex();
        let adj = graph().with_self_loops(1.0);
        let x = features();
        let config = GatConvConfig { input: 3, channels: 2, heads: 2, concat: true, attention_dropout: 0.0 };
        let layer = config.init(3, &device);
        let message_graph = MessageGraph::new(adj.clone(), vec![1.0; adj.len()], &device);
        let (out, alpha) = layer.forward(&NodeInput::Dense(matrix(x.clone(), 5, 3, &device)), &message_graph);
        let (wl, hc) = host(&layer.left);
        let (wr, _) = host(&layer.right);
        let (a, _) = host(&layer.attention);
        let (l, r) = (mm(&x, 3, &wl, hc), mm(&x, 3, &wr, hc));
        let alpha = to_vec(alpha);
        let mut expected = vec![0.0; 5 * hc];
        for h in 0..2 {
            let score = |e: usize| -> f32 {
                let (s, d) = (adj.src[e] as usize, adj.dst[e] as usize);
                (0..2)
                    .map(|c| {
                        let z = l[s * hc + h * 2 + c] + r[d * hc + h * 2 + c];
                        a[h * 2 + c] * if z > 0.0 { z } else { 0.2 * z }
                    })
                    .sum()
            };
            for i in 0..5u32 {
                let in_edges: Vec<usize> = (0..adj.len()).filter(|&e| adj.dst[e] == i).collect();
                let total: f32 = in_edges.iter().map(|&e| score(e).exp()).sum();
                let mut alpha_sum = 0.0;
                for &e in &in_edges {
                    let weight = score(e).exp() / total;
                    assert!((alpha[e * 2 + h] - weight).abs() < 1e-5);
                    alpha_sum += alpha[e * 2 + h];
                    for c in 0..2 {
                        expected[i as usize * hc + h * 2 + c] +=
                            weight * l[adj.src[e] as usize * hc + h * 2 + c];
                    }
                }
                assert!((alpha_sum - 1.0).abs() < 1e-5);
            }
        }
        close(&to_vec(out), &expected);
    }
}
