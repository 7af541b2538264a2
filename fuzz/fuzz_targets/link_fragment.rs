//! Links from strangers: any bytes as the hash of a link, and any bytes as the JSON inside one.
//! Each is refused with a message or yields a spec that is valid (so within the limits), whose
//! plan can be asked, and that survives its own link unchanged — never a panic.
#![no_main]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use playground::{fragment, link};

fuzz_target!(|data: &[u8]| {
    // As typed into the address bar.
    if let Ok(hash) = std::str::from_utf8(data)
        && let Ok(opened) = link::decode(hash)
    {
        opened.spec.validate().expect("a link's spec is valid");
    }
    // As the spec inside a link.
    let hash = format!("v1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(data, 1)));
    if let Ok(spec) = fragment::from_fragment(&hash) {
        spec.validate().expect("a link's spec is valid");
        let _ = (spec.plan(), spec.variants());
        let again = fragment::from_fragment(&fragment::to_fragment(&spec)).expect("a spec's own link opens");
        assert_eq!(again, spec, "a spec survives its link");
    }
});
