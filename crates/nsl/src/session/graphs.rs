//! Graph classification trained step by step for the playground: TF-GNN's model over a set of
//! small graphs (the motifs), batches of graphs merged as components (the same
//! [`GraphClassTrainer`] `nsl train` runs); each snapshot classifies the training graphs and
//! every test graph for one read-back.

use burn::tensor::{Device, Tensor, activation};
use nsl_graph::datasets::motifs::{self, GraphSet};
use nsl_graph::typed::SplitKind;

use crate::config::tfgnn::HeteroGraphConfig;
use crate::error::{NslError, Result};
use crate::gnn::hetero::graph::GraphTensor;
use crate::gnn::hetero::graph_task::{GraphClassTrainer, GraphTrainOptions, upload};
use crate::session::inspect::PendingInspection;
use crate::session::knobs::{checked_change, learning_rate_only};
use crate::session::readout::Readout;
use crate::session::snapshot::{Layout, PendingProgress, SnapshotOptions, onehot_labels, predicted_onehot};
use crate::session::tally::StepTally;
use crate::spec::{DataSpec, ExperimentSpec, ModelSpec, TaskSpec};

/// A graph-classification experiment trained one batch of graphs at a time.
#[derive(Debug)]
pub struct GraphSession {
    spec: ExperimentSpec,
    set: GraphSet,
    trainer: GraphClassTrainer,
    train: Split,
    test: Split,
    tally: StepTally,
}

/// One split's graphs merged on the inference device, with their labels.
#[derive(Debug)]
struct Split {
    graphs: GraphTensor,
    count: usize,
    onehot: Tensor<2>,
}

impl Split {
    fn new(set: &GraphSet, kind: SplitKind, device: &Device) -> Result<Self> {
        let indices = set.indices(kind);
        let classes: Vec<u32> = indices.iter().map(|&g| set.labels[g as usize]).collect();
        Ok(Self {
            graphs: upload(set, &indices, device)?,
            count: indices.len(),
            onehot: onehot_labels(&classes, set.classes.len(), device),
        })
    }
}

impl GraphSession {
    /// The set `spec`'s data generates and a fresh model on `device`.
    pub fn new(spec: &ExperimentSpec, device: &Device) -> Result<Self> {
        spec.validate()?;
        let (DataSpec::Motifs(motif_spec), TaskSpec::GraphClassification) = (&spec.data, &spec.task) else {
            return Err(NslError::Config("a graph session classifies a set of small graphs".into()));
        };
        let ModelSpec::Hetero { encoder, readout, .. } = &spec.model else {
            return Err(NslError::Config("graph classification trains TF-GNN's model".into()));
        };
        let set = motifs::generate(motif_spec).map_err(|e| NslError::Config(e.to_string()))?;
        let config = HeteroGraphConfig { encoder: encoder.clone(), readout: readout.clone() };
        let options = GraphTrainOptions::of(spec);
        let trainer = GraphClassTrainer::new(&set, &config, &options, device)?;
        let eval = device.clone().inner();
        let (train, test) =
            (Split::new(&set, SplitKind::Train, &eval)?, Split::new(&set, SplitKind::Test, &eval)?);
        Ok(Self { spec: spec.clone(), set, trainer, train, test, tally: StepTally::default() })
    }

    /// The spec in force.
    pub fn spec(&self) -> &ExperimentSpec {
        &self.spec
    }

    /// Training and test graphs.
    pub fn split_sizes(&self) -> (usize, usize) {
        (self.train.count, self.test.count)
    }

    /// Steps taken.
    pub fn steps_done(&self) -> usize {
        self.trainer.steps_done()
    }

    /// Steps in one epoch.
    pub fn steps_per_epoch(&self) -> usize {
        self.trainer.steps_per_epoch()
    }

    /// Whether `spec` can apply to this session: only the learning rate, epochs, name and
    /// evaluation may differ.
    pub fn accepts(&self, spec: &ExperimentSpec) -> bool {
        learning_rate_only(&self.spec, spec)
    }

    /// Applies a changed spec from the next step (see [`GraphSession::accepts`]).
    pub fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        checked_change(&self.spec, spec, "the graphs or the model")?;
        self.trainer.set_learning_rate(spec.optimizer.learning_rate);
        self.spec = spec.clone();
        Ok(())
    }

    /// Runs `steps` steps; losses stay on the device until the next snapshot.
    pub fn run_steps(&mut self, steps: usize) -> Result<()> {
        let start = web_time::Instant::now();
        for _ in 0..steps {
            let (loss, _) = self.trainer.step(&self.set)?;
            self.tally.add(loss);
        }
        self.tally.add_seconds(start.elapsed().as_secs_f64());
        Ok(())
    }

    /// The loss since the previous snapshot, the training accuracy, the test confusion and
    /// every test graph's prediction, for one read-back.
    pub fn snapshot(&mut self, _options: &SnapshotOptions) -> Result<PendingProgress> {
        let mut readout = Readout::default();
        let losses = self.tally.push_losses(&mut readout);
        let train_logits = self.trainer.logits(&self.train.graphs)?;
        let train_correct = readout.push((predicted_onehot(train_logits) * self.train.onehot.clone()).sum());
        let test_logits = self.trainer.logits(&self.test.graphs)?;
        let confusion =
            readout.push(self.test.onehot.clone().transpose().matmul(predicted_onehot(test_logits.clone())));
        let probabilities = activation::softmax(test_logits, 1);
        let n = self.test.count;
        let classes = readout.push(probabilities.clone().argmax(1).reshape([n]).float());
        let confidence = readout.push(probabilities.max_dim(1).reshape([n]));
        let step = self.steps_done();
        let layout = Layout {
            step,
            epoch: step as f64 / self.steps_per_epoch() as f64,
            losses,
            accuracy: Some((train_correct, confusion)),
            train_rows: self.train.count,
            test_rows: self.test.count,
            attacked: None,
            heatmap: None,
            samples: None,
            sample_labels: Vec::new(),
            nodes: None,
            network: None,
            digit_views: None,
            embeddings: None,
            batch: None,
            step_seconds: self.tally.seconds_per_step(step),
            links: None,
            graphs: Some((classes, confidence)),
            classes: self.set.classes.len(),
            dgi: None,
            parts: [false; 4],
        };
        Ok(PendingProgress { readout, layout })
    }

    /// Graph classifiers inspect no node.
    pub fn inspect_node(&self, _node: usize) -> Result<PendingInspection> {
        Err(NslError::Config("node inspection is for node classifiers, not graph classification".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::builtin::builtin;

    /// Step by step the motifs are learnt, and the snapshot's test accuracy is what its test
    /// predictions say.
    #[test]
    fn motifs_are_learnt_batch_by_batch() {
        let device = Device::flex();
        let mut spec = builtin("motifs-mtalbis", None, 0).unwrap();
        spec.epochs = 20;
        let mut session = GraphSession::new(&spec, &device).unwrap();
        let (train, test) = session.split_sizes();
        assert_eq!((train, test), (360, 120));
        assert_eq!(session.steps_per_epoch(), 360usize.div_ceil(32));
        session.run_steps(20 * session.steps_per_epoch()).unwrap();
        let p = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
        assert_eq!(p.epoch, 20.0);
        let graphs = p.graphs.as_ref().expect("a graph classifier's predictions");
        assert_eq!(graphs.classes.len(), test);
        let test_labels: Vec<u32> =
            session.set.indices(SplitKind::Test).iter().map(|&g| session.set.labels[g as usize]).collect();
        let right = graphs.classes.iter().zip(&test_labels).filter(|(a, b)| a == b).count();
        assert_eq!(p.test_acc, right as f64 / test as f64, "the confusion agrees with the predictions");
        assert!(
            p.test_acc > 0.5 && p.train_acc > 0.5, // chance: a third (60 epochs reach about 90%)
            "MtAlbis finds the motifs: {} / {}",
            p.train_acc,
            p.test_acc
        );
        assert!(graphs.confidence.iter().all(|&c| (1.0 / 3.0..=1.0).contains(&c)));
    }
}
