//! Node classifiers trained step by step for the playground, full batch: a GNN or an MLP with
//! or without Neural Graph Machine terms (see [`crate::gnn::trainers`]); each
//! step is one full-batch epoch; snapshots report the same [`Progress`] as the MLP session (losses,
//! accuracies on the train and test nodes, the test confusion matrix, every node's prediction and
//! the graph smoothness), read back once.

use burn::tensor::{Device, Tensor, activation};

use crate::data::NeighborTable;
use crate::data::load::load_graph;
use crate::error::{NslError, Result};
use crate::gnn::node_task::{NodeClassifierTrainer, NodeData};
use crate::gnn::trainers::node_classifier_trainer;
use crate::session::inspect::{PendingInspection, node_and_neighbors, stacked_terms};
use crate::session::readout::Readout;
use crate::session::snapshot::{
    EdgeTensors, Layout, PendingProgress, SnapshotOptions, onehot_labels, predicted_onehot,
};
use crate::session::tally::StepTally;
use crate::spec::{ExperimentSpec, TaskSpec};
use crate::tensor::labels;

/// A node-classification experiment trained one full-batch step at a time.
#[derive(Debug)]
pub struct NodeSession {
    spec: ExperimentSpec,
    trainer: Box<dyn NodeClassifierTrainer>,
    data: NodeData,
    tally: StepTally,
    edges: EdgeTensors,
    eval: NodeEval,
}

/// Node sets and their labels on the device, uploaded once.
#[derive(Debug)]
struct NodeEval {
    train: burn::tensor::Tensor<1, burn::tensor::Int>,
    train_onehot: Tensor<2>,
    test: burn::tensor::Tensor<1, burn::tensor::Int>,
    test_onehot: Tensor<2>,
}

impl NodeSession {
    /// Loads `spec`'s graph and a fresh model on `device`: a GNN for a GNN spec; for an MLP
    /// spec, the MLP trained full batch with the spec's Neural Graph Machine terms (none: the
    /// plain MLP, NGM's base model).
    pub fn new(spec: &ExperimentSpec, device: &Device) -> Result<Self> {
        Self::with_graph(spec, &load_graph(&spec.data)?.0, device)
    }

    /// As [`NodeSession::new`], on a graph the caller loaded (the browser reads files itself).
    pub fn with_graph(
        spec: &ExperimentSpec,
        graph: &crate::data::planetoid::Planetoid,
        device: &Device,
    ) -> Result<Self> {
        spec.validate()?;
        if spec.task != TaskSpec::Classification {
            return Err(NslError::Config("a node session trains node classification".into()));
        }
        let data = NodeData::from_planetoid(graph)?;
        if data.test.is_empty() {
            return Err(NslError::Config("the graph's split names no test nodes".into()));
        }
        let trainer = node_classifier_trainer(spec, &spec.regularization, &data, device)?;
        let eval_device = device.clone().inner();
        let pick = |nodes: &[u32]| nodes.iter().map(|&n| data.labels[n as usize]).collect::<Vec<_>>();
        let eval = NodeEval {
            train: labels(&data.train, &eval_device),
            train_onehot: onehot_labels(&pick(&data.train), data.classes, &eval_device),
            test: labels(&data.test, &eval_device),
            test_onehot: onehot_labels(&pick(&data.test), data.classes, &eval_device),
        };
        let edges = EdgeTensors::new(data.adjacency.triples(), &eval_device);
        Ok(Self { spec: spec.clone(), trainer, data, tally: StepTally::default(), edges, eval })
    }

    /// The spec in force.
    pub fn spec(&self) -> &ExperimentSpec {
        &self.spec
    }

    /// Training and test node counts.
    pub fn split_sizes(&self) -> (usize, usize) {
        (self.data.train.len(), self.data.test.len())
    }

    /// Steps taken.
    pub fn steps_done(&self) -> usize {
        self.trainer.steps_done()
    }

    /// Steps in one epoch: 1 full batch, a pass over the training nodes in batches when sampled.
    pub fn steps_per_epoch(&self) -> usize {
        self.trainer.steps_per_epoch()
    }

    /// Whether `spec` can apply to this session: only regularization strengths, the learning
    /// rate, epochs, name and evaluation may differ.
    pub fn accepts(&self, spec: &ExperimentSpec) -> bool {
        let (a, b) = (&spec.regularization, &self.spec.regularization);
        self.spec.differs_only_in_knobs(spec)
            && a.graph.is_some() == b.graph.is_some()
            && a.adversarial.is_some() == b.adversarial.is_some()
            && a.max_neighbors() == b.max_neighbors()
            && a.virtual_adversarial.is_none()
            && a.neural_graph_machine.is_some() == b.neural_graph_machine.is_some()
    }

    /// Applies a changed spec from the next step (see [`NodeSession::accepts`]).
    pub fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        spec.validate()?;
        if !self.accepts(spec) {
            return Err(NslError::Config(
                "the graph, model or regularizers changed: start a new session".into(),
            ));
        }
        self.trainer.apply(&spec.regularization, spec.optimizer.learning_rate)?;
        self.spec = spec.clone();
        Ok(())
    }

    /// Runs `steps` full-batch steps; losses stay on the device until the next snapshot.
    pub fn run_steps(&mut self, steps: usize) -> Result<()> {
        let start = web_time::Instant::now();
        for _ in 0..steps {
            self.tally.add(self.trainer.step()?);
        }
        self.tally.add_seconds(start.elapsed().as_secs_f64());
        Ok(())
    }

    /// Inspects `node`: its graph-regularization neighbors (a training node's top
    /// `max_neighbors` by weight) with their terms now, and, for GNNs, the attribution of its
    /// prediction to every node (`attribution_steps` of integrated gradients) and a GAT's
    /// attention per edge.
    pub fn inspect_node(&self, node: usize, attribution_steps: usize) -> Result<PendingInspection> {
        let nodes = self.data.adjacency.nodes;
        if node >= nodes {
            return Err(NslError::Config(format!("node {node} is out of range for {nodes} nodes")));
        }
        let graph = self.spec.regularization.graph.filter(|g| g.neighbor_config.max_neighbors > 0);
        let neighbors = match graph {
            Some(g) if self.data.train.contains(&(node as u32)) => {
                let edges: Vec<(usize, usize, f32)> =
                    self.data.adjacency.triples().map(|(a, b, w)| (a as usize, b as usize, w)).collect();
                NeighborTable::select(&self.data.ids, &edges, &[node], g.neighbor_config.max_neighbors, false)
                    .neighbors
                    .remove(0)
            }
            _ => Vec::new(),
        };
        let mut readout = Readout::default();
        let terms = match (graph, neighbors.is_empty()) {
            (Some(g), false) => {
                let logits = self.trainer.logits();
                let rows: Vec<u32> = node_and_neighbors(node, &neighbors).iter().map(|&n| n as u32).collect();
                let picked = logits.clone().select(0, labels(&rows, &logits.device()));
                Some(readout.push(stacked_terms(picked, &neighbors, &g.distance_config)?))
            }
            _ => None,
        };
        let explanation = self.trainer.explain(node, attribution_steps)?;
        let (heat, attention) = match explanation {
            Some(e) => {
                let heat = readout.push(e.heat);
                (Some(heat), e.attention.map(|(alpha, src, dst)| (readout.push(alpha), src, dst)))
            }
            None => (None, None),
        };
        let pending =
            PendingInspection { readout, node, neighbors, terms, heat, attention, layers: Vec::new() };
        Ok(match self.trainer.step_through(node)? {
            Some(layers) => pending.with_layers(layers),
            None => pending,
        })
    }

    /// Losses since the previous snapshot, accuracies, the test confusion matrix and every
    /// node's prediction with the graph smoothness — and, when `options.embeddings` asks, every
    /// GNN layer's node embeddings — for one read-back.
    pub fn snapshot(&mut self, options: &SnapshotOptions) -> Result<PendingProgress> {
        let mut readout = Readout::default();
        let step_seconds = self.tally.seconds_per_step(self.steps_done());
        let losses = self.tally.push_losses(&mut readout);
        // With the embeddings asked for, one forward pass gives them and the logits (the last
        // layer's output); a model without layers over the graph gives none.
        let states = if options.embeddings { self.trainer.layer_states() } else { Vec::new() };
        let logits = states.last().cloned().unwrap_or_else(|| self.trainer.logits());
        let e = &self.eval;
        let train_pred = predicted_onehot(logits.clone().select(0, e.train.clone()));
        let train_correct = readout.push((train_pred * e.train_onehot.clone()).sum());
        let test_pred = predicted_onehot(logits.clone().select(0, e.test.clone()));
        let confusion = readout.push(e.test_onehot.clone().transpose().matmul(test_pred));
        let nodes = Some(self.edges.push_predictions(activation::softmax(logits, 1), &mut readout));
        let embeddings = (!states.is_empty())
            .then(|| states.into_iter().map(|s| (s.dims()[1], readout.push(s))).collect());
        let step = self.steps_done();
        let layout = Layout {
            step,
            epoch: step as f64 / self.trainer.steps_per_epoch() as f64,
            losses,
            accuracy: Some((train_correct, confusion)),
            train_rows: self.data.train.len(),
            test_rows: self.data.test.len(),
            attacked: None,
            heatmap: None,
            samples: None,
            sample_labels: Vec::new(),
            nodes,
            network: None,
            digit_views: None,
            embeddings,
            batch: self.trainer.last_batch().cloned(),
            step_seconds,
            links: None,
            graphs: None,
            classes: self.data.classes,
            parts: {
                let [graph, adversarial] = self.trainer.parts_in_force();
                [graph, adversarial, false, false]
            },
            dgi: None,
        };
        Ok(PendingProgress { readout, layout })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Regularization;
    use crate::config::{GraphNeighborConfig, GraphRegConfig};
    use crate::spec::GnnKind;
    use crate::spec::GraphSource;
    use crate::spec::{DataSpec, ModelSpec, OptimizerSpec};

    fn spec(gnn: GnnKind, graph: Option<GraphRegConfig>) -> ExperimentSpec {
        ExperimentSpec {
            name: "citation-gnn".into(),
            data: DataSpec::Graph { graph: GraphSource::Citation(Default::default()) },
            model: ModelSpec::Gnn { gnn, hidden: vec![16], dropout: 0.5, sampling: None },
            regularization: Regularization { graph, ..Default::default() },
            optimizer: OptimizerSpec { learning_rate: 0.01, batch_size: 1, weight_decay: 5e-4 },
            epochs: 100,
            seed: 0,
            evaluation: Default::default(),
            compare_with_base: false,
            task: TaskSpec::Classification,
        }
    }

    #[test]
    fn a_gcn_learns_the_citation_network_step_by_step() {
        let device = Device::flex();
        let graph = GraphRegConfig {
            multiplier: 0.5,
            neighbor_config: GraphNeighborConfig { max_neighbors: 5 },
            ..Default::default()
        };
        let mut session = NodeSession::new(&spec(GnnKind::Gcn, Some(graph)), &device).unwrap();
        let start = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
        assert_eq!((start.step, start.losses), (0, None));
        session.run_steps(5).unwrap();
        let first = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap().losses.unwrap();
        assert!(first.graph.is_some() && first.adversarial.is_none());
        session.run_steps(95).unwrap();
        let end = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
        assert!(end.losses.unwrap().supervised < first.supervised, "{first:?} → {:?}", end.losses);
        assert!(end.test_acc > 0.8, "GCN on the citation network: {}", end.test_acc);
        let nodes = end.nodes.as_ref().unwrap();
        assert_eq!(nodes.classes.len(), 300);
        let mut base = NodeSession::new(&spec(GnnKind::Gcn, None), &device).unwrap();
        base.run_steps(100).unwrap();
        let base = base.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
        assert!(
            nodes.smoothness < base.nodes.as_ref().unwrap().smoothness,
            "graph regularization smooths predictions along edges: {} vs {}",
            nodes.smoothness,
            base.nodes.as_ref().unwrap().smoothness
        );
        assert_eq!(end.confusion.iter().sum::<u32>() as usize, session.split_sizes().1);

        let mut stronger = session.spec().clone();
        stronger.regularization.graph.as_mut().unwrap().multiplier = 2.0;
        assert!(session.accepts(&stronger));
        session.apply(&stronger).unwrap();
        let mut no_graph = stronger;
        no_graph.regularization.graph = None;
        assert!(!session.accepts(&no_graph), "turning a regularizer off needs a new session");
    }

    #[test]
    fn a_gcn_layer_steps_through_as_computed_and_its_embeddings_move() {
        let device = Device::flex();
        let mut session = NodeSession::new(&spec(GnnKind::Gcn, None), &device).unwrap();
        let options = SnapshotOptions { embeddings: true, ..Default::default() };
        let before = session.snapshot(&options).unwrap().read().unwrap().embeddings.expect("a GNN");
        session.run_steps(30).unwrap();
        let after = session.snapshot(&options).unwrap().read().unwrap().embeddings.unwrap();
        let widths: Vec<usize> = after.iter().map(|l| l.width).collect();
        assert_eq!(widths, vec![16, session.data.classes], "the hidden layer, then the logits");
        assert!(after.iter().all(|l| l.points.len() == 300 && l.points.iter().all(|p| p[0].is_finite())));
        assert_ne!(before[0].points, after[0].points, "embeddings move as the model learns");

        let node = session.data.train[0] as usize;
        let found = session.inspect_node(node, 4).unwrap().read().unwrap();
        assert_eq!(found.layers.len(), 2, "one step-through per layer");
        for layer in &found.layers {
            let (self_loop, edges) = layer.terms.split_first().unwrap();
            assert!(self_loop.self_loop && self_loop.from == node as u32);
            let incoming = session.data.adjacency.triples().filter(|&(_, d, _)| d as usize == node).count();
            assert_eq!(edges.len(), incoming, "every incoming edge is a term");
            // The degree is the self loop plus the incoming weights, and each coefficient is
            // w / √(d̂ᵤ d̂ᵥ): weighted back by the roots, they add up to the degree again.
            let weights: f32 = edges.iter().map(|t| t.weight).sum();
            assert!((layer.receiver_degree - (1.0 + weights)).abs() < 1e-5);
            let unscaled: f32 = layer
                .terms
                .iter()
                .map(|t| t.coefficient * (t.sender_degree * layer.receiver_degree).sqrt())
                .sum();
            assert!(
                (unscaled - layer.receiver_degree).abs() < 1e-4,
                "{unscaled} vs {}",
                layer.receiver_degree
            );
            // What the terms add up to is what the model computed.
            let (shown, model) = (layer.update(), &layer.state);
            assert_eq!(shown.len(), model.len());
            for (a, b) in shown.iter().zip(model) {
                assert!(
                    (a - b).abs() < 1e-4 * (1.0 + b.abs()),
                    "layer {}: {shown:?} vs {model:?}",
                    layer.layer
                );
            }
        }
        assert!(found.layers[0].relu && !found.layers[1].relu, "ReLU on the hidden layer, logits linear");

        let mut gat =
            NodeSession::new(&spec(GnnKind::Gat { heads: 2, output_heads: 1 }, None), &device).unwrap();
        assert!(gat.inspect_node(node, 2).unwrap().read().unwrap().layers.is_empty(), "GCN layers only");
        assert_eq!(gat.snapshot(&options).unwrap().read().unwrap().embeddings.map(|e| e.len()), Some(2));
    }

    #[test]
    fn neural_graph_machines_step_beside_their_full_batch_base() {
        let device = Device::flex();
        let mut ngm = spec(GnnKind::Gcn, None);
        ngm.model =
            ModelSpec::Mlp { hidden: vec![32], activation: Default::default(), dropout: 0.0, inputs: None };
        let mut base = ngm.clone();
        ngm.regularization.neural_graph_machine = Some(crate::config::NgmConfig {
            alpha_labeled_unlabeled: 2.0,
            alpha_unlabeled_unlabeled: 0.5,
            ..Default::default()
        });
        base.optimizer.weight_decay = 0.0;
        ngm.optimizer.weight_decay = 0.0;
        let run = |spec: &ExperimentSpec| {
            let mut session = NodeSession::new(spec, &device).unwrap();
            session.run_steps(100).unwrap();
            session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap()
        };
        let (b, n) = (run(&base), run(&ngm));
        assert!(b.losses.unwrap().graph.is_none() && n.losses.unwrap().graph.is_some());
        assert!(n.test_acc > b.test_acc, "NGM {} vs its base {}", n.test_acc, b.test_acc);
        let mut session = NodeSession::new(&ngm, &device).unwrap();
        assert!(!session.accepts(&base), "switching NGM off needs a new session");
        let mut stronger = ngm.clone();
        stronger.regularization.neural_graph_machine.as_mut().unwrap().alpha_labeled_unlabeled = 4.0;
        session.apply(&stronger).unwrap();
    }

    /// A GNN on sampled subgraphs steps batch by batch, shows each step's batch, and trains
    /// exactly as `nsl train` does (the same losses epoch by epoch).
    #[test]
    fn a_sampled_gnn_steps_batch_by_batch_as_nsl_train_runs_it() {
        let device = Device::flex();
        let mut sampled = spec(GnnKind::Gcn, None);
        sampled.epochs = 3;
        // No dropout: its masks come from the device's generator, which tests running beside
        // this one draw from too.
        sampled.model = ModelSpec::Gnn {
            gnn: GnnKind::Gcn,
            hidden: vec![16],
            dropout: 0.0,
            sampling: Some(crate::spec::SubgraphSampling {
                fanouts: vec![3, 2],
                batch_size: 8,
                strategy: Default::default(),
            }),
        };
        let mut session = NodeSession::new(&sampled, &device).unwrap();
        let train = session.split_sizes().0;
        let per_epoch = train.div_ceil(8);
        assert_eq!(session.steps_per_epoch(), per_epoch);
        let mut losses = Vec::new();
        for epoch in 1..=3 {
            session.run_steps(per_epoch).unwrap();
            let p = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
            assert_eq!((p.step, p.epoch), (epoch * per_epoch, epoch as f64));
            assert!(p.step_seconds.is_some_and(|s| s > 0.0), "{:?}", p.step_seconds);
            let batch = p.batch.expect("the last step's batch");
            assert_eq!(batch.graph_nodes, 300);
            let last = train - (per_epoch - 1) * 8;
            assert_eq!(batch.roots.len(), last, "the epoch's last batch takes the nodes left");
            assert!(batch.roots.iter().all(|r| session.data.train.contains(r)));
            let roots: Vec<(u32, u32)> = batch.nodes.iter().copied().filter(|n| n.1 == 0).collect();
            assert_eq!(roots.len(), last, "the roots are the nodes at hop 0");
            assert!(batch.nodes.iter().all(|n| n.1 <= 2), "two hops");
            assert!(batch.positions <= last * (1 + 3 + 3 * 2), "fanouts bound a subgraph");
            // Each node past a root came by a sampled edge, sent both ways (an edge may also join
            // two nodes already sampled).
            assert!(batch.messages >= 2 * (batch.positions - last), "{} messages", batch.messages);
            assert!(batch.messages <= 2 * batch.edges.len() * last, "{} messages", batch.messages);
            losses.push(p.losses.unwrap().total);
        }
        let mut native = Vec::new();
        crate::train::experiment::run(&sampled, &device, &mut |event| {
            if let crate::train::experiment::Event::Epoch { stats, .. } = event {
                native.push(stats.total);
            }
        })
        .unwrap();
        assert_eq!(native.len(), 3);
        for (a, b) in losses.iter().zip(&native) {
            assert!((a - b).abs() < 1e-5, "page {losses:?} vs nsl train {native:?}");
        }
        let full = NodeSession::new(&sampled.spec_of(crate::spec::Variant::Base), &device).unwrap();
        assert_eq!(full.steps_per_epoch(), 1, "its base model is the same GNN full batch");
    }

    #[test]
    fn sage_and_gat_sessions_step() {
        let device = Device::flex();
        for gnn in [
            GnnKind::Sage { aggregator: crate::spec::SageAggregator::Mean },
            GnnKind::Gat { heads: 2, output_heads: 1 },
        ] {
            let mut session = NodeSession::new(&spec(gnn, None), &device).unwrap();
            session.run_steps(3).unwrap();
            let p = session.snapshot(&SnapshotOptions::default()).unwrap().read().unwrap();
            assert_eq!(p.step, 3);
            assert!(p.losses.unwrap().total.is_finite());
        }
    }

    #[test]
    fn inspection_shows_graph_terms_attribution_and_attention() {
        let device = Device::flex();
        let graph = GraphRegConfig {
            multiplier: 0.5,
            neighbor_config: crate::config::GraphNeighborConfig { max_neighbors: 3 },
            ..Default::default()
        };
        let gat = GnnKind::Gat { heads: 2, output_heads: 1 };
        let mut session = NodeSession::new(&spec(gat, Some(graph)), &device).unwrap();
        session.run_steps(5).unwrap();
        let node = session.data.train[0] as usize;
        let found = session.inspect_node(node, 8).unwrap().read().unwrap();
        assert!(!found.neighbors.is_empty() && found.neighbors.len() <= 3, "{:?}", found.neighbors);
        assert!(found.neighbors.windows(2).all(|w| w[0].weight >= w[1].weight), "heaviest first");
        let nodes = session.data.adjacency.nodes;
        let heat = found.heat.expect("a GNN's prediction is attributed to nodes");
        assert_eq!(heat.len(), nodes);
        // A 2-layer GNN sees 2 hops: nodes farther away get no attribution.
        let far = heat.iter().filter(|h| **h == 0.0).count();
        assert!(far > 0 && heat[node] != 0.0, "{far} nodes beyond two hops");
        let attention = found.attention.expect("a GAT's attention per edge");
        assert_eq!(attention.len(), session.data.adjacency.len() + nodes, "every edge and self loop");
        // Each target's incoming attention sums to 1 (per head, so also in the mean).
        let into_node: f32 = attention.iter().filter(|a| a.1 as usize == node).map(|a| a.2).sum();
        assert!((into_node - 1.0).abs() < 1e-4, "{into_node}");
        let test_node = session.data.test[0] as usize;
        assert!(session.inspect_node(test_node, 4).unwrap().read().unwrap().neighbors.is_empty());
        let gcn = NodeSession::new(&spec(GnnKind::Gcn, None), &device).unwrap();
        assert!(gcn.inspect_node(node, 4).unwrap().read().unwrap().attention.is_none());
    }
}
