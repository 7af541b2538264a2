//! One GCN layer at one node, term by term — what TF-GNN's `GCNConv` computes for it: each
//! incoming message `hᵤW` (the sender's state through the layer's kernel), its coefficient
//! `wᵤᵥ / √(d̂ᵤ d̂ᵥ)` (the edge weight over the square roots of the sender's and receiver's
//! degrees, each counting the self loop), the self loop's `1 / √(d̂ᵥ d̂ᵥ)`, the sum, the bias
//! and the activation; beside it the state the model itself computed, so the sum shown is
//! the one that is done.

use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

use super::adjacency::Adjacency;
use super::hetero::conv::GcnConv;
use crate::config::tfgnn::{Activation, DegreeNormalization};
use crate::model::NodeInput;
use crate::tensor::labels;

/// One message into the node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageTerm {
    /// The sender (the node itself for the self loop).
    pub from: u32,
    /// Whether this is the node's self loop.
    pub self_loop: bool,
    /// The edge's weight (1 for the self loop).
    pub weight: f32,
    /// The sender's degree `d̂ᵤ`: its outgoing edge weights plus its self loop.
    pub sender_degree: f32,
    /// `wᵤᵥ / √(d̂ᵤ d̂ᵥ)`.
    pub coefficient: f32,
    /// `hᵤW`, one value per unit.
    pub message: Vec<f32>,
}

/// One layer at one node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerStep {
    /// The layer (0: the first).
    pub layer: usize,
    /// The receiving node.
    pub node: u32,
    /// Its degree `d̂ᵥ`: incoming edge weights plus its self loop.
    pub receiver_degree: f32,
    /// Every incoming message, the self loop first.
    pub terms: Vec<MessageTerm>,
    /// `b`.
    pub bias: Vec<f32>,
    /// Whether the layer applies a ReLU (hidden layers) or nothing (the logits).
    pub relu: bool,
    /// `h′ᵥ` as the model computed it.
    pub state: Vec<f32>,
}

impl LayerStep {
    /// `Σᵤ cᵤᵥ · hᵤW`, summed here from the terms shown.
    pub fn aggregate(&self) -> Vec<f32> {
        let mut sum = vec![0.0_f32; self.bias.len()];
        for term in &self.terms {
            for (s, m) in sum.iter_mut().zip(&term.message) {
                *s += term.coefficient * m;
            }
        }
        sum
    }

    /// `act(Σᵤ cᵤᵥ · hᵤW + b)`: what the terms shown add up to.
    pub fn update(&self) -> Vec<f32> {
        self.aggregate()
            .iter()
            .zip(&self.bias)
            .map(|(a, b)| if self.relu { (a + b).max(0.0) } else { a + b })
            .collect()
    }
}

/// One layer at one node on the device: the host's part (senders, weights, degrees,
/// coefficients) and the tensors to read back (messages, bias, the model's new state).
#[derive(Debug)]
pub struct LayerTensors {
    /// The layer.
    pub layer: usize,
    /// The receiving node.
    pub node: u32,
    /// `d̂ᵥ`.
    pub receiver_degree: f32,
    /// Each term's sender, whether it is the self loop, weight, sender degree, coefficient.
    pub terms: Vec<(u32, bool, f32, f32, f32)>,
    /// Whether the layer applies a ReLU.
    pub relu: bool,
    /// `[terms, units]`: each sender's `hᵤW`.
    pub messages: Tensor<2>,
    /// `[units]`.
    pub bias: Tensor<1>,
    /// `[1, units]`: the model's `h′ᵥ`.
    pub state: Tensor<2>,
}

impl LayerTensors {
    /// The step, given the read-back values of `messages`, `bias` and `state`.
    pub fn step(&self, messages: &[f32], bias: &[f32], state: &[f32]) -> LayerStep {
        let units = bias.len();
        LayerStep {
            layer: self.layer,
            node: self.node,
            receiver_degree: self.receiver_degree,
            terms: self
                .terms
                .iter()
                .enumerate()
                .map(|(k, &(from, self_loop, weight, sender_degree, coefficient))| MessageTerm {
                    from,
                    self_loop,
                    weight,
                    sender_degree,
                    coefficient,
                    message: messages[k * units..(k + 1) * units].to_vec(),
                })
                .collect(),
            bias: bias.to_vec(),
            relu: self.relu,
            state: state.to_vec(),
        }
    }
}

/// Every GCN layer's terms at `node`: `inputs[l]` is what layer `l` reads (the features, then
/// each layer's output), `states[l]` what it outputs. `None` unless every layer is a GCN with
/// self loops, edge weights and the symmetric degree normalisation (the model's GCNs).
pub fn gcn_layer_tensors(
    layers: &[&GcnConv],
    inputs: &[NodeInput],
    states: &[Tensor<2>],
    adjacency: &Adjacency,
    node: u32,
) -> Option<Vec<LayerTensors>> {
    if layers.iter().any(|c| !c.self_loops || c.normalization != DegreeNormalization::InOut || !c.weighted) {
        return None;
    }
    // Weighted degrees at each end, each counting the self loop.
    let mut out_degree = vec![1.0_f32; adjacency.nodes];
    let mut in_degree = vec![1.0_f32; adjacency.nodes];
    for (s, d, w) in adjacency.triples() {
        out_degree[s as usize] += w;
        in_degree[d as usize] += w;
    }
    let v = node as usize;
    let mut terms = vec![(node, true, 1.0, out_degree[v], 1.0 / (out_degree[v] * in_degree[v]).sqrt())];
    terms.extend(adjacency.triples().filter(|&(_, d, _)| d == node).map(|(s, _, w)| {
        (s, false, w, out_degree[s as usize], w / (out_degree[s as usize] * in_degree[v]).sqrt())
    }));
    let senders: Vec<u32> = terms.iter().map(|t| t.0).collect();
    let senders = labels(&senders, &states.first()?.device());
    let tensors = layers
        .iter()
        .enumerate()
        .map(|(l, conv)| {
            let kernel = conv.filter.kernel.val();
            let units = kernel.dims()[1];
            let device = kernel.device();
            LayerTensors {
                layer: l,
                node,
                receiver_degree: in_degree[v],
                terms: terms.clone(),
                relu: conv.filter.activation == Activation::Relu,
                messages: inputs[l].matmul(kernel).select(0, senders.clone()),
                bias: match &conv.filter.bias {
                    Some(b) => b.val(),
                    None => Tensor::<1>::zeros([units], &device),
                },
                state: states[l].clone().slice([v..v + 1, 0..units]),
            }
        })
        .collect();
    Some(tensors)
}
