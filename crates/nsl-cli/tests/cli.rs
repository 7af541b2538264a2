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
    assert!(joint["dgi"]["test_acc"].is_f64() && joint["dgi"]["dgi_acc"].is_f64(), "{joint}");
    assert!(joint["dgi"].get("test_auc").is_none() && joint.get("base").is_none(), "{joint}");
    // Beside the classification alone (what DGI adds), the same seed and model.
    let mut spec = nsl::spec::builtin::builtin("mag-mtalbis-dgi", None, 0).unwrap();
    (spec.epochs, spec.compare_with_base) = (2, true);
    let file = std::env::temp_dir().join(format!("nsl-cli-dgi-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_string(&spec).unwrap()).unwrap();
    let pair = run(&["train", "--spec", file.to_str().unwrap()]);
    assert!(pair["base"]["test_acc"].is_f64() && pair["base"].get("dgi_acc").is_none(), "{pair}");
    assert_eq!(pair["dgi"]["dgi_acc"], joint["dgi"]["dgi_acc"], "the same DGI run: {pair}");
    // Three tasks: venues, links of “cites” and DGI, each with its metric.
    let three = run(&["train", "--builtin", "mag-mtalbis-joint", "--epochs", "2"]);
    for metric in ["test_acc", "dgi_acc", "test_auc"] {
        let value = three["dgi"][metric].as_f64().unwrap_or_else(|| panic!("no {metric}: {three}"));
        assert!((0.0..=1.0).contains(&value), "{metric}: {three}");
    }
    let plain = run(&["train", "--builtin", "mag-mlp", "--epochs", "2"]);
    assert!(plain["base"]["test_acc"].is_f64() && plain["base"].get("dgi_acc").is_none(), "{plain}");
}

/// A Python that imports `tensorflow_gnn`: `NSL_TFGNN_PYTHON` (scripts/tfgnn.sh sets it), or
/// `python3` when it can.
fn tf_gnn_python() -> Option<String> {
    let candidate = std::env::var("NSL_TFGNN_PYTHON").unwrap_or_else(|_| "python3".into());
    let imports = Command::new(&candidate).args(["-c", "import tensorflow_gnn"]).output();
    match imports {
        Ok(out) if out.status.success() => Some(candidate),
        _ if std::env::var_os("NSL_TFGNN_PYTHON").is_some() => {
            panic!("NSL_TFGNN_PYTHON={candidate} cannot import tensorflow_gnn")
        }
        _ => None,
    }
}

#[test]
fn export_writes_a_tf_gnn_program_and_its_data_for_typed_graphs() {
    let root = std::env::temp_dir().join(format!("nsl-export-tfgnn-{}", std::process::id()));
    let python = tf_gnn_python();
    for (builtin, data) in [
        (
            "mag-mtalbis-sampled",
            &["graph/nodes-paper.tfrecords", "graph/edges-cites.tfrecords", "graph/sampling_spec.pbtxt"][..],
        ),
        ("mag-gcn", &["graph/nodes-author.tfrecords", "graph/edges-written.tfrecords"][..]),
        ("mag-mtalbis-joint", &["graph/edges-cites.tfrecords", "graph/links.tfrecords"][..]),
        (
            "motifs-mtalbis",
            &["graph/graphs-train.tfrecords", "graph/graphs-val.tfrecords", "graph/graphs-test.tfrecords"][..],
        ),
    ] {
        let dir = root.join(builtin);
        let out = nsl(&["export", "--builtin", builtin, "--seed", "1", "--out", dir.to_str().unwrap()]);
        assert!(out.status.success(), "{builtin}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("TensorFlow GNN 1.0"));
        for file in ["spec.json", "graph/graph_schema.pbtxt"].iter().chain(data) {
            let len = std::fs::metadata(dir.join(file)).map(|m| m.len()).unwrap_or(0);
            assert!(len > 0, "{builtin}: {file} is missing or empty");
        }
        let program = dir.join(format!("{builtin}.py"));
        let text = std::fs::read_to_string(&program).unwrap();
        assert!(text.contains("runner.run(") && text.contains("SEED = 1"), "{text}");
        // The program compiles (scripts/test.sh installs python3 when it is missing).
        let compiled = Command::new("python3").args(["-m", "py_compile"]).arg(&program).output();
        let compiled = compiled.expect("python3 runs (scripts/test.sh installs it)");
        assert!(compiled.status.success(), "{builtin}: {}", String::from_utf8_lossy(&compiled.stderr));
        // Where TF-GNN is importable, two training steps run and a test accuracy is printed.
        let Some(python) = &python else {
            eprintln!(
                "SKIPPED {builtin}: tensorflow_gnn is not importable, the program is compiled, not run (scripts/tfgnn.sh runs it)"
            );
            continue;
        };
        let run = Command::new(python)
            .arg(&program)
            .args(["--steps", "2"])
            .env("TF_CPP_MIN_LOG_LEVEL", "3")
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success(), "{builtin}: {printed}\n{}", String::from_utf8_lossy(&run.stderr));
        let accuracy: f64 = printed
            .lines()
            .find_map(|l| l.strip_prefix("test accuracy: "))
            .unwrap_or_else(|| panic!("{builtin} printed no test accuracy: {printed}"))
            .trim()
            .parse()
            .unwrap();
        assert!((0.0..=1.0).contains(&accuracy), "{builtin}: {accuracy}");
        if text.contains("LINK_EDGE_SET = \"") {
            let auc = printed.lines().find_map(|l| l.strip_prefix("test link AUC: "));
            let auc: f64 = auc
                .unwrap_or_else(|| panic!("{builtin} printed no link AUC: {printed}"))
                .trim()
                .parse()
                .unwrap();
            assert!((0.0..=1.0).contains(&auc), "{builtin}: link AUC {auc}");
        }
        eprintln!("{builtin}: TF-GNN ran 2 steps, test accuracy {accuracy}");
    }
    let _ = std::fs::remove_dir_all(root);
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
    // The script compiles (scripts/test.sh installs python3 when it is missing).
    let check = Command::new("python3").arg("-m").arg("py_compile").arg(dir.join("moons-adv.py")).output();
    let check = check.expect("python3 runs (scripts/test.sh installs it)");
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    // The learner's own points with features of the plane: three classes, a Keras Lambda of
    // the features, the points as CSV files; the script compiles and the spec trains.
    let mut own: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&spec).unwrap()).unwrap();
    own["data"] = serde_json::json!({
        "kind": "points",
        "train": [[0.5, 0.5, 0], [-0.5, 0.5, 1], [0.0, -0.5, 2], [0.6, 0.4, 0]],
        "test": [[0.4, 0.6, 0], [0.1, -0.6, 2]]
    });
    own["model"]["inputs"] = serde_json::json!(["x1", "x2", "x1_squared", "sin_x2"]);
    let own_spec = dir.join("own.json");
    std::fs::write(&own_spec, own.to_string()).unwrap();
    let own_dir = dir.join("own");
    let out = nsl(&["export", "--spec", own_spec.to_str().unwrap(), "--out", own_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let script = std::fs::read_to_string(own_dir.join("moons-adv.py")).unwrap();
    assert!(script.contains("NUM_CLASSES = 3"), "{script}");
    assert!(
        script.contains("tf.stack([p[:, 0], p[:, 1], p[:, 0] * p[:, 0], tf.sin(p[:, 1])], axis=1)"),
        "{script}"
    );
    let test_csv = std::fs::read_to_string(own_dir.join("test.csv")).unwrap();
    assert_eq!(test_csv, "x,y,label\n0.4,0.6,0\n0.1,-0.6,2\n");
    let check =
        Command::new("python3").arg("-m").arg("py_compile").arg(own_dir.join("moons-adv.py")).output();
    assert!(check.expect("python3 runs").status.success());
    let trained = nsl(&["train", "--spec", own_spec.to_str().unwrap(), "--epochs", "2"]);
    assert!(trained.status.success(), "{}", String::from_utf8_lossy(&trained.stderr));
    let refused = nsl(&["export", "--builtin", "cora-gcn", "--out", dir.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no TensorFlow NSL Keras equivalent"));
    let _ = std::fs::remove_dir_all(dir);
}
