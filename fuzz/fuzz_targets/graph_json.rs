//! The project's graph JSON: parse, validate, then every writer and a one-hop sampler must
//! cope with whatever validated.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nsl_graph::io::{Limits, csv, json, linqs, tsv};
use nsl_graph::sample::{Sampler, SamplingSpec, SamplingStrategy};

fuzz_target!(|data: &[u8]| {
    let Ok(graph) = json::read("fuzz.json", data, &Limits::small()) else { return };
    let text = json::to_string(&graph);
    assert_eq!(
        json::from_slice("again.json", text.as_bytes(), &Limits::small()).expect("written JSON reads back"),
        graph
    );
    let _ = tsv::write(&graph, "t", Vec::new());
    let _ = csv::write(&graph, ("n", Vec::new()), ("e", Vec::new()));
    let _ = linqs::write(&graph, ("c", Vec::new()), ("e", Vec::new()), Some(("s", Vec::new())));
    for (name, edges) in &graph.edge_sets {
        let spec = SamplingSpec::hops(&edges.source, name, &[2, 2], SamplingStrategy::RandomUniform);
        if let Ok(sampler) = Sampler::new(&graph, &spec, 1) {
            let size = graph.node_sets[&edges.source].size.min(8) as u32;
            let seeds: Vec<u32> = (0..size).collect();
            for sub in sampler.sample(&seeds).expect("seeds in range") {
                sampler.to_graph(&sub).validate().expect("sampled subgraphs are valid");
            }
        }
    }
});
