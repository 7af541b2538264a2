//! Typed graphs in the two forms TF-GNN 1.0 reads, with the `GraphSchema` (text proto) that
//! describes them:
//!
//! - **unigraph** ([`unigraph`]): one large graph as a table per node set and per edge set —
//!   TFRecord files of `tf.Example`s, a node's `#id` and features, an edge's `#source`,
//!   `#target` and features — named by the schema's `metadata.filename`. TF-GNN's Beam sampler
//!   (`tensorflow_gnn.experimental.sampler.beam`) samples subgraphs from exactly this.
//! - **serialized `GraphTensor`s** ([`graph_tensor_example`]): a small graph per `tf.Example`
//!   as `tfgnn.write_example` encodes it (`nodes/SET.#size`, `nodes/SET.FEATURE`,
//!   `edges/SET.#source`, …, `context/FEATURE`), which `tfgnn.parse_example` and the runner's
//!   `TFRecordDatasetProvider` read.
//!
//! Features map to TensorFlow types as follows: dense → `DT_FLOAT [dim]`, labels → `DT_INT64`
//! scalar (−1 for an unlabeled item), split → `DT_STRING` scalar (`train`, `val`, `test`,
//! `unlabeled`), integers → `DT_INT64` scalar; edge weights become the edge feature
//! [`WEIGHT`].

use std::collections::BTreeMap;
use std::fmt::Write;

use super::tfrecord::{self, Example, Feature as TfFeature};
use crate::error::{GraphError, Result};
use crate::typed::{Feature, Features, Graph};

/// Name of the schema file.
pub const SCHEMA_FILE: &str = "graph_schema.pbtxt";

/// The edge feature that holds edge weights.
pub const WEIGHT: &str = "weight";

/// The unigraph table file of a node set.
pub fn node_file(node_set: &str) -> String {
    format!("nodes-{node_set}.tfrecords")
}

/// The unigraph table file of an edge set.
pub fn edge_file(edge_set: &str) -> String {
    format!("edges-{edge_set}.tfrecords")
}

/// The unigraph file of the context.
pub const CONTEXT_FILE: &str = "context.tfrecords";

/// A feature's values for row `row` as a `tf.train.Feature`.
fn row_feature(feature: &Feature, row: usize) -> TfFeature {
    match feature {
        Feature::Dense { dim, values } => TfFeature::floats(&values[row * dim..(row + 1) * dim]),
        Feature::Labels { values, .. } => TfFeature::ints(vec![values[row].map_or(-1, i64::from)]),
        Feature::Split { values } => TfFeature::bytes([values[row].as_str()]),
        Feature::Int { values } => TfFeature::ints(vec![values[row]]),
    }
}

/// All rows of a feature as one `tf.train.Feature`, flattened (a `GraphTensor` example).
fn all_rows(feature: &Feature) -> TfFeature {
    match feature {
        Feature::Dense { values, .. } => TfFeature::floats(values.clone()),
        Feature::Labels { values, .. } => {
            TfFeature::ints(values.iter().map(|v| v.map_or(-1, i64::from)).collect::<Vec<_>>())
        }
        Feature::Split { values } => TfFeature::bytes(values.iter().map(|s| s.as_str())),
        Feature::Int { values } => TfFeature::ints(values.clone()),
    }
}

/// The schema text of one feature (`key`/`value` of a `features` map entry).
fn feature_schema(out: &mut String, indent: &str, name: &str, feature: &Feature) {
    let (dtype, dim, description) = match feature {
        Feature::Dense { dim, .. } => ("DT_FLOAT", Some(*dim), String::new()),
        Feature::Labels { classes, .. } => {
            let named =
                if classes.is_empty() { String::new() } else { format!("; classes: {}", classes.join(", ")) };
            ("DT_INT64", None, format!("class index, -1 when unlabeled{named}"))
        }
        Feature::Split { .. } => ("DT_STRING", None, "train, val, test or unlabeled".to_string()),
        Feature::Int { .. } => ("DT_INT64", None, String::new()),
    };
    let _ = writeln!(out, "{indent}features {{\n{indent}  key: {name:?}\n{indent}  value {{");
    if !description.is_empty() {
        let _ = writeln!(out, "{indent}    description: {description:?}");
    }
    let _ = writeln!(out, "{indent}    dtype: {dtype}");
    if let Some(dim) = dim {
        let _ = writeln!(out, "{indent}    shape {{ dim {{ size: {dim} }} }}");
    }
    let _ = writeln!(out, "{indent}  }}\n{indent}}}");
}

fn features_schema(out: &mut String, indent: &str, features: &Features) {
    for (name, feature) in features {
        feature_schema(out, indent, name, feature);
    }
}

fn weight_feature(weights: &Option<Vec<f32>>) -> Option<Feature> {
    weights.as_ref().map(|w| Feature::Dense { dim: 1, values: w.clone() })
}

/// The `GraphSchema` of `graph` as a text proto; with `files`, every set names its unigraph
/// table (`metadata.filename`).
pub fn schema(graph: &Graph, files: bool) -> Result<String> {
    graph.validate()?;
    let mut out = String::from(
        "# proto-file: tensorflow_gnn/proto/graph_schema.proto\n# proto-message: GraphSchema\n\n",
    );
    if !graph.context.is_empty() {
        out.push_str("context {\n");
        features_schema(&mut out, "  ", &graph.context);
        if files {
            let _ = writeln!(out, "  metadata {{ filename: {CONTEXT_FILE:?} }}");
        }
        out.push_str("}\n");
    }
    for (name, set) in &graph.node_sets {
        let _ = writeln!(out, "node_sets {{\n  key: {name:?}\n  value {{");
        features_schema(&mut out, "    ", &set.features);
        if files {
            let _ = writeln!(out, "    metadata {{ filename: {:?} }}", node_file(name));
        }
        out.push_str("  }\n}\n");
    }
    for (name, set) in &graph.edge_sets {
        let _ = writeln!(out, "edge_sets {{\n  key: {name:?}\n  value {{");
        let _ = writeln!(out, "    source: {:?}\n    target: {:?}", set.source, set.target);
        let mut features = set.features.clone();
        if let Some(weight) = weight_feature(&set.weights) {
            features.insert(WEIGHT.into(), weight);
        }
        features_schema(&mut out, "    ", &features);
        if files {
            let _ = writeln!(out, "    metadata {{ filename: {:?} }}", edge_file(name));
        }
        out.push_str("  }\n}\n");
    }
    Ok(out)
}

/// `graph` in TF-GNN's unigraph format: the schema file and a TFRecord table per set, as
/// `(file name, bytes)`. Node ids are the node sets' ids (`"0"`, `"1"`, … when they have none).
pub fn unigraph(graph: &Graph) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = vec![(SCHEMA_FILE.to_string(), schema(graph, true)?.into_bytes())];
    if !graph.context.is_empty() {
        let example =
            Example::new(graph.context.iter().map(|(n, f)| (n.clone(), row_feature(f, 0))).collect());
        files.push((CONTEXT_FILE.into(), tfrecord::write_examples([&example])));
    }
    for (name, set) in &graph.node_sets {
        let examples: Vec<Example> = (0..set.size)
            .map(|i| {
                let mut features =
                    BTreeMap::from([("#id".to_string(), TfFeature::bytes([set.id(i).as_ref()]))]);
                features.extend(set.features.iter().map(|(n, f)| (n.clone(), row_feature(f, i))));
                Example::new(features)
            })
            .collect();
        files.push((node_file(name), tfrecord::write_examples(&examples)));
    }
    for (name, set) in &graph.edge_sets {
        let (sources, targets) = (&graph.node_sets[&set.source], &graph.node_sets[&set.target]);
        let weight = weight_feature(&set.weights);
        let examples: Vec<Example> = (0..set.len())
            .map(|e| {
                let mut features = BTreeMap::from([
                    ("#source".to_string(), TfFeature::bytes([sources.id(set.sources[e] as usize).as_ref()])),
                    ("#target".to_string(), TfFeature::bytes([targets.id(set.targets[e] as usize).as_ref()])),
                ]);
                features.extend(set.features.iter().map(|(n, f)| (n.clone(), row_feature(f, e))));
                if let Some(weight) = &weight {
                    features.insert(WEIGHT.into(), row_feature(weight, e));
                }
                Example::new(features)
            })
            .collect();
        files.push((edge_file(name), tfrecord::write_examples(&examples)));
    }
    Ok(files)
}

/// `graph` as one serialized `GraphTensor` (what `tfgnn.write_example` writes for it).
pub fn graph_tensor_example(graph: &Graph) -> Result<Example> {
    graph.validate()?;
    let mut features = BTreeMap::new();
    for (name, feature) in &graph.context {
        if feature.rows()? != 1 {
            return Err(GraphError::Invalid(format!("context feature {name:?} needs exactly one row")));
        }
        features.insert(format!("context/{name}"), all_rows(feature));
    }
    for (name, set) in &graph.node_sets {
        features.insert(format!("nodes/{name}.#size"), TfFeature::ints(vec![set.size as i64]));
        for (feature, values) in &set.features {
            features.insert(format!("nodes/{name}.{feature}"), all_rows(values));
        }
    }
    for (name, set) in &graph.edge_sets {
        let ints = |v: &[u32]| TfFeature::ints(v.iter().map(|&i| i64::from(i)).collect::<Vec<_>>());
        features.insert(format!("edges/{name}.#size"), TfFeature::ints(vec![set.len() as i64]));
        features.insert(format!("edges/{name}.#source"), ints(&set.sources));
        features.insert(format!("edges/{name}.#target"), ints(&set.targets));
        for (feature, values) in &set.features {
            features.insert(format!("edges/{name}.{feature}"), all_rows(values));
        }
        if let Some(weight) = weight_feature(&set.weights) {
            features.insert(format!("edges/{name}.{WEIGHT}"), all_rows(&weight));
        }
    }
    Ok(Example::new(features))
}

#[cfg(test)]
mod tests {
    use super::tfrecord::{Values, read_examples};
    use super::*;
    use crate::typed::{EdgeSet, NodeSet, SplitKind};

    fn small() -> Graph {
        let mut papers = NodeSet::with_ids(vec!["p0".into(), "p1".into(), "p2".into()]);
        papers
            .features
            .insert("x".into(), Feature::Dense { dim: 2, values: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0] });
        papers.features.insert(
            "label".into(),
            Feature::Labels { classes: vec!["a".into(), "b".into()], values: vec![Some(1), None, Some(0)] },
        );
        papers.features.insert(
            "split".into(),
            Feature::Split { values: vec![SplitKind::Train, SplitKind::Unlabeled, SplitKind::Test] },
        );
        let mut graph = Graph::default();
        graph.node_sets.insert("paper".into(), papers);
        graph.node_sets.insert("author".into(), NodeSet::new(2));
        graph
            .edge_sets
            .insert("writes".into(), EdgeSet::from_triples("author", "paper", &[(0, 2, 1.0), (1, 0, 1.0)]));
        graph.edge_sets.insert("cites".into(), EdgeSet::from_triples("paper", "paper", &[(2, 1, 0.5)]));
        graph
    }

    fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
        &files.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name}")).1
    }

    #[test]
    fn unigraph_tables_hold_ids_features_and_edges() {
        let files = unigraph(&small()).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                SCHEMA_FILE,
                "nodes-author.tfrecords",
                "nodes-paper.tfrecords",
                "edges-cites.tfrecords",
                "edges-writes.tfrecords"
            ]
        );
        let papers = read_examples("p", file(&files, "nodes-paper.tfrecords")).unwrap();
        assert_eq!(papers.len(), 3);
        assert_eq!(
            papers[1].get("#id"),
            Some(&Values::Bytes(tfrecord::BytesList { value: vec![b"p1".to_vec()] }))
        );
        assert_eq!(papers[2].get("x"), Some(&Values::Float(tfrecord::FloatList { value: vec![5.0, 6.0] })));
        assert_eq!(papers[1].get("label"), Some(&Values::Int64(tfrecord::Int64List { value: vec![-1] })));
        assert_eq!(
            papers[2].get("split"),
            Some(&Values::Bytes(tfrecord::BytesList { value: vec![b"test".to_vec()] }))
        );
        let writes = read_examples("w", file(&files, "edges-writes.tfrecords")).unwrap();
        assert_eq!(
            writes[0].get("#source"),
            Some(&Values::Bytes(tfrecord::BytesList { value: vec![b"0".to_vec()] }))
        );
        assert_eq!(
            writes[0].get("#target"),
            Some(&Values::Bytes(tfrecord::BytesList { value: vec![b"p2".to_vec()] }))
        );
        assert_eq!(writes[0].get(WEIGHT), None, "unit weights are not written");
        let cites = read_examples("c", file(&files, "edges-cites.tfrecords")).unwrap();
        assert_eq!(cites[0].get(WEIGHT), Some(&Values::Float(tfrecord::FloatList { value: vec![0.5] })));
    }

    #[test]
    fn the_schema_names_types_shapes_and_files() {
        let text = schema(&small(), true).unwrap();
        for expected in [
            "node_sets {\n  key: \"paper\"",
            "    features {\n      key: \"x\"\n      value {\n        dtype: DT_FLOAT\n        shape { dim { size: 2 } }",
            "description: \"class index, -1 when unlabeled; classes: a, b\"\n        dtype: DT_INT64",
            "key: \"split\"\n      value {\n        description: \"train, val, test or unlabeled\"\n        dtype: DT_STRING",
            "metadata { filename: \"nodes-paper.tfrecords\" }",
            "edge_sets {\n  key: \"cites\"\n  value {\n    source: \"paper\"\n    target: \"paper\"\n    features {\n      key: \"weight\"",
            "metadata { filename: \"edges-writes.tfrecords\" }",
        ] {
            assert!(text.contains(expected), "{expected}\nnot in\n{text}");
        }
        assert!(!schema(&small(), false).unwrap().contains("metadata"));
    }

    #[test]
    fn graph_tensor_examples_flatten_every_piece() {
        let mut graph = small();
        graph.context.insert("label".into(), Feature::Int { values: vec![4] });
        let example = graph_tensor_example(&graph).unwrap();
        let ints = |v: &[i64]| Some(Values::Int64(tfrecord::Int64List { value: v.to_vec() }));
        assert_eq!(example.get("context/label").cloned(), ints(&[4]));
        assert_eq!(example.get("nodes/paper.#size").cloned(), ints(&[3]));
        assert_eq!(example.get("edges/writes.#source").cloned(), ints(&[0, 1]));
        assert_eq!(example.get("edges/writes.#target").cloned(), ints(&[2, 0]));
        assert_eq!(
            example.get("nodes/paper.x").cloned(),
            Some(Values::Float(tfrecord::FloatList { value: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0] }))
        );
        graph.context.insert("two".into(), Feature::Int { values: vec![1, 2] });
        assert!(graph_tensor_example(&graph).unwrap_err().to_string().contains("\"two\""));
    }
}
