//! Link prediction trained step by step for the playground: a GNN encoder and its scorer, one
//! full-batch step per epoch on the graph with the held-out edges removed (the same
//! [`LinkTrainer`] `nsl train` runs); each snapshot scores the held-out test edges and non-edges
//! (and the validation pairs, and the training links against fixed non-edges) for one read-back.

use burn::tensor::Device;
use nsl_graph::rng::seeded;

use crate::data::load::load_graph;
use crate::data::planetoid::Planetoid;
use crate::error::{NslError, Result};
use crate::gnn::link_task::{HeldOut, LinkSplit, LinkTrainer, random_non_edges, split_edges};
use crate::gnn::model::GnnConfig;
use crate::gnn::node_task::{NodeData, NodeTrainOptions};
use crate::session::inspect::PendingInspection;
use crate::session::knobs::{checked_change, learning_rate_only};
use crate::session::link_scores::LinkLayout;
use crate::session::readout::Readout;
use crate::session::snapshot::{Layout, PendingProgress, SnapshotOptions};
use crate::session::tally::StepTally;
use crate::spec::{ExperimentSpec, ModelSpec, TaskSpec};

/// A link-prediction experiment trained one full-batch step at a time.
#[derive(Debug)]
pub struct LinkSession {
    spec: ExperimentSpec,
    trainer: LinkTrainer,
    split: LinkSplit,
    /// The training links against as many non-edges drawn once (the training AUC's pairs).
    train_pairs: HeldOut,
    tally: StepTally,
}

impl LinkSession {
    /// Loads `spec`'s graph and a fresh encoder on `device`.
    pub fn new(spec: &ExperimentSpec, device: &Device) -> Result<Self> {
        Self::with_graph(spec, &load_graph(&spec.data)?.0, device)
    }

    /// As [`LinkSession::new`], on a graph the caller loaded (the browser reads files itself).
    pub fn with_graph(spec: &ExperimentSpec, graph: &Planetoid, device: &Device) -> Result<Self> {
        spec.validate()?;
        let TaskSpec::LinkPrediction { embedding, validation_fraction, test_fraction, score } = spec.task
        else {
            return Err(NslError::Config("a link session trains link prediction".into()));
        };
        let ModelSpec::Gnn { gnn, hidden, dropout, sampling: None } = &spec.model else {
            return Err(NslError::Config("link prediction trains a GNN encoder, full batch".into()));
        };
        let data = NodeData::from_planetoid(graph)?;
        let split = split_edges(&data.adjacency, validation_fraction, test_fraction, spec.seed)?;
        let config = GnnConfig {
            kind: *gnn,
            input: data.dim,
            hidden: hidden.clone(),
            output: embedding,
            dropout: *dropout,
        };
        let trainer = LinkTrainer::new(&data, &split, &config, score, &NodeTrainOptions::of(spec), device)?;
        let train_pairs =
            HeldOut { edges: split.train_pairs.clone(), non_edges: non_edges(&split, spec.seed) };
        Ok(Self { spec: spec.clone(), trainer, split, train_pairs, tally: StepTally::default() })
    }

    /// The spec in force.
    pub fn spec(&self) -> &ExperimentSpec {
        &self.spec
    }

    /// Training links, and the held-out test pairs (edges and non-edges).
    pub fn split_sizes(&self) -> (usize, usize) {
        (self.split.train_pairs.len(), self.split.test.edges.len() + self.split.test.non_edges.len())
    }

    /// Steps taken (one per epoch).
    pub fn steps_done(&self) -> usize {
        self.trainer.steps_done()
    }

    /// Whether `spec` can apply to this session: only the learning rate, epochs, name and
    /// evaluation may differ.
    pub fn accepts(&self, spec: &ExperimentSpec) -> bool {
        learning_rate_only(&self.spec, spec)
    }

    /// Applies a changed spec from the next step (see [`LinkSession::accepts`]).
    pub fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        checked_change(&self.spec, spec, "the graph, model or task")?;
        self.trainer.set_learning_rate(spec.optimizer.learning_rate);
        self.spec = spec.clone();
        Ok(())
    }

    /// Runs `steps` steps; losses stay on the device until the next snapshot.
    pub fn run_steps(&mut self, steps: usize) -> Result<()> {
        let start = web_time::Instant::now();
        for _ in 0..steps {
            let loss = self.trainer.step();
            self.tally.add(loss);
        }
        self.tally.add_seconds(start.elapsed().as_secs_f64());
        Ok(())
    }

    /// The loss since the previous snapshot and the scores of the held-out pairs, for one
    /// read-back.
    pub fn snapshot(&mut self, _options: &SnapshotOptions) -> Result<PendingProgress> {
        let mut readout = Readout::default();
        let losses = self.tally.push_losses(&mut readout);
        let mut scored =
            self.trainer.scores(&[&self.split.test, &self.split.val, &self.train_pairs]).into_iter();
        let mut pair = |readout: &mut Readout| {
            let (pos, neg) = scored.next().expect("three sets of pairs were scored");
            (readout.push(pos), readout.push(neg))
        };
        let (test, val, train) = (pair(&mut readout), pair(&mut readout), pair(&mut readout));
        let step = self.steps_done();
        let links = LinkLayout {
            test,
            val,
            train,
            edges: self.split.test.edges.clone(),
            non_edges: self.split.test.non_edges.clone(),
        };
        let layout = Layout {
            step,
            epoch: step as f64,
            losses,
            accuracy: None,
            train_rows: 0,
            test_rows: 0,
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
            links: Some(links),
            graphs: None,
            classes: 2,
            dgi: None,
            parts: [false; 4],
        };
        Ok(PendingProgress { readout, layout })
    }

    /// Link predictors inspect no node.
    pub fn inspect_node(&self, _node: usize) -> Result<PendingInspection> {
        Err(NslError::Config("node inspection is for node classifiers, not link prediction".into()))
    }
}

/// As many non-edges as `split` has training links, drawn once from `seed`: the training
/// AUC's negatives.
fn non_edges(split: &LinkSplit, seed: u64) -> Vec<(u32, u32)> {
    random_non_edges(
        &mut seeded(seed ^ 0x7a_11),
        split.train.nodes as u32,
        &split.all,
        split.train_pairs.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{DataSpec, GnnKind, GraphSource, LinkScore, OptimizerSpec};

    fn spec(epochs: usize) -> ExperimentSpec {
        ExperimentSpec {
            name: "citation-links".into(),
            data: DataSpec::Graph { graph: GraphSource::Citation(Default::default()) },
            model: ModelSpec::Gnn { gnn: GnnKind::Gcn, hidden: vec![32], dropout: 0.0, sampling: None },
            regularization: Default::default(),
            optimizer: OptimizerSpec { learning_rate: 0.01, batch_size: 1, weight_decay: 0.0 },
            epochs,
            seed: 0,
            evaluation: Default::default(),
            compare_with_base: false,
            task: TaskSpec::LinkPrediction {
                embedding: 16,
                validation_fraction: 0.1,
                test_fraction: 0.2,
                score: LinkScore::DotProduct,
            },
        }
    }

    /// Step by step, the held-out links come to score above the non-edges, and the last
    /// snapshot's test AUC is the one `nsl train` reports for the last epoch.
    #[test]
    fn held_out_links_come_to_outscore_non_edges_as_nsl_train_measures_them() {
        let device = Device::flex();
        let spec = spec(60);
        let mut session = LinkSession::new(&spec, &device).unwrap();
        let start = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
        let links = start.links.as_ref().expect("a link snapshot");
        let (train, test) = session.split_sizes();
        assert_eq!(links.edges.len() + links.non_edges.len(), test);
        assert_eq!(links.edges.len(), links.non_edges.len(), "as many non-edges as held-out edges");
        assert!(train > links.edges.len());
        session.run_steps(60).unwrap();
        let end = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
        let scores = end.links.as_ref().unwrap();
        assert!(scores.test_auc > 0.7 && scores.train_auc > scores.test_auc - 0.2, "{scores:?}");
        assert_eq!((end.test_acc, end.train_acc), (scores.test_auc, scores.train_auc));
        assert_eq!(end.confusion.iter().sum::<u32>() as usize, test);
        assert!(end.losses.unwrap().total < start.losses.map_or(f32::INFINITY, |l| l.total));
        let mut native = None;
        crate::train::experiment::run(&spec, &device, &mut |event| {
            if let crate::train::experiment::Event::RunFinished { metrics, .. } = event {
                native = metrics.last_test_auc;
            }
        })
        .unwrap();
        assert_eq!(native, Some(scores.test_auc), "the page's last AUC is nsl train's last epoch's");
    }
}
