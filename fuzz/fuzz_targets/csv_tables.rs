//! CSV node and edge tables: the input is cut in two at the first 0xFF byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nsl_graph::io::{Limits, csv};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |&b| b == 0xFF);
    let nodes = parts.next().unwrap_or_default();
    let edges = parts.next().unwrap_or_default();
    if let Ok(graph) = csv::read(("fuzz.nodes.csv", nodes), ("fuzz.edges.csv", edges), &Limits::small()) {
        graph.validate().expect("parsed CSV tables form a valid graph");
        let (mut n, mut e) = (Vec::new(), Vec::new());
        if csv::write(&graph, ("n", &mut n), ("e", &mut e)).is_ok() {
            let back =
                csv::read(("n", &n[..]), ("e", &e[..]), &Limits::default()).expect("written CSV reads back");
            assert_eq!(back, graph);
        }
    }
});
