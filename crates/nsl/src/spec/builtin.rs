//! Built-in experiments: the TensorFlow NSL tutorials' runs, reproduced.

use std::path::{Path, PathBuf};

use super::data::SynthesizedSpec;
use super::data::{DataSpec, ToyShape, ToySpec};
use super::evaluation::{EvaluationSpec, FgsmSpec, RobustnessSpec};
use super::experiment::{
    AuxiliaryTask, ExperimentSpec, LinkPredictionSpec, LinkScore, OptimizerSpec, TaskSpec,
};
use super::model::{Activation, GnnKind, HeteroSampling, ModelSpec, SageAggregator, SubgraphSampling};
use super::synthesized::{EdgeRule, EmbeddingSpec};
use crate::config::NgmConfig;
use crate::config::Regularization;
use crate::config::tfgnn::{HeteroEncoderConfig, HeteroModel, MtAlbisConfig, ReduceType, Reducer, Tag};
use crate::config::{
    AdvNeighborConfig, AdvRegConfig, DistanceConfig, GraphNeighborConfig, GraphRegConfig, NormType,
    SumOverAxis, TransformType,
};
use crate::error::{NslError, Result};
use nsl_graph::datasets::mag::{self, MagSpec};
use nsl_graph::datasets::motifs::MotifSpec;
use nsl_graph::typed::NODES;

/// Names of the built-in experiments with a line about each.
pub const BUILTINS: &[(&str, &str)] = &[
    (
        "mnist-adv",
        "MNIST 8k/2k, MLP 128, base vs adversarial regularization (FGSM L∞ 0.2, ×0.2); attacked at ε 0.1",
    ),
    (
        "cora-graph-reg",
        "Planetoid Cora public split, MLP [50, 50] dropout 0.5, base vs graph regularization (3 neighbors, ×0.1, L2)",
    ),
    (
        "digits-graph-reg",
        "NSL's synthesized graph on 1,500 MNIST digits (cosine ≥ 0.8 of the pixels), 10 labels per class: MLP 64, base vs graph regularization (3 neighbors, ×1)",
    ),
    (
        "cora-gcn",
        "Planetoid Cora public split, GCN [16] (Kipf & Welling: dropout 0.5, Adam 0.01, weight decay 5e-4, 200 epochs)",
    ),
    (
        "cora-sage",
        "Planetoid Cora public split, GraphSAGE-mean [64], dropout 0.5, Adam 0.01, weight decay 5e-4, 200 epochs",
    ),
    (
        "cora-gat",
        "Planetoid Cora public split, GATv2 8 heads × 8, dropout 0.6, Adam 0.005, weight decay 5e-4, 300 epochs",
    ),
    (
        "mag-mlp",
        "MAG-like graph (3,410 nodes, 4 node sets), paper venue from the paper's own features: MLP 64 × 2",
    ),
    ("mag-gcn", "MAG-like graph, paper venue: GCN 64 × 2 over the paper → paper citations alone"),
    ("mag-mtalbis", "MAG-like graph, paper venue: MtAlbis (64 units, 2 rounds) over all five edge sets"),
    ("mag-mtalbis-dgi", "mag-mtalbis with Deep Graph Infomax trained beside it (loss weight 0.1)"),
    (
        "mag-mtalbis-joint",
        "mag-mtalbis with three tasks: venues, links of “cites” (Hadamard score, weight 0.5, 10% held out) and DGI (0.1)",
    ),
    (
        "mag-mtalbis-sampled",
        "mag-mtalbis (messages to the source end) on subgraphs sampled around 64 papers a step over five edge sets",
    ),
    (
        "motifs-mlp",
        "600 motif graphs (cycle, house, grid), graph class from degree features pooled: MLP 32 × 3",
    ),
    ("motifs-mtalbis", "600 motif graphs, graph class: MtAlbis (32 units, 3 rounds), sum read-out"),
];

/// A built-in on TF-GNN's models: typed-graph data, the hetero model, Adam 0.01.
fn typed_graph(
    name: &str,
    data: DataSpec,
    encoder: HeteroEncoderConfig,
    epochs: usize,
    seed: u64,
) -> ExperimentSpec {
    let task = if matches!(data, DataSpec::Motifs(_)) {
        TaskSpec::GraphClassification
    } else {
        TaskSpec::Classification
    };
    ExperimentSpec {
        name: name.into(),
        data,
        model: ModelSpec::Hetero { encoder, readout: ReduceType::one(Reducer::Sum), sampling: None },
        regularization: Regularization::default(),
        optimizer: OptimizerSpec { learning_rate: 0.01, batch_size: 32, weight_decay: 0.0 },
        epochs,
        seed,
        evaluation: EvaluationSpec::default(),
        compare_with_base: false,
        task,
    }
}

/// A full-batch GNN built-in on Cora.
fn cora_gnn(
    name: &str,
    dir: PathBuf,
    seed: u64,
    model: ModelSpec,
    learning_rate: f64,
    epochs: usize,
) -> ExperimentSpec {
    ExperimentSpec {
        name: name.into(),
        data: DataSpec::Planetoid { dir, undirected: true },
        model,
        regularization: Regularization::default(),
        optimizer: OptimizerSpec { learning_rate, batch_size: 1, weight_decay: 5e-4 },
        epochs,
        seed,
        evaluation: EvaluationSpec::default(),
        compare_with_base: false,
        task: TaskSpec::Classification,
    }
}

/// Graph regularization as NSL's tutorials set it: `max_neighbors` neighbors, L2 between the
/// models' class probabilities. Their models end in a softmax and take the graph loss on those
/// probabilities; here the model emits logits and the distance applies the softmax itself
/// (`transform_fn`), which is the same computation.
fn tutorial_graph_regularization(max_neighbors: usize, multiplier: f32) -> Regularization {
    Regularization {
        graph: Some(GraphRegConfig {
            neighbor_config: GraphNeighborConfig { max_neighbors },
            multiplier,
            distance_config: DistanceConfig {
                sum_over_axis: Some(SumOverAxis::Last),
                transform_fn: TransformType::Softmax,
                ..Default::default()
            },
        }),
        ..Default::default()
    }
}

/// The spec of built-in experiment `name`, reading data from `data_dir` (default:
/// `../shared/data/mnist` or `../shared/data/cora`).
pub fn builtin(name: &str, data_dir: Option<&Path>, seed: u64) -> Result<ExperimentSpec> {
    let dir = |default: &str| data_dir.map_or_else(|| PathBuf::from(default), Path::to_path_buf);
    match name {
        // TensorFlow NSL's adversarial MNIST tutorial: Flatten → Dense 128 relu → Dense 10.
        "mnist-adv" => Ok(ExperimentSpec {
            name: name.into(),
            data: DataSpec::Mnist { dir: dir("../shared/data/mnist"), train: 8000, test: 2000 },
            model: ModelSpec::Mlp {
                hidden: vec![128],
                activation: Default::default(),
                dropout: 0.0,
                inputs: None,
            },
            regularization: Regularization {
                adversarial: Some(AdvRegConfig {
                    multiplier: 0.2,
                    adv_neighbor_config: AdvNeighborConfig {
                        adv_step_size: 0.2,
                        adv_grad_norm: NormType::Infinity,
                        ..Default::default()
                    },
                }),
                ..Default::default()
            },
            optimizer: OptimizerSpec { learning_rate: 1e-3, batch_size: 32, weight_decay: 0.0 },
            epochs: 5,
            seed,
            evaluation: EvaluationSpec {
                fgsm: Some(FgsmSpec { epsilon: 0.1, clip_min: Some(0.0), clip_max: Some(1.0) }),
                robustness: Some(RobustnessSpec {
                    clip_min: Some(0.0),
                    clip_max: Some(1.0),
                    ..Default::default()
                }),
            },
            compare_with_base: true,
            task: TaskSpec::Classification,
        }),
        // TensorFlow NSL's Cora tutorial.
        "cora-graph-reg" => Ok(ExperimentSpec {
            name: name.into(),
            data: DataSpec::Planetoid { dir: dir("../shared/data/cora"), undirected: true },
            model: ModelSpec::Mlp {
                hidden: vec![50, 50],
                activation: Default::default(),
                dropout: 0.5,
                inputs: None,
            },
            regularization: tutorial_graph_regularization(3, 0.1),
            optimizer: OptimizerSpec { learning_rate: 1e-3, batch_size: 128, weight_decay: 0.0 },
            epochs: 100,
            seed,
            evaluation: EvaluationSpec::default(),
            compare_with_base: true,
            task: TaskSpec::Classification,
        }),
        // NSL's synthesized-graph workflow (its sentiment tutorial's recipe) on digits: the
        // first 1,500 of the 10k set (the page bundles the same ones), joined where the pixel
        // vectors' cosine similarity reaches the threshold; 10 labels per class train, the other
        // 900 training digits stay in the graph as unlabeled neighbors.
        "digits-graph-reg" => Ok(ExperimentSpec {
            name: name.into(),
            data: DataSpec::Synthesized(SynthesizedSpec {
                rows: Box::new(DataSpec::Mnist { dir: dir("../shared/data/mnist"), train: 1000, test: 500 }),
                embedding: EmbeddingSpec::Raw,
                edges: EdgeRule::Cosine { threshold: 0.8, lsh_splits: 0, lsh_rounds: 1 },
                labels_per_class: Some(10),
                seed: 0,
            }),
            model: ModelSpec::Mlp {
                hidden: vec![64],
                activation: Activation::Relu,
                dropout: 0.0,
                inputs: None,
            },
            regularization: tutorial_graph_regularization(3, 1.0),
            optimizer: OptimizerSpec { learning_rate: 1e-3, batch_size: 16, weight_decay: 0.0 },
            epochs: 100,
            seed,
            evaluation: EvaluationSpec::default(),
            compare_with_base: true,
            task: TaskSpec::Classification,
        }),
        // The playground's opening scene: small enough to train in seconds in a browser.
        "moons-adv" => Ok(ExperimentSpec {
            name: name.into(),
            data: DataSpec::Toy(ToySpec {
                shape: ToyShape::Moons,
                points: 400,
                noise: 0.2,
                train_fraction: 0.5,
                seed,
                classes: 2,
            }),
            model: ModelSpec::Mlp {
                hidden: vec![8, 8],
                activation: Activation::Tanh,
                dropout: 0.0,
                inputs: None,
            },
            regularization: Regularization {
                adversarial: Some(AdvRegConfig {
                    multiplier: 0.5,
                    adv_neighbor_config: AdvNeighborConfig {
                        adv_step_size: 0.1,
                        adv_grad_norm: NormType::L2,
                        ..Default::default()
                    },
                }),
                ..Default::default()
            },
            optimizer: OptimizerSpec { learning_rate: 0.03, batch_size: 10, weight_decay: 0.0 },
            epochs: 40,
            seed,
            evaluation: EvaluationSpec {
                fgsm: Some(FgsmSpec { epsilon: 0.1, clip_min: None, clip_max: None }),
                robustness: None,
            },
            compare_with_base: true,
            task: TaskSpec::Classification,
        }),
        "cora-gcn" => {
            let model = ModelSpec::Gnn { gnn: GnnKind::Gcn, hidden: vec![16], dropout: 0.5, sampling: None };
            Ok(cora_gnn(name, dir("../shared/data/cora"), seed, model, 0.01, 200))
        }
        "cora-sage" => {
            let gnn = GnnKind::Sage { aggregator: SageAggregator::Mean };
            let model = ModelSpec::Gnn { gnn, hidden: vec![64], dropout: 0.5, sampling: None };
            Ok(cora_gnn(name, dir("../shared/data/cora"), seed, model, 0.01, 200))
        }
        "cora-sage-sampled" => {
            let gnn = GnnKind::Sage { aggregator: SageAggregator::Mean };
            let sampling =
                SubgraphSampling { fanouts: vec![10, 10], batch_size: 32, strategy: Default::default() };
            let model = ModelSpec::Gnn { gnn, hidden: vec![64], dropout: 0.5, sampling: Some(sampling) };
            Ok(cora_gnn(name, dir("../shared/data/cora"), seed, model, 0.01, 100))
        }
        "cora-gat" => {
            let gnn = GnnKind::Gat { heads: 8, output_heads: 1 };
            let model = ModelSpec::Gnn { gnn, hidden: vec![8], dropout: 0.6, sampling: None };
            Ok(cora_gnn(name, dir("../shared/data/cora"), seed, model, 0.005, 300))
        }
        "cora-ngm" => {
            let model = ModelSpec::Mlp {
                hidden: vec![64],
                activation: Default::default(),
                dropout: 0.5,
                inputs: None,
            };
            let mut spec = cora_gnn(name, dir("../shared/data/cora"), seed, model, 0.01, 200);
            spec.regularization.neural_graph_machine = Some(NgmConfig::default());
            spec.compare_with_base = true;
            Ok(spec)
        }
        "cora-linkpred" => {
            let model = ModelSpec::Gnn { gnn: GnnKind::Gcn, hidden: vec![128], dropout: 0.0, sampling: None };
            let mut spec = cora_gnn(name, dir("../shared/data/cora"), seed, model, 0.01, 200);
            spec.optimizer.weight_decay = 0.0;
            spec.task = TaskSpec::LinkPrediction {
                embedding: 64,
                validation_fraction: 0.05,
                test_fraction: 0.1,
                score: LinkScore::DotProduct,
            };
            Ok(spec)
        }
        "mag-mtalbis-sampled" => {
            let mt =
                MtAlbisConfig { units: 64, message_dim: 64, receiver_tag: Tag::Source, ..Default::default() };
            let model = HeteroModel::MtAlbis(mt);
            let encoder = HeteroEncoderConfig { node_set: mag::PAPER.into(), hidden: 64, rounds: 2, model };
            let mut spec = typed_graph(name, DataSpec::Mag(MagSpec::playground()), encoder, 10, seed);
            if let ModelSpec::Hetero { sampling, .. } = &mut spec.model {
                *sampling = Some(HeteroSampling::mag(&[8, 4, 2, 4, 1], 64));
            }
            Ok(spec)
        }
        "mag-mlp" | "mag-gcn" | "mag-mtalbis" | "mag-mtalbis-dgi" | "mag-mtalbis-joint" => {
            let model = match name {
                "mag-mlp" => HeteroModel::Mlp,
                "mag-gcn" => HeteroModel::Gcn { edge_set: mag::CITES.into() },
                _ => HeteroModel::MtAlbis(MtAlbisConfig { units: 64, message_dim: 64, ..Default::default() }),
            };
            let encoder = HeteroEncoderConfig { node_set: mag::PAPER.into(), hidden: 64, rounds: 2, model };
            let mut spec = typed_graph(name, DataSpec::Mag(MagSpec::playground()), encoder, 100, seed);
            let dgi = AuxiliaryTask::Dgi { weight: 0.1 };
            match name {
                "mag-mtalbis-dgi" => {
                    spec.task = TaskSpec::Joint { classification_weight: 1.0, with: vec![dgi] }
                }
                "mag-mtalbis-joint" => {
                    let links = AuxiliaryTask::LinkPrediction(LinkPredictionSpec {
                        edge_set: mag::CITES.into(),
                        weight: 0.5,
                        score: LinkScore::HadamardProduct,
                        test_fraction: 0.1,
                    });
                    spec.task = TaskSpec::Joint { classification_weight: 1.0, with: vec![links, dgi] };
                }
                _ => {}
            }
            Ok(spec)
        }
        "motifs-mlp" | "motifs-mtalbis" => {
            let model = match name {
                "motifs-mlp" => HeteroModel::Mlp,
                _ => HeteroModel::MtAlbis(MtAlbisConfig { units: 32, message_dim: 32, ..Default::default() }),
            };
            let encoder = HeteroEncoderConfig { node_set: NODES.into(), hidden: 32, rounds: 3, model };
            Ok(typed_graph(name, DataSpec::Motifs(MotifSpec::default()), encoder, 60, seed))
        }
        other => Err(NslError::Config(format!(
            "unknown built-in {other:?}; choose one of: {}",
            BUILTINS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_is_valid_and_round_trips() {
        for (name, _) in BUILTINS {
            let spec = builtin(name, None, 0).unwrap();
            spec.validate().unwrap();
            let json = serde_json::to_string_pretty(&spec).unwrap();
            assert_eq!(serde_json::from_str::<ExperimentSpec>(&json).unwrap(), spec);
        }
        assert!(builtin("nope", None, 0).unwrap_err().to_string().contains("mnist-adv"));
    }
}
