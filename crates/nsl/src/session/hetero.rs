//! Node classification on a heterogeneous graph trained step by step for the playground:
//! TF-GNN's model over the MAG-like graph's node sets and edge sets, one full-batch step per
//! epoch (the same [`HeteroNodeTrainer`] `nsl train` runs), with Deep Graph Infomax beside it
//! when the spec says so; each snapshot reads back the classified node set's predictions, each
//! task's loss and how well DGI tells the graph from its shuffled copy.

use burn::tensor::{Device, Tensor, activation};
use nsl_graph::datasets::mag;
use nsl_graph::typed::Graph;

use crate::error::{NslError, Result};
use crate::gnn::hetero::encoder::RoundUpdate;
use crate::gnn::hetero::node_task::{HeteroNodeOptions, HeteroNodeTrainer};
use crate::session::inspect::PendingInspection;
use crate::session::knobs::{checked_change, learning_rate_only};
use crate::session::readout::Readout;
use crate::session::snapshot::{
    EdgeTensors, Layout, PendingProgress, SnapshotOptions, onehot_labels, predicted_onehot,
};
use crate::session::tally::StepTally;
use crate::spec::{DataSpec, ExperimentSpec, ModelSpec, TaskSpec};
use crate::tensor::labels;

/// A heterogeneous node-classification experiment trained one full-batch step at a time.
#[derive(Debug)]
pub struct HeteroSession {
    spec: ExperimentSpec,
    trainer: HeteroNodeTrainer,
    train: Split,
    test: Split,
    /// The classified node set's own edges (citations), for the smoothness of predictions.
    edges: EdgeTensors,
    tally: StepTally,
}

/// Some labeled nodes of the classified node set on the inference device.
#[derive(Debug)]
struct Split {
    nodes: burn::tensor::Tensor<1, burn::tensor::Int>,
    onehot: Tensor<2>,
    count: usize,
}

impl Split {
    fn new(nodes: &[u32], all_labels: &[u32], classes: usize, device: &Device) -> Self {
        let picked: Vec<u32> = nodes.iter().map(|&n| all_labels[n as usize]).collect();
        Self {
            nodes: labels(nodes, device),
            onehot: onehot_labels(&picked, classes, device),
            count: nodes.len(),
        }
    }
}

impl HeteroSession {
    /// Generates `spec`'s MAG-like graph and a fresh model on `device`.
    pub fn new(spec: &ExperimentSpec, device: &Device) -> Result<Self> {
        let DataSpec::Mag(mag_spec) = &spec.data else {
            return Err(NslError::Config("a heterogeneous session trains on the MAG-like graph".into()));
        };
        let graph = mag::generate(mag_spec).map_err(|e| NslError::Config(e.to_string()))?;
        Self::with_graph(spec, &graph, device)
    }

    /// As [`HeteroSession::new`], on a graph the caller generated.
    pub fn with_graph(spec: &ExperimentSpec, graph: &Graph, device: &Device) -> Result<Self> {
        spec.validate()?;
        let ModelSpec::Hetero { encoder, sampling: None, .. } = &spec.model else {
            return Err(NslError::Config(
                "a heterogeneous session trains TF-GNN's model full batch (sampled training runs in `nsl train`)"
                    .into(),
            ));
        };
        if !matches!(spec.task, TaskSpec::Classification | TaskSpec::Joint { .. }) {
            return Err(NslError::Config("a heterogeneous session classifies nodes".into()));
        }
        let options = HeteroNodeOptions::of(spec);
        let trainer = HeteroNodeTrainer::new(graph, encoder, &options, device)?;
        let eval = device.clone().inner();
        let t = trainer.targets();
        let (train, test) = (
            Split::new(&t.train, &t.labels, t.classes, &eval),
            Split::new(&t.test, &t.labels, t.classes, &eval),
        );
        let citations = graph
            .edge_sets
            .values()
            .filter(|e| e.source == encoder.node_set && e.target == encoder.node_set)
            .flat_map(|e| e.sources.iter().zip(&e.targets).map(|(&a, &b)| (a, b, 1.0)))
            .collect::<Vec<_>>();
        let edges = EdgeTensors::new(citations.into_iter(), &eval);
        Ok(Self { spec: spec.clone(), trainer, train, test, edges, tally: StepTally::default() })
    }

    /// The spec in force.
    pub fn spec(&self) -> &ExperimentSpec {
        &self.spec
    }

    /// Labeled training and test nodes of the classified node set.
    pub fn split_sizes(&self) -> (usize, usize) {
        (self.train.count, self.test.count)
    }

    /// Steps taken (one per epoch).
    pub fn steps_done(&self) -> usize {
        self.trainer.steps_done()
    }

    /// Which node sets each round updates, from which edge sets.
    pub fn round_updates(&self) -> Vec<Vec<RoundUpdate>> {
        self.trainer.model().encoder.round_updates()
    }

    /// Whether `spec` can apply to this session: only the learning rate, epochs, name and
    /// evaluation may differ.
    pub fn accepts(&self, spec: &ExperimentSpec) -> bool {
        learning_rate_only(&self.spec, spec)
    }

    /// Applies a changed spec from the next step (see [`HeteroSession::accepts`]).
    pub fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        checked_change(&self.spec, spec, "the graph, the model or the tasks")?;
        self.trainer.set_learning_rate(spec.optimizer.learning_rate);
        self.spec = spec.clone();
        Ok(())
    }

    /// Runs `steps` steps; the losses stay on the device until the next snapshot.
    pub fn run_steps(&mut self, steps: usize) -> Result<()> {
        let start = web_time::Instant::now();
        for _ in 0..steps {
            let losses = self.trainer.step()?;
            let device = losses.total.device();
            let zeros = Tensor::<1>::zeros([3], &device);
            let dgi = losses.dgi.unwrap_or_else(|| Tensor::zeros([1], &device));
            self.tally.add(Tensor::cat(vec![losses.total, losses.classification, zeros, dgi], 0));
        }
        self.tally.add_seconds(start.elapsed().as_secs_f64());
        Ok(())
    }

    /// Each task's loss since the previous snapshot, the training accuracy, the test
    /// confusion, every classified node's prediction and DGI's accuracy, for one read-back.
    pub fn snapshot(&mut self, _options: &SnapshotOptions) -> Result<PendingProgress> {
        let mut readout = Readout::default();
        let losses = self.tally.push_losses(&mut readout);
        let logits = self.trainer.logits()?;
        let train_logits = logits.clone().select(0, self.train.nodes.clone());
        let train_correct = readout.push((predicted_onehot(train_logits) * self.train.onehot.clone()).sum());
        let test_logits = logits.clone().select(0, self.test.nodes.clone());
        let confusion =
            readout.push(self.test.onehot.clone().transpose().matmul(predicted_onehot(test_logits)));
        let nodes = self.edges.push_predictions(activation::softmax(logits, 1), &mut readout);
        let dgi = self.trainer.dgi_logits()?.map(|d| {
            let right = d.clean.clone().lower_elem(0.0).float().sum()
                + d.corrupted.clone().greater_elem(0.0).float().sum();
            (readout.push(right), d.clean.dims()[0] + d.corrupted.dims()[0])
        });
        let step = self.steps_done();
        let layout = Layout {
            step,
            epoch: step as f64,
            losses,
            accuracy: Some((train_correct, confusion)),
            train_rows: self.train.count,
            test_rows: self.test.count,
            attacked: None,
            heatmap: None,
            samples: None,
            sample_labels: Vec::new(),
            nodes: Some(nodes),
            network: None,
            digit_views: None,
            embeddings: None,
            batch: None,
            step_seconds: self.tally.seconds_per_step(step),
            links: None,
            graphs: None,
            dgi,
            classes: self.trainer.targets().classes,
            parts: [false, false, false, self.spec.task.dgi_weight().is_some()],
        };
        Ok(PendingProgress { readout, layout })
    }

    /// Inspection (attribution, neighbors) is for models of one node set.
    pub fn inspect_node(&self, _node: usize) -> Result<PendingInspection> {
        Err(NslError::Config("node inspection is for graphs of one node set".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::builtin::builtin;

    /// The page's MAG-like setup, small: what the session and `nsl train` both run.
    fn small_spec(epochs: usize) -> ExperimentSpec {
        let mut spec = builtin("mag-mtalbis-dgi", None, 0).unwrap();
        let DataSpec::Mag(data) = &mut spec.data else { unreachable!() };
        (data.papers, data.authors, data.institutions, data.fields) = (300, 180, 12, 24);
        if let ModelSpec::Hetero { encoder, .. } = &mut spec.model {
            encoder.hidden = 16;
            if let crate::config::tfgnn::HeteroModel::MtAlbis(mt) = &mut encoder.model {
                (mt.units, mt.message_dim) = (16, 16);
            }
        }
        spec.epochs = epochs;
        spec
    }

    /// Step by step the session trains as `nsl train` does: the same losses, task by task, and
    /// the snapshot's figures are what its predictions say.
    #[test]
    fn the_session_trains_as_nsl_train_does_and_reports_each_task() {
        let device = Device::flex();
        let spec = small_spec(8);
        let mut session = HeteroSession::new(&spec, &device).unwrap();
        let mut totals = Vec::new();
        let mut dgi = Vec::new();
        for _ in 0..8 {
            session.run_steps(1).unwrap();
            let p = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
            let losses = p.losses.unwrap();
            totals.push(losses.total);
            dgi.push(losses.dgi.expect("DGI trains beside"));
            assert!(
                (losses.total - losses.supervised - 0.1 * losses.dgi.unwrap()).abs() < 1e-4,
                "{losses:?}"
            );
            let nodes = p.nodes.as_ref().unwrap();
            assert_eq!(nodes.classes.len(), 300, "a prediction for every paper");
            let acc = p.dgi_acc.expect("DGI's accuracy");
            assert!((0.0..=1.0).contains(&acc));
        }
        let DataSpec::Mag(data) = &spec.data else { unreachable!() };
        let graph = mag::generate(data).unwrap();
        let ModelSpec::Hetero { encoder, .. } = &spec.model else { unreachable!() };
        let options = HeteroNodeOptions::of(&spec);
        let native =
            crate::gnn::hetero::node_task::train(&graph, encoder, &options, &device, &mut |_| {}).unwrap();
        for (e, (page, cli)) in totals.iter().zip(&native.losses).enumerate() {
            assert!((page - cli).abs() < 1e-5, "epoch {e}: session {page}, nsl train {cli}");
        }
        for (e, (page, cli)) in dgi.iter().zip(&native.dgi_losses).enumerate() {
            assert!((page - cli).abs() < 1e-5, "epoch {e}: DGI {page} vs {cli}");
        }
        assert_eq!(
            native.last_dgi_acc,
            session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap().dgi_acc
        );
        assert_eq!(session.round_updates().len(), 2);
        let plain = ExperimentSpec { task: TaskSpec::Classification, ..small_spec(2) };
        let mut plain = HeteroSession::new(&plain, &device).unwrap();
        plain.run_steps(2).unwrap();
        let p = plain.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
        assert!(p.losses.unwrap().dgi.is_none() && p.dgi_acc.is_none());
    }
}
