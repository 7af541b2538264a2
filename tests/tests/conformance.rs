//! Every case TensorFlow NSL 1.4 computed (`shared/reference/nsl-vectors.json`, 61 cases) and
//! every case TensorFlow GNN 1.0.3 computed (`tfgnn-vectors.json`, 28 cases) agrees within
//! 1e-5, on the CPU backend and on wgpu.

use nsl::burn::tensor::Device;

/// Replays the shared vectors file `file` on `device` and asserts all `cases` agree.
fn assert_all_cases_agree(file: &str, cases: usize, device: &Device) {
    let Some(path) = integration::shared(&format!("reference/{file}")) else { return };
    let json = std::fs::read_to_string(&path).expect("the vectors file is readable");
    let results = nsl_conformance::run(&json, device).expect("the vectors file parses");
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| format!("{}: {:.3e} ({})", r.name, r.max_error, r.worst))
        .collect();
    assert_eq!(results.len(), cases, "{file} holds {cases} cases");
    assert!(failures.is_empty(), "{} cases disagree:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn tensorflow_nsl_vectors_agree() {
    assert_all_cases_agree("nsl-vectors.json", 61, &Device::flex());
}

#[test]
fn tensorflow_gnn_vectors_agree() {
    assert_all_cases_agree("tfgnn-vectors.json", 28, &Device::flex());
}

/// The TF-GNN file, parsed, for tampering.
fn tfgnn_doc() -> Option<serde_json::Value> {
    let path = integration::shared("reference/tfgnn-vectors.json")?;
    Some(serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON"))
}

#[test]
fn a_wrong_tfgnn_output_or_weight_is_caught() {
    let Some(mut doc) = tfgnn_doc() else { return };
    // An output value 1e-4 off (ten times the tolerance) in the GATv2 case with 2 heads.
    let case = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["name"] == "gat_v2_conv heads=2 merge=concat")
        .unwrap();
    let value = &mut doc["cases"][case]["output"]["values"][1][0];
    *value = serde_json::json!(value.as_f64().unwrap() + 1e-4);
    let results = nsl_conformance::run(&doc.to_string(), &Device::flex()).expect("parses");
    let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].worst.starts_with("paper[1][0]") && failed[0].worst.contains("TF-GNN"), "{failed:?}");

    // A weight nobody asks for: the layer built is not the one TF-GNN exported.
    let Some(mut doc) = tfgnn_doc() else { return };
    let extra = serde_json::json!({"name": "x", "role": "node_set_updates/paper/next_state/extra", "shape": [1], "values": [0.0]});
    doc["cases"][case]["weights"].as_array_mut().unwrap().push(extra);
    let err = nsl_conformance::run(&doc.to_string(), &Device::flex()).unwrap_err().to_string();
    assert!(err.contains("gat_v2_conv heads=2") && err.contains("next_state/extra"), "{err}");
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
fn tensorflow_nsl_and_gnn_vectors_agree_on_wgpu() {
    let Some(device) = integration::wgpu_device() else { return };
    assert_all_cases_agree("nsl-vectors.json", 61, &device);
    assert_all_cases_agree("tfgnn-vectors.json", 28, &device);
}
