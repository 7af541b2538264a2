//! The `nsl` binary as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

fn nsl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nsl")).args(args).output().expect("nsl runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn conformance_passes_all_61_cases() {
    let Some(vectors) = integration::shared("reference/nsl-vectors.json") else { return };
    let out = nsl(&["conformance", vectors.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout(&out).lines().last(), Some("61 passed, 0 failed"));
}

#[test]
fn conformance_passes_all_28_tf_gnn_cases() {
    let Some(vectors) = integration::shared("reference/tfgnn-vectors.json") else { return };
    let out = nsl(&["conformance", vectors.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout(&out).lines().last(), Some("28 passed, 0 failed"));
}

#[test]
fn conformance_reports_a_failing_case_and_exits_non_zero() {
    let Some(vectors) = integration::shared("reference/nsl-vectors.json") else { return };
    let json = std::fs::read_to_string(vectors).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    doc["adversarial"][0]["adv_loss"] = serde_json::json!(1.5);
    let path = std::env::temp_dir().join(format!("nsl-tampered-{}.json", std::process::id()));
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = nsl(&["conformance", path.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(!out.status.success());
    assert!(
        text.contains("FAIL adversarial/infinity/clip=false/pgd=1") && text.contains("adv_loss"),
        "{text}"
    );
    assert_eq!(text.lines().last(), Some("60 passed, 1 failed"));
    let _ = std::fs::remove_file(path);
}

#[test]
fn train_runs_a_spec_file_and_prints_json() {
    let Some(mnist) = integration::shared("data/mnist") else { return };
    let spec = serde_json::json!({
        "name": "tiny",
        "data": {"kind": "mnist", "dir": mnist, "train": 300, "test": 100},
        "model": {"kind": "mlp", "hidden": [16]},
        "regularization": {"adversarial": {"multiplier": 0.2, "adv_neighbor_config": {"adv_step_size": 0.1, "adv_grad_norm": "infinity"}}},
        "optimizer": {"learning_rate": 0.005, "batch_size": 32},
        "epochs": 2,
        "seed": 4,
        "evaluation": {
            "fgsm": {"epsilon": 0.1, "clip_min": 0.0, "clip_max": 1.0},
            "robustness": {"max_epsilon": 0.2, "points": 3, "clip_min": 0.0, "clip_max": 1.0}
        },
        "compare_with_base": true
    });
    let path = std::env::temp_dir().join(format!("nsl-spec-{}.json", std::process::id()));
    let csv_path = path.with_extension("csv");
    std::fs::write(&path, spec.to_string()).unwrap();
    let out = nsl(&[
        "train",
        "--spec",
        path.to_str().unwrap(),
        "--history",
        "--robustness-csv",
        csv_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let result: serde_json::Value =
        serde_json::from_str(stdout(&out).trim()).expect("stdout is one JSON object");
    for variant in ["base", "adv_reg"] {
        let clean = result[variant]["clean_acc"].as_f64().unwrap();
        assert!(clean > 0.5, "{variant}: {clean}");
        assert!(result[variant]["fgsm_acc"].is_f64());
        assert!(result["train_seconds"][variant].as_f64().unwrap() > 0.0);
        assert_eq!(result["history"][variant].as_array().unwrap().len(), 2);
        // FGSM then PGD at ε 0, 0.1, 0.2; ε = 0 is the clean accuracy, attacks only lower it.
        let curve = result[variant]["robustness"].as_array().unwrap();
        assert_eq!(curve.len(), 6);
        assert_eq!((curve[0]["attack"].as_str(), curve[3]["attack"].as_str()), (Some("fgsm"), Some("pgd")));
        assert_eq!(curve[0]["accuracy"].as_f64(), Some(clean));
        assert!(curve[2]["accuracy"].as_f64().unwrap() < clean, "{curve:?}");
        assert!(curve[5]["accuracy"].as_f64().unwrap() <= curve[2]["accuracy"].as_f64().unwrap() + 0.02);
    }
    assert_eq!(result["backend"], "cpu");
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(csv.lines().count(), 1 + 12, "{csv}");
    assert!(csv.starts_with("model,attack,epsilon,accuracy\nbase,FGSM,0.0000,"), "{csv}");
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(csv_path);
}

#[test]
fn train_prints_each_task_metric_of_the_typed_graph_builtins() {
    let run = |args: &[&str]| {
        let out = nsl(args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_str::<serde_json::Value>(stdout(&out).trim()).expect("stdout is one JSON object")
    };
    // Graph classification: 120 test graphs, so accuracies are multiples of 1/120.
    let graphs = run(&["train", "--builtin", "motifs-mtalbis", "--epochs", "3", "--history"]);
    let acc = graphs["base"]["test_acc"].as_f64().unwrap();
    assert!((acc * 120.0 - (acc * 120.0).round()).abs() < 1e-9 && acc > 1.0 / 3.0, "{graphs}");
    assert_eq!(graphs["history"]["base"].as_array().unwrap().len(), 3);
    // Node classification with Deep Graph Infomax: both tasks' metrics.
    let joint = run(&["train", "--builtin", "mag-mtalbis-dgi", "--epochs", "2"]);
    assert!(joint["base"]["test_acc"].is_f64() && joint["base"]["dgi_acc"].is_f64(), "{joint}");
    let plain = run(&["train", "--builtin", "mag-mlp", "--epochs", "2"]);
    assert!(plain["base"]["test_acc"].is_f64() && plain["base"].get("dgi_acc").is_none(), "{plain}");
    // Typed graphs have no TensorFlow NSL Keras script.
    let dir = std::env::temp_dir().join(format!("nsl-export-hetero-{}", std::process::id()));
    let out = nsl(&["export", "--builtin", "motifs-mtalbis", "--out", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("hetero model"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn spec_prints_a_builtin_that_train_accepts() {
    let out = nsl(&["spec", "--builtin", "cora-graph-reg", "--data-dir", "/data/cora"]);
    assert!(out.status.success());
    let spec: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(spec["regularization"]["graph"]["neighbor_config"]["max_neighbors"], 3);
    assert_eq!(spec["data"]["dir"], "/data/cora");
}

#[test]
fn errors_are_clear_and_fail() {
    let out = nsl(&["train", "--builtin", "nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("choose one of: mnist-adv, cora-graph-reg"));
    let out = nsl(&["train", "--builtin", "mnist-adv", "--data-dir", "/nonexistent-dir"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent-dir"));
    let missing = Path::new("/nonexistent/vectors.json");
    let out = nsl(&["conformance", missing.to_str().unwrap()]);
    assert!(!out.status.success());
}

#[test]
fn export_writes_a_spec_train_accepts_and_a_python_script() {
    let dir = std::env::temp_dir().join(format!("nsl-export-{}", std::process::id()));
    let out = nsl(&["export", "--builtin", "moons-adv", "--seed", "2", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let script = std::fs::read_to_string(dir.join("moons-adv.py")).unwrap();
    assert!(
        script.contains("nsl.keras.AdversarialRegularization") && script.contains("SEED = 2"),
        "{script}"
    );
    let train = std::fs::read_to_string(dir.join("train.csv")).unwrap();
    assert_eq!(train.lines().next(), Some("x,y,label"));
    assert_eq!(train.lines().count(), 201, "200 training points and a header");
    // The exported spec runs as is (two epochs here).
    let spec = dir.join("spec.json");
    let trained = nsl(&["train", "--spec", spec.to_str().unwrap(), "--epochs", "2"]);
    assert!(trained.status.success(), "{}", String::from_utf8_lossy(&trained.stderr));
    assert!(stdout(&trained).contains("\"adv_reg\""));
    // Where Python is installed, the script must at least compile.
    match Command::new("python3").arg("-m").arg("py_compile").arg(dir.join("moons-adv.py")).output() {
        Ok(check) => assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr)),
        Err(_) => eprintln!("SKIPPED: python3 is absent, the script's syntax is not checked"),
    }
    let refused = nsl(&["export", "--builtin", "cora-gcn", "--out", dir.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no TensorFlow NSL Keras equivalent"));
    let _ = std::fs::remove_dir_all(dir);
}
