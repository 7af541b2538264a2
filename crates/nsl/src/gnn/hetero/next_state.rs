//! Next states: a node set's new state from its old one and the pooled messages of each of its
//! incoming edge sets (given in edge-set name order, as TF-GNN flattens them).

use burn::module::{Module, Param};
use burn::nn::Dropout;
use burn::tensor::{Device, Tensor};

use super::dense::{Dense, LayerNorm, Normalize, activate, apply_dropout};
use super::weights::{Start, WeightSource, role};
use crate::config::tfgnn::{Activation, Combine, Normalization};
use crate::error::{NslError, Result};
use crate::model::NodeInput;

/// A next-state layer.
#[derive(Module, Debug)]
pub enum NextState {
    /// TF-GNN's `NextStateFromConcat` as VanillaMPNN builds it.
    Concat(ConcatNextState),
    /// MtAlbis' next state.
    MtAlbis(MtAlbisNextState),
    /// GraphSAGE's next state.
    Sage(SageNextState),
    /// TF-GNN's `SingleInputNextState`: the one edge set's pooled messages are the new state
    /// (how `GCNHomGraphUpdate` and `GATv2HomGraphUpdate` finish).
    Single(SingleInput),
}

/// The new state is the one incoming edge set's pooled messages; no weights.
#[derive(Module, Debug, Default)]
pub struct SingleInput;

impl NextState {
    /// The new state.
    ///
    /// # Shapes
    /// - `state`: `[nodes, width]`; each of `pooled`: `[nodes, ·]`; returns `[nodes, units]`.
    pub fn forward(&self, state: &NodeInput, pooled: Vec<Tensor<2>>) -> Result<Tensor<2>> {
        match self {
            Self::Concat(next) => Ok(next.forward(state.to_dense(), pooled)),
            Self::MtAlbis(next) => next.forward(state.to_dense(), pooled),
            Self::Sage(next) => next.forward(state, pooled),
            Self::Single(_) => match <[Tensor<2>; 1]>::try_from(pooled) {
                Ok([only]) => Ok(only),
                Err(pooled) => Err(NslError::Config(format!(
                    "a single-input next state takes one edge set's messages, not {}",
                    pooled.len()
                ))),
            },
        }
    }
}

/// `relu([state, pooled…] W + b)`, then dropout, then (optionally) layer normalisation.
#[derive(Module, Debug)]
pub struct ConcatNextState {
    /// The dense layer.
    pub transformation: Dense,
    /// Dropout while training.
    pub dropout: Option<Dropout>,
    /// Layer normalisation of the result.
    pub normalization: Option<LayerNorm>,
}

impl ConcatNextState {
    /// Weights `prefix/transformation/{kernel,bias}` and, with `layer_norm`,
    /// `prefix/transformation/output_coordinates/{gamma,beta}` (the names TF-GNN's Keras
    /// `Sequential` gives them).
    pub fn new(
        [input, units]: [usize; 2],
        layer_norm: bool,
        dropout: Option<Dropout>,
        weights: &mut WeightSource,
        prefix: &str,
        device: &Device,
    ) -> Result<Self> {
        let at = role(prefix, "transformation");
        Ok(Self {
            transformation: Dense::new(weights, &at, [input, units], true, Activation::Relu, device)?,
            dropout,
            normalization: match layer_norm {
                true => Some(LayerNorm::new(weights, &role(&at, "output_coordinates"), units, device)?),
                false => None,
            },
        })
    }

    fn forward(&self, state: Tensor<2>, pooled: Vec<Tensor<2>>) -> Tensor<2> {
        let mut net = self.transformation.forward(Tensor::cat([vec![state], pooled].concat(), 1));
        net = apply_dropout(&self.dropout, net);
        match &self.normalization {
            Some(norm) => norm.forward(net),
            None => net,
        }
    }
}

/// Pooled messages of several edge sets combined side by side or added.
fn combine(parts: Vec<Tensor<2>>, how: Combine) -> Result<Tensor<2>> {
    match how {
        Combine::Concat => Ok(Tensor::cat(parts, 1)),
        Combine::Sum => {
            let width = parts[0].dims()[1];
            if let Some(other) = parts.iter().find(|p| p.dims()[1] != width) {
                return Err(NslError::Config(format!(
                    "combining by sum needs equal widths; got {width} and {}",
                    other.dims()[1]
                )));
            }
            Ok(parts.into_iter().reduce(|a, b| a + b).expect("at least one part"))
        }
    }
}

/// MtAlbis: `relu([state, combine(pooled…)] W + b)` (+ the old state if residual), normalised.
#[derive(Module, Debug)]
pub struct MtAlbisNextState {
    /// The dense layer.
    pub dense: Dense,
    /// State dropout while training (on the combined messages and on the result).
    pub dropout: Option<Dropout>,
    /// Layer or batch normalisation of the result.
    pub normalization: Option<Normalize>,
    /// Adds the old state.
    #[module(skip)]
    pub residual: bool,
    /// How edge sets combine.
    #[module(skip)]
    pub combine: Combine,
}

impl MtAlbisNextState {
    /// Weights `prefix/dense/{kernel,bias}` and, with layer normalisation,
    /// `prefix/normalization/{gamma,beta}` (batch normalisation starts at γ = 1, β = 0, moving
    /// mean 0 and variance 1, as Keras does). `normalization` is the kind and Keras' batch
    /// momentum.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        [input, units]: [usize; 2],
        residual: bool,
        normalization: (Normalization, f64),
        combine: Combine,
        dropout: Option<Dropout>,
        weights: &mut WeightSource,
        prefix: &str,
        device: &Device,
    ) -> Result<Self> {
        Ok(Self {
            dense: Dense::new(
                weights,
                &role(prefix, "dense"),
                [input, units],
                true,
                Activation::Relu,
                device,
            )?,
            dropout,
            normalization: match normalization {
                (Normalization::Layer, _) => Some(Normalize::Layer(LayerNorm::new(
                    weights,
                    &role(prefix, "normalization"),
                    units,
                    device,
                )?)),
                (Normalization::Batch, momentum) => Some(Normalize::batch(units, momentum, device)),
                (Normalization::None, _) => None,
            },
            residual,
            combine,
        })
    }

    fn forward(&self, state: Tensor<2>, pooled: Vec<Tensor<2>>) -> Result<Tensor<2>> {
        let messages = apply_dropout(&self.dropout, combine(pooled, self.combine)?);
        let mut net =
            apply_dropout(&self.dropout, self.dense.forward(Tensor::cat(vec![state.clone(), messages], 1)));
        if self.residual {
            if state.dims() != net.dims() {
                return Err(NslError::Config(format!(
                    "a residual next state needs units = the state's width ({} vs {})",
                    net.dims()[1],
                    state.dims()[1]
                )));
            }
            net = net + state;
        }
        Ok(match &self.normalization {
            Some(norm) => norm.forward(net),
            None => net,
        })
    }
}

/// GraphSAGE: `l2_normalize(activation(combine(x W_self, neighbor terms…) + b))`.
#[derive(Module, Debug)]
pub struct SageNextState {
    /// `W_self`, no bias.
    pub self_transform: Dense,
    /// The bias on the combined result.
    pub bias: Option<Param<Tensor<1>>>,
    /// Dropout on the old state while training.
    pub dropout: Option<Dropout>,
    /// How the self and neighbor terms combine.
    #[module(skip)]
    pub combine: Combine,
    /// Applied before normalising.
    #[module(skip)]
    pub activation: Activation,
    /// Scales each row to unit length.
    #[module(skip)]
    pub l2_normalize: bool,
}

impl SageNextState {
    /// Weights `prefix/self_transform/kernel` and `prefix/bias_term` (of width `bias_width`).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        [input, units]: [usize; 2],
        bias_width: Option<usize>,
        combine: Combine,
        activation: Activation,
        l2_normalize: bool,
        dropout: Option<Dropout>,
        weights: &mut WeightSource,
        prefix: &str,
        device: &Device,
    ) -> Result<Self> {
        Ok(Self {
            self_transform: Dense::new(
                weights,
                &role(prefix, "self_transform"),
                [input, units],
                false,
                Activation::Linear,
                device,
            )?,
            bias: match bias_width {
                Some(width) => {
                    Some(weights.vector(&role(prefix, "bias_term"), width, Start::Zeros, device)?)
                }
                None => None,
            },
            dropout,
            combine,
            activation,
            l2_normalize,
        })
    }

    fn forward(&self, state: &NodeInput, pooled: Vec<Tensor<2>>) -> Result<Tensor<2>> {
        let own = match &self.dropout {
            Some(dropout) => self.self_transform.forward(dropout.forward(state.to_dense())),
            None => self.self_transform.project(state),
        };
        let mut net = combine([vec![own], pooled].concat(), self.combine)?;
        if let Some(bias) = &self.bias {
            net = net + bias.val().unsqueeze();
        }
        let net = activate(self.activation, net);
        Ok(match self.l2_normalize {
            // TensorFlow's l2_normalize: x / √max(Σx², 10⁻¹²).
            true => net.clone() / net.powi_scalar(2).sum_dim(1).clamp_min(1e-12).sqrt(),
            false => net,
        })
    }
}
