//! NSL graph TSV: any bytes give a graph or an error, never a panic; what parses writes back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nsl_graph::io::{Limits, tsv};

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = tsv::read("fuzz.tsv", data, &Limits::small()) {
        let graph = list.clone().into_graph();
        graph.validate().expect("a parsed TSV graph is valid");
        let mut out = Vec::new();
        if tsv::write(&graph, "out.tsv", &mut out).is_ok() {
            let back = tsv::read("out.tsv", &out[..], &Limits::default()).expect("written TSV reads back");
            assert_eq!(back.edges.len(), list.edges.len());
        }
    }
});
