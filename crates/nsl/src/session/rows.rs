//! A training session that advances by bursts of optimizer steps — what the playground's worker
//! drives (play, pause, step, a speed control). Knob changes (regularization, learning rate)
//! apply from the next step. A [`Session::snapshot`] gathers everything the view shows into one
//! device buffer that is read back once ([`crate::session::snapshot`]).

use burn::module::Module;
use burn::tensor::{Device, Int, Tensor, activation};

use crate::config::{
    AdvNeighborConfig, DistanceConfig, DistanceType, SumOverAxis, TransformType, VirtualAdvConfig,
};
use crate::data::Examples;
use crate::data::TrainingData;
use crate::data::load::load_data;
use crate::error::{NslError, Result};
use crate::model::{Classifier, NslModel};
use crate::session::digit_views::{push_feature_maps, push_first_layer};
use crate::session::heatmap::class_probability_tensor;
use crate::session::inspect::{PendingInspection, node_and_neighbors, stacked_terms};
use crate::session::network::push_network;
use crate::session::probe::{PendingProbe, ProbeSpec, probe};
use crate::session::readout::Readout;
use crate::session::snapshot::{EdgeTensors, Layout, onehot_labels, predicted_onehot};
use crate::session::snapshot::{PendingProgress, SnapshotOptions};
use crate::spec::{ExperimentSpec, ModelSpec};
use crate::train::eval::correct_under_attack;
use crate::train::eval::fgsm_correct;
use crate::train::trainer::{LossSums, Trainer, regularizers_on};

/// Evaluation inputs uploaded once per session (not once per snapshot).
#[derive(Debug)]
struct EvalTensors {
    train_x: Tensor<2>,
    train_onehot: Tensor<2>,
    test_x: Tensor<2>,
    test_y: Tensor<1, Int>,
    test_onehot: Tensor<2>,
    graph: Option<GraphTensors>,
}

#[derive(Debug)]
struct GraphTensors {
    pool_x: Tensor<2>,
    edges: EdgeTensors,
}

impl EvalTensors {
    fn new(data: &TrainingData, device: &Device) -> Self {
        let all = |e: &Examples| (0..e.len()).collect::<Vec<_>>();
        let onehot = |e: &Examples| onehot_labels(&e.labels, e.classes, device);
        let graph = data.graph.as_ref().filter(|g| !g.edges.is_empty()).map(|g| GraphTensors {
            pool_x: g.pool.features_tensor(&all(&g.pool), device),
            edges: EdgeTensors::new(g.edges.iter().map(|&(a, b, w)| (a as u32, b as u32, w)), device),
        });
        Self {
            train_x: data.train.features_tensor(&all(&data.train), device),
            train_onehot: onehot(&data.train),
            test_x: data.test.features_tensor(&all(&data.test), device),
            test_y: data.test.labels_tensor(&all(&data.test), device),
            test_onehot: onehot(&data.test),
            graph,
        }
    }
}

/// An MLP experiment trained step by step.
#[derive(Debug)]
pub struct Session {
    spec: ExperimentSpec,
    data: TrainingData,
    trainer: Trainer,
    order: Vec<usize>,
    cursor: usize,
    device: Device,
    pending: LossSums,
    eval: EvalTensors,
    /// An MLP's first-layer kernel as it started (what its weight images are drawn against).
    first_kernel: Option<Tensor<2>>,
}

impl Session {
    /// Loads `spec`'s data and a fresh model on `device`.
    pub fn new(spec: &ExperimentSpec, device: &Device) -> Result<Self> {
        Self::with_data(spec, load_data(spec)?, device)
    }

    /// A fresh model for `spec` on data loaded by the caller (the browser fetches MNIST bytes
    /// itself; see [`crate::data::load::mnist_data`]).
    pub fn with_data(spec: &ExperimentSpec, data: TrainingData, device: &Device) -> Result<Self> {
        if matches!(spec.model, ModelSpec::Gnn { .. }) || spec.regularization.neural_graph_machine.is_some() {
            return Err(NslError::Config(
                "a minibatch session trains MLPs and CNNs (GNNs and NGM train full batch)".into(),
            ));
        }
        if data.train.is_empty() || data.test.is_empty() {
            return Err(NslError::Config("a session needs training and test rows".into()));
        }
        let trainer = Trainer::for_spec(
            spec,
            spec.regularization.clone(),
            (data.train.dim, data.train.classes),
            device,
        )?;
        let order = (0..data.train.len()).collect();
        let eval = EvalTensors::new(&data, &device.clone().inner());
        let first_kernel = match trainer.model().valid() {
            Classifier::Mlp(mlp) => Some(mlp.layers[0].weight.val()),
            Classifier::Cnn(_) => None,
        };
        Ok(Self {
            spec: spec.clone(),
            data,
            trainer,
            order,
            cursor: usize::MAX,
            device: device.clone(),
            pending: LossSums::default(),
            eval,
            first_kernel,
        })
    }

    /// The spec in force.
    pub fn spec(&self) -> &ExperimentSpec {
        &self.spec
    }

    /// The training and test data.
    pub fn data(&self) -> &TrainingData {
        &self.data
    }

    /// Optimizer steps taken.
    pub fn steps_done(&self) -> usize {
        self.trainer.steps_done()
    }

    /// Optimizer steps in one pass over the training rows.
    pub fn steps_per_epoch(&self) -> usize {
        self.order.len().div_ceil(self.spec.optimizer.batch_size).max(1)
    }

    /// Whether a change from the spec in force to `spec` can apply to this session (only
    /// regularization strengths and types, the learning rate, epochs, name and evaluation
    /// change; the number of graph neighbors must stay, as the neighbor table was built for it).
    pub fn accepts(&self, spec: &ExperimentSpec) -> bool {
        self.spec.differs_only_in_knobs(spec)
            && spec.regularization.max_neighbors() == self.spec.regularization.max_neighbors()
            && spec.regularization.neural_graph_machine.is_none()
    }

    /// Applies a changed spec from the next step: regularization, learning rate and evaluation
    /// change in place; any other change (data, model, seed, batch size, number of graph
    /// neighbors) needs a new session.
    pub fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        spec.validate()?;
        if !self.accepts(spec) {
            return Err(NslError::Config(
                "data, model, seed, batch size or number of graph neighbors changed: start a new session"
                    .into(),
            ));
        }
        self.trainer.set_regularization(spec.regularization.clone());
        self.trainer.set_learning_rate(spec.optimizer.learning_rate);
        self.spec = spec.clone();
        Ok(())
    }

    /// Runs `steps` optimizer steps (reshuffling at each pass over the data, in the order
    /// [`Trainer::train_epoch`] takes, so a session trains what `nsl train` trains). Nothing is
    /// read back: the losses accumulate on the device until the next [`Session::snapshot`].
    pub fn run_steps(&mut self, steps: usize) -> Result<()> {
        let batch_size = self.spec.optimizer.batch_size;
        for _ in 0..steps {
            if self.cursor >= self.order.len() {
                self.order = self.trainer.epoch_order(self.order.len());
                self.cursor = 0;
            }
            let end = (self.cursor + batch_size).min(self.order.len());
            let batch: Vec<usize> = self.order[self.cursor..end].to_vec();
            self.cursor = end;
            self.pending.add(self.trainer.train_step(&self.data, &batch)?);
        }
        Ok(())
    }

    /// Probes the model with one perturbation of some test rows (see [`crate::session::probe`]). The
    /// virtual adversarial direction uses the spec's VAT settings when it trains with VAT, else
    /// a KL divergence of the softmax outputs with one power iteration.
    pub fn probe(&self, spec: &ProbeSpec) -> Result<PendingProbe> {
        let virtual_config = match &self.spec.regularization.virtual_adversarial {
            Some(vat) => vat.config.clone(),
            None => VirtualAdvConfig {
                distance_config: DistanceConfig {
                    distance_type: DistanceType::KlDivergence,
                    transform_fn: TransformType::Softmax,
                    sum_over_axis: Some(SumOverAxis::Last),
                    ..Default::default()
                },
                // f32 needs a larger finite difference than NSL's 1e-6 default to see the
                // curvature of a trained model's softmax.
                approx_difference: 1e-3,
                ..Default::default()
            },
        };
        probe(self.trainer.model(), &self.data.test, spec, &virtual_config)
    }

    /// Inspects graph node `node` (an index into all nodes): the neighbors in its
    /// graph-regularization term — a training node's top `max_neighbors` by weight, as
    /// `pack_nbrs` picked them — and each one's weighted distance term now.
    pub fn inspect_node(&self, node: usize) -> Result<PendingInspection> {
        let graph = self
            .data
            .graph
            .as_ref()
            .ok_or_else(|| NslError::Config("node inspection needs graph data".into()))?;
        if node >= graph.pool.len() {
            return Err(NslError::Config(format!(
                "node {node} is out of range for {} nodes",
                graph.pool.len()
            )));
        }
        // A model without graph regularization has no graph term (its rows may still carry the
        // neighbor table, shared with the regularized model beside it).
        let neighbors: Vec<(usize, f32)> = graph
            .train_nodes
            .iter()
            .position(|&n| n == node)
            .filter(|_| self.spec.regularization.graph.is_some())
            .map(|row| graph.table.neighbors[row].clone())
            .unwrap_or_default();
        let mut readout = Readout::default();
        let terms = match (&self.spec.regularization.graph, neighbors.is_empty()) {
            (Some(g), false) => {
                let rows = node_and_neighbors(node, &neighbors);
                let x = graph.pool.features_tensor(&rows, &self.device.clone().inner());
                let outputs = self.trainer.model().valid().forward(x);
                Some(readout.push(stacked_terms(outputs, &neighbors, &g.distance_config)?))
            }
            _ => None,
        };
        Ok(PendingInspection {
            readout,
            node,
            neighbors,
            terms,
            heat: None,
            attention: None,
            layers: Vec::new(),
        })
    }

    /// How many test rows the model classifies correctly under `attack` (one point of a
    /// robustness curve; see [`crate::train::robustness`]), on the device.
    pub fn correct_under_attack(&self, attack: &AdvNeighborConfig) -> Result<Tensor<1, Int>> {
        correct_under_attack(
            &self.trainer.model().valid(),
            self.eval.test_x.clone(),
            self.eval.test_y.clone(),
            attack,
        )
    }

    /// Computes everything the view shows on the device — mean losses of the steps since the
    /// previous snapshot, train and test accuracy, the test confusion matrix, FGSM accuracy
    /// when the spec's evaluation names an attack, the heatmap (2D data), the first test rows'
    /// predictions and, for graph data, every node's prediction and the graph smoothness — and
    /// returns it for one read-back.
    pub fn snapshot(&mut self, options: &SnapshotOptions) -> Result<PendingProgress> {
        let inference = self.trainer.model().valid();
        let eval_device = self.device.clone().inner();
        let mut readout = Readout::default();
        let steps = self.pending.steps();
        let losses = std::mem::take(&mut self.pending).into_sums().map(|sums| (readout.push(sums), steps));
        let e = &self.eval;
        let classes = self.data.train.classes;

        // Every training and test row through the model (and the attack's backward passes):
        // measured when asked, skipped otherwise.
        let test_logits = options.evaluate.then(|| inference.forward(e.test_x.clone()));
        let accuracy = test_logits.as_ref().map(|test_logits| {
            let train_pred = predicted_onehot(inference.forward(e.train_x.clone()));
            let train_correct = readout.push((train_pred * e.train_onehot.clone()).sum());
            let test_pred = predicted_onehot(test_logits.clone());
            (train_correct, readout.push(e.test_onehot.clone().transpose().matmul(test_pred)))
        });
        let attacked = self.spec.evaluation.fgsm.as_ref().filter(|_| options.evaluate).map(|attack| {
            readout.push(fgsm_correct(&inference, e.test_x.clone(), e.test_y.clone(), attack).float())
        });
        let heatmap = match options.grid {
            Some(grid) if self.data.train.dim == 2 => {
                Some(readout.push(class_probability_tensor(&inference, &grid, &eval_device)?))
            }
            _ => None,
        };
        let network = match (options.network, &inference) {
            (Some(grid), Classifier::Mlp(mlp)) if self.spec.data.is_plane() => {
                push_network(mlp, &grid, &eval_device, &mut readout)
            }
            _ => None,
        };
        let side = (self.data.test.dim as f64).sqrt().round() as usize;
        let digit_views = match (options.digit, &inference) {
            (Some(digit), Classifier::Cnn(cnn)) if digit < self.data.test.len() => {
                Some(push_feature_maps(cnn, &e.test_x, digit, &mut readout))
            }
            (Some(_), Classifier::Mlp(mlp))
                if matches!(self.spec.data, crate::spec::DataSpec::Mnist { .. })
                    && side * side == self.data.test.dim =>
            {
                self.first_kernel.as_ref().map(|start| push_first_layer(mlp, start, side, &mut readout))
            }
            _ => None,
        };
        let shown = options.samples.min(self.data.test.len());
        let samples = (shown > 0).then(|| {
            let logits = match &test_logits {
                Some(all) => all.clone().slice([0..shown, 0..classes]),
                None => inference.forward(e.test_x.clone().narrow(0, 0, shown)),
            };
            readout.push(activation::softmax(logits, 1))
        });
        let nodes = e.graph.as_ref().map(|g| {
            g.edges
                .push_predictions(activation::softmax(inference.forward(g.pool_x.clone()), 1), &mut readout)
        });
        let layout = Layout {
            step: self.steps_done(),
            epoch: self.steps_done() as f64 / self.steps_per_epoch() as f64,
            losses,
            accuracy,
            train_rows: self.data.train.len(),
            test_rows: self.data.test.len(),
            attacked,
            heatmap,
            samples,
            sample_labels: self.data.test.labels[..shown].to_vec(),
            nodes,
            network,
            digit_views,
            embeddings: None,
            batch: None,
            step_seconds: None,
            links: None,
            graphs: None,
            classes,
            parts: {
                let [graph, adversarial, vat] = regularizers_on(self.trainer.regularization());
                [graph, adversarial, vat, false]
            },
            dgi: None,
        };
        Ok(PendingProgress { readout, layout })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::GraphRegConfig;
    use crate::config::Regularization;
    use crate::session::heatmap::Grid;
    use crate::spec::GraphSource;
    use crate::spec::builtin::builtin;
    use crate::spec::{DataSpec, OptimizerSpec};

    #[test]
    fn bursts_learn_moons_and_knobs_apply_mid_run() {
        let device = Device::flex();
        let spec = builtin("moons-adv", None, 0).unwrap();
        let mut session = Session::new(&spec, &device).unwrap();
        let options = SnapshotOptions {
            grid: Some(Grid { resolution: 10, ..Grid::default() }),
            samples: 3,
            ..Default::default()
        };
        let at_start = session.snapshot(&options).unwrap().read().unwrap();
        assert_eq!((at_start.step, at_start.losses), (0, None));
        session.run_steps(5).unwrap();
        let first = session.snapshot(&options).unwrap().read().unwrap().losses.unwrap();
        assert!(first.adversarial.is_some() && first.graph.is_none());
        for _ in 0..15 {
            session.run_steps(20).unwrap();
        }
        let progress = session.snapshot(&options).unwrap().read().unwrap();
        let last = progress.losses.unwrap();
        assert!(last.total < first.total * 0.7, "{first:?} → {last:?}");
        assert_eq!(progress.step, 305);
        assert!((progress.epoch - 305.0 / 20.0).abs() < 1e-9);
        assert!(progress.train_acc > 0.85 && progress.test_acc > 0.85, "{progress:?}");
        let attacked = progress.attacked_acc.expect("moons-adv names an FGSM attack");
        assert!(attacked <= progress.test_acc && attacked > 0.3, "{attacked}");
        assert_eq!(progress.heatmap.as_ref().map(Vec::len), Some(10 * 10 * 2));
        // The confusion matrix holds every test row once; its diagonal is the test accuracy.
        let test_rows = session.data().test.len();
        assert_eq!(progress.confusion.iter().sum::<u32>() as usize, test_rows);
        let per_class = progress.per_class_accuracy();
        assert!(per_class.iter().all(|a| a.is_some_and(|a| a > 0.8)), "{per_class:?}");
        assert_eq!(progress.samples.len(), 3);
        for sample in &progress.samples {
            assert_eq!(sample.label, session.data().test.labels[sample.row]);
            assert!((sample.probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        assert!(progress.nodes.is_none());

        let mut plain = spec.clone();
        plain.regularization = Default::default();
        plain.optimizer.learning_rate = 0.01;
        session.apply(&plain).unwrap();
        session.run_steps(3).unwrap();
        let losses = session.snapshot(&options).unwrap().read().unwrap().losses.unwrap();
        assert_eq!(losses.adversarial, None, "no adversarial part after the knob change");
        let mut other_data = spec.clone();
        other_data.seed = 9;
        assert!(!session.accepts(&other_data));
        assert!(session.apply(&other_data).unwrap_err().to_string().contains("new session"));
        assert!(Session::new(&builtin("cora-gcn", None, 0).unwrap(), &device).is_err());
    }

    /// A snapshot may skip the accuracies (every row through the model): its losses and sample
    /// predictions are those of the full snapshot, its accuracies are filled from before.
    #[test]
    fn a_snapshot_without_evaluation_skips_only_the_accuracies() {
        let device = Device::flex();
        let spec = builtin("moons-adv", None, 0).unwrap();
        let mut session = Session::new(&spec, &device).unwrap();
        session.run_steps(30).unwrap();
        let full = SnapshotOptions { samples: 4, ..Default::default() };
        let measured = session.snapshot(&full).unwrap().read().unwrap();
        assert!(measured.evaluated && measured.test_acc > 0.5 && measured.attacked_acc.is_some());
        let quick = session.snapshot(&SnapshotOptions { evaluate: false, ..full }).unwrap().read().unwrap();
        assert!(!quick.evaluated);
        assert_eq!((quick.train_acc, quick.test_acc, quick.attacked_acc), (0.0, 0.0, None));
        assert!(quick.confusion.is_empty());
        assert_eq!(quick.samples.len(), 4);
        for (q, m) in quick.samples.iter().zip(&measured.samples) {
            assert_eq!((q.row, q.label), (m.row, m.label));
            let gap =
                q.probabilities.iter().zip(&m.probabilities).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            assert!(gap < 1e-5, "the first test rows through the model alone: {q:?} vs {m:?}");
        }
        assert_eq!(quick.heatmap, measured.heatmap);
        let mut filled = quick.clone();
        filled.fill_accuracies(&measured.accuracies().unwrap());
        assert_eq!(
            (filled.train_acc, filled.test_acc, filled.attacked_acc, &filled.confusion, filled.evaluated),
            (measured.train_acc, measured.test_acc, measured.attacked_acc, &measured.confusion, false)
        );
        assert!(quick.accuracies().is_none());
    }

    #[test]
    fn squared_inputs_separate_circles_and_the_neurons_change_as_they_learn() {
        use crate::spec::{PlaneFeature, ToyShape};
        let mut spec = builtin("moons-adv", None, 0).unwrap();
        let DataSpec::Toy(toy) = &mut spec.data else { panic!("moons is a 2D set") };
        toy.shape = ToyShape::Circles;
        spec.model = ModelSpec::Mlp {
            hidden: vec![3],
            activation: crate::spec::Activation::Tanh,
            dropout: 0.0,
            inputs: Some(vec![PlaneFeature::X1Squared, PlaneFeature::X2Squared]),
        };
        spec.regularization = Default::default();
        spec.validate().unwrap();
        let mut session = Session::new(&spec, &Device::flex()).unwrap();
        let options = SnapshotOptions {
            network: Some(Grid { resolution: 6, ..Grid::default() }),
            ..Default::default()
        };
        let before =
            session.snapshot(&options).unwrap().read().unwrap().network.expect("an MLP on the plane");
        session.run_steps(300).unwrap();
        let progress = session.snapshot(&options).unwrap().read().unwrap();
        assert!(progress.test_acc > 0.9, "x₁² + x₂² tells a disc from a ring: {}", progress.test_acc);
        let after = progress.network.unwrap();
        let widths: Vec<usize> = after.columns.iter().map(|c| c.width).collect();
        assert_eq!(widths, vec![2, 3, 2]);
        assert_eq!(before.columns[0], after.columns[0], "the inputs do not train");
        let moved: f32 =
            before.columns[1].maps.iter().zip(&after.columns[1].maps).map(|(a, b)| (a - b).abs()).sum();
        assert!(moved > 1.0, "hidden maps change with training: {moved}");
        assert_ne!(before.weights[0], after.weights[0]);

        let mut features_elsewhere = builtin("mnist-adv", None, 0).unwrap();
        features_elsewhere.model = spec.model.clone();
        assert!(features_elsewhere.validate().unwrap_err().to_string().contains("points of the plane"));
    }

    #[test]
    fn a_session_trains_what_nsl_train_trains() {
        // Same batches in the same order: the step-wise session and `experiment::run` end with
        // the same model, so the browser's robustness curve can be checked against `nsl`.
        let device = Device::flex();
        let mut spec = builtin("moons-adv", None, 0).unwrap();
        spec.compare_with_base = false;
        spec.epochs = 3;
        let curve = crate::spec::RobustnessSpec { points: 4, ..Default::default() };
        spec.evaluation.robustness = Some(curve);
        let outcome = crate::train::experiment::run(&spec, &device, &mut |_| {}).unwrap();
        let native = &outcome.runs[0].robustness;
        assert_eq!(native.len(), 8);
        let mut session = Session::new(&spec, &device).unwrap();
        session.run_steps(session.steps_per_epoch() * 3 - 7).unwrap();
        session.run_steps(7).unwrap();
        let rows = session.data().test.len() as f64;
        for point in native {
            let attack = curve.attack_config(point.attack, point.epsilon);
            let count = session.correct_under_attack(&attack).unwrap();
            let correct = crate::train::eval::read_count(count) as f64;
            assert_eq!(correct / rows, point.accuracy, "{point:?}");
        }
        assert!(native[0].accuracy > 0.8 && native[3].accuracy < native[0].accuracy, "{native:?}");
    }

    #[test]
    fn graph_regularization_spreads_two_labels_over_the_karate_club() {
        let device = Device::flex();
        let spec = |graph: Option<GraphRegConfig>| ExperimentSpec {
            name: "karate".into(),
            data: DataSpec::Graph { graph: GraphSource::Karate },
            model: ModelSpec::Mlp {
                hidden: vec![8],
                activation: Default::default(),
                dropout: 0.0,
                inputs: None,
            },
            regularization: Regularization { graph, ..Default::default() },
            optimizer: OptimizerSpec { learning_rate: 0.05, batch_size: 2, weight_decay: 0.0 },
            epochs: 100,
            seed: 0,
            evaluation: Default::default(),
            compare_with_base: false,
            task: Default::default(),
        };
        let graph_reg = GraphRegConfig {
            multiplier: 1.0,
            neighbor_config: crate::config::GraphNeighborConfig { max_neighbors: 20 },
            ..Default::default()
        };
        let run = |spec: ExperimentSpec| {
            let mut session = Session::new(&spec, &device).unwrap();
            session.run_steps(150).unwrap();
            session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap()
        };
        let base = run(spec(None));
        let regularized = run(spec(Some(graph_reg)));
        let (b, r) = (base.nodes.as_ref().unwrap(), regularized.nodes.as_ref().unwrap());
        assert_eq!((b.classes.len(), r.confidence.len()), (34, 34));
        assert!(regularized.losses.unwrap().graph.is_some());
        // Identity features say nothing about the other 32 members; graph regularization pulls
        // the leaders' neighbors to their factions (measured: base 0.750, regularized 0.938).
        assert!(
            regularized.test_acc >= 0.9 && regularized.test_acc > base.test_acc,
            "base {:.3}, graph-regularized {:.3}",
            base.test_acc,
            regularized.test_acc
        );
        assert!(r.smoothness < b.smoothness, "smoothness {} vs {}", r.smoothness, b.smoothness);
        assert_eq!((r.classes[0], r.classes[33]), (0, 1), "the leaders keep their factions");

        // Mr. Hi's graph term: his neighbors heaviest first, each with its distance term.
        let mut session = Session::new(&spec(Some(graph_reg)), &device).unwrap();
        session.run_steps(50).unwrap();
        let hi = session.inspect_node(0).unwrap().read().unwrap();
        assert_eq!(hi.neighbors.len(), 16, "Mr. Hi has 16 friends, all within max_neighbors 20");
        assert!(
            hi.neighbors.iter().all(|n| n.term.is_finite() && n.term >= 0.0 && n.weight == 1.0),
            "{hi:?}"
        );
        assert!(hi.heat.is_none() && hi.attention.is_none(), "an MLP reads no other node");
        assert!(
            session.inspect_node(5).unwrap().read().unwrap().neighbors.is_empty(),
            "test nodes carry no term"
        );
        assert!(session.inspect_node(34).is_err());
    }

    #[test]
    fn a_small_cnn_learns_the_bundled_digits_with_adversarial_regularization() {
        let device = Device::flex();
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/mnist");
        let mut spec = builtin("mnist-adv", Some(&dir), 0).unwrap();
        spec.data = DataSpec::Mnist { dir, train: 1000, test: 500 };
        spec.model = ModelSpec::Cnn { channels: vec![4, 8], dense: 32, dropout: 0.0 };
        spec.optimizer.learning_rate = 0.005;
        spec.compare_with_base = false;
        let mut session = Session::new(&spec, &device).unwrap();
        session.run_steps(5).unwrap();
        let first = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
        session.run_steps(145).unwrap();
        let last = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
        let (l0, l1) = (first.losses.unwrap(), last.losses.unwrap());
        assert!(l1.adversarial.is_some() && l1.total < l0.total * 0.6, "{l0:?} → {l1:?}");
        assert!(last.test_acc > 0.75, "a CNN after 150 steps: {}", last.test_acc);
        assert_eq!(last.samples.len(), 8);
        assert_eq!(last.digit_views, None, "no digit chosen, no feature maps");

        // The feature maps of test digit 3: one 28 × 28 map per first-block channel, 14 × 14
        // per second-block channel, and they differ from one digit to another.
        let mut maps = |digit| {
            let options = SnapshotOptions { digit: Some(digit), ..Default::default() };
            match session.snapshot(&options).unwrap().read().unwrap().digit_views {
                Some(crate::session::digit_views::DigitViews::FeatureMaps { digit: shown, blocks }) => {
                    assert_eq!(shown, digit);
                    blocks
                }
                other => panic!("a CNN shows feature maps, got {other:?}"),
            }
        };
        let (three, four) = (maps(3), maps(4));
        let shapes: Vec<(usize, usize)> = three.iter().map(|b| (b.channels, b.side)).collect();
        assert_eq!(shapes, vec![(4, 28), (8, 14)]);
        assert_ne!(three[0].maps, four[0].maps);
        assert!(three[1].maps.iter().any(|v| *v > 0.0), "the second block responds to a digit");
    }

    #[test]
    fn an_mlp_on_digits_shows_its_first_layer_weights_as_images() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/mnist");
        let mut spec = builtin("mnist-adv", Some(&dir), 0).unwrap();
        spec.data = DataSpec::Mnist { dir, train: 200, test: 50 };
        let mut session = Session::new(&spec, &Device::flex()).unwrap();
        let options = SnapshotOptions { digit: Some(0), ..Default::default() };
        let before = session.snapshot(&options).unwrap().read().unwrap().digit_views;
        session.run_steps(20).unwrap();
        let after = session.snapshot(&options).unwrap().read().unwrap().digit_views;
        let (
            Some(crate::session::digit_views::DigitViews::FirstLayer { side, units, weights, changes: w0 }),
            Some(crate::session::digit_views::DigitViews::FirstLayer { weights: later, changes: w1, .. }),
        ) = (before, after)
        else {
            panic!("an MLP on digits shows its first layer")
        };
        assert_eq!((side, units, w0.len()), (28, 16, 16 * 784), "the first 16 of 128 hidden units");
        assert!(w0.iter().all(|v| *v == 0.0), "nothing changed before the first step");
        assert!(w1.iter().any(|v| *v != 0.0), "the images show what training changed");
        assert!(weights.iter().any(|v| *v != 0.0) && weights != later, "and the weights as they are");
        // Without adversarial perturbations (which put ink anywhere), a pixel blank in every
        // training digit gets no gradient and its weights stay as they began (Adam without
        // weight decay moves only what a gradient reaches).
        let mut plain = spec.clone();
        plain.regularization = Default::default();
        let mut session = Session::new(&plain, &Device::flex()).unwrap();
        session.run_steps(20).unwrap();
        let Some(crate::session::digit_views::DigitViews::FirstLayer { changes: w1, .. }) =
            session.snapshot(&options).unwrap().read().unwrap().digit_views
        else {
            panic!("an MLP on digits shows its first layer")
        };
        let data = session.data();
        let blank =
            (0..784).find(|&p| (0..data.train.len()).all(|r| data.train.row(r)[p] == 0.0)).expect("a corner");
        assert!((0..16).all(|u| w1[u * 784 + blank] == 0.0), "pixel {blank} never lit");
    }
}
