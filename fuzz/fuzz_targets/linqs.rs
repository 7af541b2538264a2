//! LINQS `.content`/`.cites`/`.split`: the input is cut in three at the first two 0xFF bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nsl_graph::io::{Limits, linqs};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let content = parts.next().unwrap_or_default();
    let cites = parts.next().unwrap_or_default();
    let split = parts.next();
    let inputs = linqs::Inputs {
        content: ("fuzz.content".to_string(), content),
        cites: ("fuzz.cites".to_string(), cites),
        split: split.map(|s| ("fuzz.split".to_string(), s)),
    };
    if let Ok(graph) = linqs::read(inputs, &Limits::small()) {
        graph.validate().expect("a parsed LINQS graph is valid");
        let (mut c, mut e, mut s) = (Vec::new(), Vec::new(), Vec::new());
        let _ = linqs::write(&graph, ("c", &mut c), ("e", &mut e), Some(("s", &mut s)));
    }
});
