//! `nsl convert`, `build-graph`, `pack-nbrs` and `sample` as a user runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nsl::graph::io::{self, Limits};

fn nsl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nsl")).args(args).output().expect("nsl runs")
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh directory under the temp dir.
fn workdir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nsl-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Four papers, two classes, a split.
fn write_linqs(dir: &Path) -> PathBuf {
    std::fs::write(dir.join("mini.content"), "p1\t1\t0\tA\np2\t0\t1\tB\np3\t1\t1\tA\np4\t0\t0\tB\n").unwrap();
    std::fs::write(dir.join("mini.cites"), "p1\tp2\np3\tp1\np4\tp2\np1\tp4\n").unwrap();
    std::fs::write(dir.join("mini.split"), "p1\ttrain\np2\ttrain\np3\ttest\np4\tunlabeled\n").unwrap();
    dir.join("mini.content")
}

#[test]
fn convert_round_trips_linqs_through_json_and_csv() {
    let dir = workdir("convert");
    let content = write_linqs(&dir);
    let original = io::read_graph(&content, &Limits::default()).unwrap();
    let json = dir.join("mini.json");
    let csv = dir.join("mini.nodes.csv");
    let back = dir.join("again.content");
    for (from, to) in [(&content, &json), (&json, &csv), (&csv, &back)] {
        ok(&nsl(&["convert", s(from), s(to)]));
    }
    assert_eq!(io::read_graph(&back, &Limits::default()).unwrap(), original);
    assert_eq!(
        std::fs::read_to_string(dir.join("again.split")).unwrap(),
        std::fs::read_to_string(dir.join("mini.split")).unwrap()
    );
    let tsv = dir.join("mini.tsv");
    let out = nsl(&["convert", s(&json), s(&tsv)]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot hold node features, labels and split"));
    assert_eq!(std::fs::read_to_string(&tsv).unwrap().lines().next(), Some("p1\tp2\t1"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn convert_reports_file_line_and_reason_and_fails() {
    let dir = workdir("convert-bad");
    let bad = dir.join("bad.tsv");
    std::fs::write(&bad, "a\tb\na\tb\tnot-a-weight\n").unwrap();
    let out = nsl(&["convert", s(&bad), s(&dir.join("bad.json"))]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.tsv: line 2: weight is not a number: \"not-a-weight\""), "{err}");
    assert!(!dir.join("bad.json").exists(), "nothing is written on bad input");
    let out = nsl(&["convert", s(&bad), s(&dir.join("out.txt"))]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown format"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn build_graph_writes_both_directions_above_the_threshold() {
    let dir = workdir("build");
    let embeddings = dir.join("emb.tsv");
    // a·b = cos 0 = 1, a·c = cos 60° = 0.5, b·d ≈ 0.9806.
    std::fs::write(&embeddings, "a\t1\t0\nb\t2\t0\nc\t0.5\t0.8660254\nd\t1\t0.2\n").unwrap();
    let out_tsv = dir.join("graph.tsv");
    ok(&nsl(&["build-graph", s(&embeddings), s(&out_tsv), "--threshold", "0.9"]));
    let graph = io::tsv::read_path(&out_tsv, &Limits::default()).unwrap();
    let named: Vec<(String, String)> = graph
        .edges
        .iter()
        .map(|&(a, b, _)| (graph.ids[a as usize].clone(), graph.ids[b as usize].clone()))
        .collect();
    let mut expected = vec![("a", "b"), ("b", "a"), ("a", "d"), ("d", "a"), ("b", "d"), ("d", "b")];
    expected.sort();
    let mut named = named.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect::<Vec<_>>();
    named.sort();
    assert_eq!(named, expected);
    let lsh = ok(&nsl(&[
        "build-graph",
        s(&embeddings),
        s(&dir.join("lsh.tsv")),
        "--threshold",
        "0.9",
        "--lsh-splits",
        "2",
        "--lsh-rounds",
        "4",
        "--seed",
        "3",
    ]));
    assert!(lsh.is_empty(), "results go to the file, the summary to stderr");
    let bad = nsl(&["build-graph", s(&dir.join("missing.tsv")), s(&out_tsv)]);
    assert!(!bad.status.success());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn pack_nbrs_joins_neighbors_heaviest_first_ties_to_the_larger_id() {
    let dir = workdir("pack");
    let labeled = dir.join("labeled.nodes.csv");
    std::fs::write(&labeled, "id,label,f0\nl1,x,1\nl2,y,2\n").unwrap();
    std::fs::write(dir.join("labeled.edges.csv"), "source,target\n").unwrap();
    let unlabeled = dir.join("unlabeled.nodes.csv");
    std::fs::write(&unlabeled, "id,f0\nu1,3\nu2,4\n").unwrap();
    std::fs::write(dir.join("unlabeled.edges.csv"), "source,target\n").unwrap();
    let graph = dir.join("graph.tsv");
    // l1: u1 and u2 tie at 0.5 ("u2" > "u1"); l2 at 0.9; "ghost" has no example and is skipped.
    std::fs::write(&graph, "l1\tu1\t0.5\nl1\tu2\t0.5\nl1\tl2\t0.9\nl1\tghost\t1.0\nu1\tl2\t0.7\n").unwrap();
    let out = dir.join("packed.jsonl");
    ok(&nsl(&["pack-nbrs", s(&labeled), s(&unlabeled), s(&graph), s(&out), "--max-nbrs", "2"]));
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "l1");
    assert_eq!(lines[0]["NL_num_nbrs"], 2);
    assert_eq!(
        (lines[0]["NL_nbr_0_id"].as_str(), lines[0]["NL_nbr_0_weight"].as_f64()),
        (Some("l2"), Some(0.9f32 as f64))
    );
    assert_eq!(lines[0]["NL_nbr_1_id"], "u2");
    assert_eq!(lines[0]["NL_nbr_1_features"], serde_json::json!([4.0]));
    assert_eq!(lines[1]["NL_num_nbrs"], 0);
    // Undirected: l2 now sees l1 (0.9) and u1 (0.7).
    ok(&nsl(&["pack-nbrs", s(&labeled), "-", s(&graph), s(&out), "--add-undirected-edges"]));
    let text = std::fs::read_to_string(&out).unwrap();
    let l2: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(
        (l2["NL_num_nbrs"].as_u64(), l2["NL_nbr_0_id"].as_str()),
        (Some(1), Some("l1")),
        "u1 is no example without the unlabeled file"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sample_writes_subgraphs_with_hops_and_prints_specs() {
    let dir = workdir("sample");
    let content = write_linqs(&dir);
    let out = dir.join("sub.jsonl");
    ok(&nsl(&[
        "sample",
        s(&content),
        "--seeds",
        "p1,p3",
        "--hops",
        "2,2",
        "--strategy",
        "top-k",
        "--out",
        s(&out),
    ]));
    let text = std::fs::read_to_string(&out).unwrap();
    let graphs: Vec<nsl::graph::Graph> = text
        .lines()
        .map(|l| io::json::from_slice("sub.jsonl", l.as_bytes(), &Limits::default()).unwrap())
        .collect();
    assert_eq!(graphs.len(), 2);
    let nodes = graphs[0].node_set("nodes").unwrap();
    // p1 → p2, p4 (hop 1); p2 and p4 have out-edge p2 only… p4 → p2 is already there.
    assert_eq!(nodes.ids, ["p1", "p2", "p4"]);
    assert_eq!(nodes.features["hop"], nsl::graph::Feature::Int { values: vec![0, 1, 1] });
    assert!(nodes.features.contains_key("features") && nodes.features.contains_key("label"));
    let spec = ok(&nsl(&["sample", s(&content), "--hops", "10,5", "--print-spec"]));
    let spec: nsl::graph::SamplingSpec = serde_json::from_str(&spec).unwrap();
    assert_eq!(spec.sampling_ops[1].sample_size, 5);
    let bad = nsl(&["sample", s(&content), "--seeds", "nope"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no node with id \"nope\""));
    let _ = std::fs::remove_dir_all(dir);
}
