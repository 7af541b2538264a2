//! NSL's synthesized-graph workflow on the real digits, and the Cora the page bundles: the
//! graph a spec describes is built the same way every time and trains, and `assets/cora` is
//! the project's Cora to the last bit.

use std::path::PathBuf;

use nsl::burn::tensor::Device;
use nsl::data::load::{load_graph, rows};
use nsl::data::planetoid::Planetoid;
use nsl::data::synthesized::{edges, embed, node_rows};
use nsl::graph::GraphSummary;
use nsl::spec::builtin::builtin;
use nsl::spec::{DataSpec, EdgeRule, EmbeddingSpec};
use nsl::train::experiment::run;

fn assets(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets").join(relative)
}

#[test]
fn bundled_cora_is_the_linqs_triple() {
    let Some(dir) = integration::shared("data/cora") else { return };
    let linqs = Planetoid::load_dir(&dir).unwrap();
    let bundled = Planetoid::load_dir(&assets("cora")).unwrap();
    assert_eq!(bundled.ids, linqs.ids);
    assert_eq!(bundled.class_names, linqs.class_names);
    assert_eq!(bundled.nodes, linqs.nodes, "features and labels");
    assert_eq!(bundled.edges, linqs.edges);
    assert_eq!(bundled.split, linqs.split);
    let size = std::fs::metadata(assets("cora/cora.nslg")).unwrap().len();
    assert!(size < 300_000, "compact: {size} bytes");
}

#[test]
fn digits_graph_is_the_definition_and_lets_labels_spread() {
    let Some(dir) = integration::shared("data/mnist") else { return };
    let spec = builtin("digits-graph-reg", Some(&dir), 0).unwrap();
    let DataSpec::Synthesized(built) = &spec.data else { panic!("built from the digits") };
    let (train, test) = rows(&built.rows).unwrap();
    let all = node_rows(&train, &test);
    let EdgeRule::Cosine { threshold, .. } = built.edges else { panic!("NSL's cosine rule") };
    // The definition, pair by pair, in f64, on a sample of rows: every pair at or above the
    // threshold is an edge with its similarity as weight, and no other pair is.
    let (values, dim) = embed(&all, &[], EmbeddingSpec::Raw, 0).unwrap();
    let found = edges(&values, dim, built.edges, 0).unwrap();
    let unit = |i: usize| {
        let row = &values[i * dim..(i + 1) * dim];
        let norm = row.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>().sqrt();
        row.iter().map(move |&v| (f64::from(v) / norm) as f32)
    };
    let set: std::collections::HashMap<(u32, u32), f32> = found.iter().map(|e| ((e.0, e.1), e.2)).collect();
    for i in (0..all.len()).step_by(37) {
        for j in i + 1..all.len() {
            let cos: f64 = unit(i).zip(unit(j)).map(|(a, b)| f64::from(a) * f64::from(b)).sum();
            let edge = set.get(&(i as u32, j as u32));
            assert_eq!(edge.is_some(), cos as f32 >= threshold, "pair {i}-{j}: cos {cos}");
            if let Some(&w) = edge {
                assert_eq!(w, cos as f32, "weight of {i}-{j}");
            }
        }
    }
    let labels: Vec<usize> = all.labels.iter().map(|&l| l as usize).collect();
    let summary = GraphSummary::of(&labels, &found);
    assert!(summary.homophily.unwrap() > 0.9, "similar digits are mostly the same digit: {summary:?}");
    // The loader builds the same graph (the page's worker calls the same code on the bundled
    // digits, the first 1,500 of these).
    let (graph, undirected) = load_graph(&spec.data).unwrap();
    assert!(undirected && graph.edges.len() == found.len());
    assert_eq!(
        GraphSummary::of(
            &labels,
            &graph.edges.iter().map(|&(a, b, w)| (a as u32, b as u32, w)).collect::<Vec<_>>()
        )
        .fingerprint,
        summary.fingerprint
    );

    let mut short = spec.clone();
    short.epochs = 30;
    let outcome = run(&short, &Device::flex(), &mut |_| {}).unwrap();
    let [base, graph] = &outcome.runs[..] else { panic!("two runs: {outcome:?}") };
    let (b, g) = (base.metrics.test_acc.unwrap(), graph.metrics.test_acc.unwrap());
    assert!(g > b + 0.03, "with 10 labels per class the graph lets them spread: {g} vs {b}");
}
