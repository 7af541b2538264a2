//! Graph data sets made in memory (no files): what the playground offers besides loaded graphs,
//! held as [`Planetoid`] data so that every graph task treats them like Cora.

use nsl_graph::datasets::{karate, sbm};
use nsl_graph::typed::{NODES, SPLIT};
use nsl_graph::{Feature, Graph};

use super::planetoid::{Planetoid, SplitKind};
use crate::error::{NslError, Result};
use crate::spec::{GraphSource, KARATE_LEADERS};

impl GraphSource {
    /// The graph as a typed graph with features, labels and a split.
    pub fn graph(&self) -> Result<Graph> {
        match self {
            Self::Karate => {
                let mut graph = karate::graph();
                let nodes = graph.node_sets.get_mut(NODES).expect("the club is homogeneous");
                let split = (0..nodes.size)
                    .map(|i| if KARATE_LEADERS.contains(&i) { SplitKind::Train } else { SplitKind::Test })
                    .collect();
                nodes.features.insert(SPLIT.into(), Feature::Split { values: split });
                Ok(graph)
            }
            Self::Citation(spec) => {
                sbm::generate(spec).map_err(|e| NslError::Config(format!("citation network: {e}")))
            }
            Self::Drawn(drawn) => drawn.graph(),
            Self::Loaded(loaded) => Err(NslError::Config(format!(
                "this setup trains on the graph \"{}\" ({} nodes) read from files in a browser: open those files again in the graph explorer",
                loaded.name, loaded.nodes
            ))),
        }
    }

    /// The graph as node-classification data.
    pub fn planetoid(&self) -> Result<Planetoid> {
        Planetoid::from_graph(self.graph()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_graphs_have_features_labels_and_splits() {
        let club = GraphSource::Karate.planetoid().unwrap();
        assert_eq!((club.ids.len(), club.nodes.dim, club.nodes.classes, club.edges.len()), (34, 34, 2, 156));
        assert_eq!(club.indices(SplitKind::Train), vec![0, 33]);
        assert_eq!(club.indices(SplitKind::Test).len(), 32);
        assert_eq!((club.nodes.labels[0], club.nodes.labels[33]), (0, 1));

        let spec = sbm::SbmSpec::default();
        let citation = GraphSource::Citation(spec).planetoid().unwrap();
        assert_eq!(citation.ids.len(), spec.classes * spec.nodes_per_class);
        assert_eq!(citation.indices(SplitKind::Train).len(), spec.classes * spec.train_per_class);
        assert_eq!(citation.indices(SplitKind::Val).len(), spec.val);
        assert!(!citation.edges.is_empty());
        let json = serde_json::to_string(&GraphSource::Citation(spec)).unwrap();
        assert_eq!(serde_json::from_str::<GraphSource>(&json).unwrap(), GraphSource::Citation(spec));
        assert_eq!(serde_json::to_string(&GraphSource::Karate).unwrap(), "\"karate\"");
    }
}
