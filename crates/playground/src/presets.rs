//! The data families the playground offers and the setup each starts from: small enough to
//! train in seconds in a browser, with the regularization that tells its story switched on.

use nsl::config::Regularization;
use nsl::config::{AdvNeighborConfig, AdvRegConfig, GraphNeighborConfig, GraphRegConfig, NormType};
use nsl::graph::datasets::sbm::SbmSpec;
use nsl::spec::Activation;
use nsl::spec::RobustnessSpec;
use nsl::spec::drawn::{DrawnEdge, DrawnGraph, DrawnNode, NodeFeatures};
use nsl::spec::{DataSpec, EvaluationSpec, ExperimentSpec, FgsmSpec, ModelSpec, OptimizerSpec};
use nsl::spec::{GraphSource, LoadedGraph};
use nsl::spec::{PlanePoint, PlanePoints, ToyShape, ToySpec};
use serde::{Deserialize, Serialize};

/// A data family of the data picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Family {
    /// A 2D set.
    Plane(ToyShape),
    /// Points of the plane the learner places.
    OwnPoints,
    /// MNIST digits (the bundled subset).
    Digits,
    /// Zachary's karate club.
    Karate,
    /// The synthetic citation network.
    Citation,
    /// A graph drawn in the editor.
    Drawn,
    /// Planetoid Cora, bundled (NSL's graph-regularization tutorial).
    Cora,
    /// Small graphs to classify by the motif each hides (TF-GNN's graph classification).
    Motifs,
    /// The MAG-like heterogeneous graph: papers, authors, institutions and fields of study
    /// (TF-GNN's node classification over several node sets and edge sets).
    Mag,
}

/// Every family, in picker order, with its label.
pub const FAMILIES: [(Family, &str); 13] = [
    (Family::Plane(ToyShape::Moons), "2D: two moons"),
    (Family::Plane(ToyShape::Circles), "2D: circles"),
    (Family::Plane(ToyShape::Spiral), "2D: spiral"),
    (Family::Plane(ToyShape::Xor), "2D: xor"),
    (Family::Plane(ToyShape::Blobs), "2D: blobs"),
    (Family::OwnPoints, "2D: your own points"),
    (Family::Digits, "MNIST digits"),
    (Family::Karate, "Graph: karate club"),
    (Family::Citation, "Graph: synthetic citation network"),
    (Family::Cora, "Graph: Cora (Planetoid, NSL's tutorial)"),
    (Family::Drawn, "Graph: draw your own"),
    (Family::Motifs, "Graphs to classify: motifs (TF-GNN)"),
    (Family::Mag, "Heterogeneous graph: MAG-like papers, authors, … (TF-GNN)"),
];

impl Family {
    /// The family of `data`.
    pub fn of(data: &DataSpec) -> Option<Family> {
        match data {
            DataSpec::Toy(toy) => Some(Family::Plane(toy.shape)),
            DataSpec::Points(_) => Some(Family::OwnPoints),
            DataSpec::Mnist { .. } => Some(Family::Digits),
            DataSpec::Graph { graph: GraphSource::Karate } => Some(Family::Karate),
            DataSpec::Graph { graph: GraphSource::Citation(_) } => Some(Family::Citation),
            DataSpec::Graph { graph: GraphSource::Drawn(_) } => Some(Family::Drawn),
            DataSpec::Graph { graph: GraphSource::Loaded(_) } => None,
            DataSpec::Planetoid { dir, .. } if is_bundled_cora(dir) => Some(Family::Cora),
            DataSpec::Synthesized(built) => Family::of(&built.rows),
            DataSpec::Motifs(_) => Some(Family::Motifs),
            DataSpec::Mag(_) => Some(Family::Mag),
            DataSpec::Planetoid { .. } => None,
        }
    }

    /// A stable key for `<select>` values and tests.
    pub fn key(self) -> &'static str {
        match self {
            Family::Plane(ToyShape::Moons) => "moons",
            Family::Plane(ToyShape::Circles) => "circles",
            Family::Plane(ToyShape::Spiral) => "spiral",
            Family::Plane(ToyShape::Xor) => "xor",
            Family::Plane(ToyShape::Blobs) => "blobs",
            Family::OwnPoints => "points",
            Family::Digits => "digits",
            Family::Karate => "karate",
            Family::Citation => "citation",
            Family::Drawn => "drawn",
            Family::Cora => "cora",
            Family::Motifs => "motifs",
            Family::Mag => "mag",
        }
    }

    /// The family with `key`.
    pub fn from_key(key: &str) -> Option<Family> {
        FAMILIES.iter().map(|(f, _)| *f).find(|f| f.key() == key)
    }

    /// Whether the family is a graph (graph regularization applies).
    pub fn is_graph(self) -> bool {
        matches!(self, Family::Karate | Family::Citation | Family::Drawn | Family::Cora)
    }
}

/// What the classes of points of the plane are called: their colours in the page's palette
/// (`components::palette::CLASS_RGB`, in that order).
pub const CLASS_NAMES: [&str; 10] =
    ["orange", "blue", "green", "vermillion", "sky blue", "purple", "yellow", "grey", "brown", "indigo"];

/// Where "your own points" start: two small clusters of each class on either side of the
/// origin, one point of each held out, for the learner to add to, move and erase.
fn starter_points() -> PlanePoints {
    let cluster = |cx: f32, cy: f32, class: u32| {
        [(0.0, 0.0), (0.15, 0.1), (-0.1, 0.15), (0.1, -0.15)]
            .map(|(dx, dy)| PlanePoint(cx + dx, cy + dy, class))
    };
    let (orange, blue) = (cluster(-0.5, 0.4, 0), cluster(0.5, -0.4, 1));
    PlanePoints {
        train: orange[..3].iter().chain(&blue[..3]).copied().collect(),
        test: vec![orange[3], blue[3]],
    }
}

/// Where the page serves the bundled digits (relative to the site; `nsl train --spec` reads
/// the same files from `assets/mnist` in the repository).
pub const DIGITS_DIR: &str = "assets/mnist";

/// Where the page serves bundled Cora (`assets/cora/cora.nslg`; `nsl train --spec` reads the
/// same file from the repository).
pub const CORA_DIR: &str = "assets/cora";

/// Whether a Planetoid directory is the Cora the page bundles.
pub fn is_bundled_cora(dir: &std::path::Path) -> bool {
    dir == std::path::Path::new(CORA_DIR)
}

/// The setup a family starts from, keeping `seed`.
pub fn preset(family: Family, seed: u64) -> ExperimentSpec {
    // Every family starts from the library's 2D built-in (its optimizer and evaluation), with
    // no regularization; each arm below sets what differs.
    let base = ExperimentSpec {
        name: family.key().into(),
        regularization: Regularization::default(),
        evaluation: EvaluationSpec::default(),
        compare_with_base: false,
        ..nsl::spec::builtin::builtin("moons-adv", None, seed).expect("a built-in name")
    };
    let adversarial = |multiplier, step, norm, clip: Option<(f32, f32)>| {
        Some(AdvRegConfig {
            multiplier,
            adv_neighbor_config: AdvNeighborConfig {
                adv_step_size: step,
                adv_grad_norm: norm,
                clip_value_min: clip.map(|c| c.0),
                clip_value_max: clip.map(|c| c.1),
                ..Default::default()
            },
        })
    };
    let graph = |multiplier, max_neighbors| {
        Some(GraphRegConfig {
            multiplier,
            neighbor_config: GraphNeighborConfig { max_neighbors },
            ..Default::default()
        })
    };
    match family {
        Family::Plane(shape) => {
            let (noise, hidden, epochs) = match shape {
                ToyShape::Spiral => (0.1, vec![16, 16], 80),
                ToyShape::Circles | ToyShape::Xor => (0.15, vec![8, 8], 40),
                ToyShape::Moons | ToyShape::Blobs => (0.2, vec![8, 8], 40),
            };
            ExperimentSpec {
                data: DataSpec::Toy(ToySpec {
                    shape,
                    points: 400,
                    noise,
                    train_fraction: 0.5,
                    seed,
                    classes: 2,
                }),
                model: ModelSpec::Mlp { hidden, activation: Activation::Tanh, dropout: 0.0, inputs: None },
                regularization: Regularization {
                    adversarial: adversarial(0.5, 0.1, NormType::L2, None),
                    ..Default::default()
                },
                evaluation: EvaluationSpec {
                    fgsm: Some(FgsmSpec { epsilon: 0.1, clip_min: None, clip_max: None }),
                    robustness: Some(RobustnessSpec::default()),
                },
                epochs,
                ..base
            }
        }
        Family::OwnPoints => ExperimentSpec {
            data: DataSpec::Points(starter_points()),
            name: family.key().into(),
            // A handful of points make one step an epoch: enough epochs to see it learn.
            epochs: 400,
            ..preset(Family::Plane(ToyShape::Blobs), seed)
        },
        Family::Digits => ExperimentSpec {
            data: DataSpec::Mnist { dir: DIGITS_DIR.into(), train: 1000, test: 500 },
            model: ModelSpec::Mlp {
                hidden: vec![64],
                activation: Activation::Relu,
                dropout: 0.0,
                inputs: None,
            },
            regularization: Regularization {
                adversarial: adversarial(0.2, 0.2, NormType::Infinity, Some((0.0, 1.0))),
                ..Default::default()
            },
            optimizer: OptimizerSpec { learning_rate: 1e-3, batch_size: 32, weight_decay: 0.0 },
            epochs: 10,
            evaluation: EvaluationSpec {
                fgsm: Some(FgsmSpec { epsilon: 0.1, clip_min: Some(0.0), clip_max: Some(1.0) }),
                robustness: Some(RobustnessSpec {
                    clip_min: Some(0.0),
                    clip_max: Some(1.0),
                    ..Default::default()
                }),
            },
            ..base
        },
        Family::Karate => ExperimentSpec {
            data: DataSpec::Graph { graph: GraphSource::Karate },
            model: ModelSpec::Mlp {
                hidden: vec![8],
                activation: Activation::Relu,
                dropout: 0.0,
                inputs: None,
            },
            regularization: Regularization { graph: graph(1.0, 20), ..Default::default() },
            optimizer: OptimizerSpec { learning_rate: 0.05, batch_size: 2, weight_decay: 0.0 },
            epochs: 100,
            ..base
        },
        Family::Drawn => ExperimentSpec {
            data: DataSpec::Graph { graph: GraphSource::Drawn(starter_drawing()) },
            model: ModelSpec::Mlp {
                hidden: vec![8],
                activation: Activation::Relu,
                dropout: 0.0,
                inputs: None,
            },
            regularization: Regularization { graph: graph(1.0, 10), ..Default::default() },
            optimizer: OptimizerSpec { learning_rate: 0.05, batch_size: 2, weight_decay: 0.0 },
            epochs: 100,
            ..base
        },
        // TensorFlow NSL's Cora tutorial, as `nsl train --builtin cora-graph-reg` runs it.
        Family::Motifs => ExperimentSpec {
            name: family.key().into(),
            epochs: 30,
            ..nsl::spec::builtin::builtin("motifs-mtalbis", None, seed).expect("a built-in name")
        },
        // TF-GNN's OGBN-MAG example, small enough to train in seconds in a browser: 1,000
        // papers of 8 venues, 600 authors, 30 institutions, 60 fields of study; MtAlbis of 32
        // units over two rounds (natively, seed 0: 83.2% test accuracy; GCN over the
        // citations 80.2%, the MLP 36.2%, MtAlbis with DGI beside 84.6%).
        Family::Mag => {
            let mut spec = nsl::spec::builtin::builtin("mag-mtalbis", None, seed).expect("a built-in name");
            if let DataSpec::Mag(mag) = &mut spec.data {
                (mag.papers, mag.authors, mag.institutions, mag.fields) = (1_000, 600, 30, 60);
            }
            if let ModelSpec::Hetero { encoder, .. } = &mut spec.model {
                encoder.hidden = 32;
                if let nsl::config::tfgnn::HeteroModel::MtAlbis(mt) = &mut encoder.model {
                    (mt.units, mt.message_dim) = (32, 32);
                }
            }
            ExperimentSpec { name: family.key().into(), epochs: 60, ..spec }
        }
        Family::Cora => ExperimentSpec {
            name: family.key().into(),
            data: DataSpec::Planetoid { dir: CORA_DIR.into(), undirected: true },
            compare_with_base: false,
            ..nsl::spec::builtin::builtin("cora-graph-reg", None, seed).expect("a built-in name")
        },
        Family::Citation => ExperimentSpec {
            data: DataSpec::Graph { graph: GraphSource::Citation(SbmSpec { seed, ..SbmSpec::default() }) },
            model: ModelSpec::Mlp {
                hidden: vec![32],
                activation: Activation::Relu,
                dropout: 0.0,
                inputs: None,
            },
            regularization: Regularization { graph: graph(0.5, 10), ..Default::default() },
            optimizer: OptimizerSpec { learning_rate: 0.01, batch_size: 5, weight_decay: 0.0 },
            epochs: 60,
            ..base
        },
    }
}

/// The drawing the editor starts from: two clusters of four joined by one edge, each with one
/// node labeled for training and one held out; the rest unlabeled, for the graph to label.
pub fn starter_drawing() -> DrawnGraph {
    let node = |x: f32, y: f32, class: Option<u32>, held_out: bool| DrawnNode { x, y, class, held_out };
    let edge = |a, b| DrawnEdge { a, b, weight: 1.0 };
    DrawnGraph {
        classes: 2,
        nodes: vec![
            node(0.15, 0.35, Some(0), false),
            node(0.3, 0.2, None, false),
            node(0.35, 0.5, None, false),
            node(0.2, 0.65, Some(0), true),
            node(0.65, 0.5, Some(1), true),
            node(0.8, 0.35, None, false),
            node(0.7, 0.75, None, false),
            node(0.88, 0.62, Some(1), false),
        ],
        edges: vec![
            edge(0, 1),
            edge(0, 2),
            edge(1, 2),
            edge(2, 3),
            edge(0, 3),
            edge(2, 4),
            edge(4, 5),
            edge(4, 6),
            edge(5, 7),
            edge(6, 7),
            edge(4, 7),
        ],
        features: NodeFeatures::OneHot,
    }
}

/// The setup that trains on a graph read from files: an MLP with graph regularization beside
/// the same MLP without (Cora-like citation data: bag-of-words features, few labels).
pub fn loaded_graph(graph: LoadedGraph, seed: u64) -> ExperimentSpec {
    ExperimentSpec {
        name: format!("{} (loaded)", graph.name),
        data: DataSpec::Graph { graph: GraphSource::Loaded(graph) },
        optimizer: OptimizerSpec { learning_rate: 0.01, batch_size: 32, weight_decay: 0.0 },
        epochs: 40,
        compare_with_base: true,
        ..preset(Family::Citation, seed)
    }
}

/// The opening scene: two moons, adversarially regularized, beside the base model.
pub fn opening_scene() -> ExperimentSpec {
    ExperimentSpec { compare_with_base: true, ..preset(Family::Plane(ToyShape::Moons), 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_knows_its_family() {
        for (family, _) in FAMILIES {
            let spec = preset(family, 3);
            spec.validate().unwrap_or_else(|e| panic!("{family:?}: {e}"));
            assert_eq!(Family::of(&spec.data), Some(family));
            assert_eq!(Family::from_key(family.key()), Some(family));
            assert_eq!(spec.regularization.graph.is_some(), family.is_graph());
            assert_eq!(spec.seed, 3);
        }
        assert!(opening_scene().compare_with_base);
    }
}
