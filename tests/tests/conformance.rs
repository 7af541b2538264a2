//! Every case TensorFlow NSL 1.4 computed (`shared/reference/nsl-vectors.json`) agrees
//! within 1e-5, on the CPU backend and on wgpu.

use nsl::burn::tensor::Device;

/// Replays the shared vectors file on `device` and asserts all 61 cases agree.
fn assert_all_cases_agree(device: &Device) {
    let Some(path) = integration::shared("reference/nsl-vectors.json") else { return };
    let json = std::fs::read_to_string(&path).expect("the vectors file is readable");
    let results = nsl_conformance::run(&json, device).expect("the vectors file parses");
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| format!("{}: {:.3e} ({})", r.name, r.max_error, r.worst))
        .collect();
    assert_eq!(results.len(), 61, "the file holds 61 cases");
    assert!(failures.is_empty(), "{} cases disagree:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn tensorflow_nsl_vectors_agree() {
    assert_all_cases_agree(&Device::flex());
}

#[test]
fn a_wrong_expectation_is_caught() {
    let Some(path) = integration::shared("reference/nsl-vectors.json") else { return };
    let json = std::fs::read_to_string(&path).expect("the vectors file is readable");
    // Shift one expected value by 1e-4 (ten times the tolerance): the check must notice.
    let mut doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let value = &mut doc["distance"][0]["value"];
    *value = serde_json::json!(value.as_f64().expect("a number") + 1e-4);
    let results = nsl_conformance::run(&doc.to_string(), &Device::flex()).expect("parses");
    let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].name.starts_with("distance/") && failed[0].max_error > 9e-5);
}

/// The same cases on burn's wgpu backend (natively: Vulkan, e.g. Mesa's lavapipe in CI).
/// Skips without an adapter unless `NSL_REQUIRE_WGPU` is set ([`integration::wgpu_device`]).
#[test]
fn tensorflow_nsl_vectors_agree_on_wgpu() {
    let Some(device) = integration::wgpu_device() else { return };
    assert_all_cases_agree(&device);
}
