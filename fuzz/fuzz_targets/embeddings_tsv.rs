//! build_graph's embeddings TSV, then a small build over whatever parsed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nsl_graph::build::{GraphBuilderConfig, build_graph};
use nsl_graph::io::{Limits, embeddings};

fuzz_target!(|data: &[u8]| {
    let Ok(e) = embeddings::read("fuzz.tsv", data, &Limits::small()) else { return };
    if e.len() <= 64 {
        let config =
            GraphBuilderConfig { similarity_threshold: 0.5, lsh_splits: 2, lsh_rounds: 2, random_seed: 0 };
        let edges = build_graph(&e, &config, &|_| {}).expect("a valid config builds");
        assert!(edges.iter().all(|&(a, b, _)| a < b && (b as usize) < e.len()));
    }
});
