//! Every case TensorFlow NSL 1.4 computed (`shared/reference/nsl-vectors.json`) agrees
//! within 1e-5 on the CPU backend.

use nsl::burn::tensor::Device;

#[test]
fn tensorflow_nsl_vectors_agree() {
    let Some(path) = integration::shared("reference/nsl-vectors.json") else { return };
    let json = std::fs::read_to_string(&path).expect("the vectors file is readable");
    let results = nsl::conformance::run(&json, &Device::flex()).expect("the vectors file parses");
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| format!("{}: {:.3e} ({})", r.name, r.max_error, r.worst))
        .collect();
    assert_eq!(results.len(), 61, "the file holds 61 cases");
    assert!(failures.is_empty(), "{} cases disagree:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_wrong_expectation_is_caught() {
    let Some(path) = integration::shared("reference/nsl-vectors.json") else { return };
    let json = std::fs::read_to_string(&path).expect("the vectors file is readable");
    // Shift one expected value by 1e-4 (ten times the tolerance): the check must notice.
    let mut doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let value = &mut doc["distance"][0]["value"];
    *value = serde_json::json!(value.as_f64().expect("a number") + 1e-4);
    let results = nsl::conformance::run(&doc.to_string(), &Device::flex()).expect("parses");
    let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].name.starts_with("distance/") && failed[0].max_error > 9e-5);
}
