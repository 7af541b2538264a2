//! Sampling specs from JSON against a fixed small graph: compile or refuse, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nsl_graph::datasets::karate;
use nsl_graph::sample::{Sampler, SamplingSpec};

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = serde_json::from_slice::<SamplingSpec>(data) else { return };
    let graph = karate::graph();
    if spec.sampling_ops.iter().any(|op| op.sample_size > 64) || spec.sampling_ops.len() > 8 {
        return;
    }
    if let Ok(sampler) = Sampler::new(&graph, &spec, 7) {
        for sub in sampler.sample(&[0, 33, 5]).expect("seeds in range") {
            sampler.to_graph(&sub).validate().expect("sampled subgraphs are valid");
        }
    }
});
