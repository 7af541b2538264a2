//! MNIST raw bytes: the first two bytes say how many label bytes follow the images.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nsl_graph::io::{Limits, mnist};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let labels = usize::from(u16::from_le_bytes([data[0], data[1]])).min(data.len() - 2);
    let (labels, images) = data[2..].split_at(labels);
    if let Ok(digits) = mnist::read(("images", images), ("labels", labels), &Limits::small()) {
        let graph = digits.into_graph();
        graph.validate().expect("decoded digits form a valid graph");
        let (i, l) = mnist::encode(&graph).expect("decoded digits encode");
        assert_eq!((i.as_slice(), l.as_slice()), (images, labels));
    }
});
