//! The built-in experiments at full length against their targets: the NSL tutorials over ten
//! seeds (issue #2, TensorFlow NSL 1.4 measured on this project's 2-core machine) and the GNN,
//! NGM and link-prediction built-ins over five seeds (issue #4, Planetoid Cora's public split).
//! Ignored by default (minutes of training); `scripts/accuracy.sh` runs them.

use nsl::burn::tensor::Device;
use nsl::spec::builtin::builtin;
use nsl::train::experiment::{ExperimentOutcome, run};

const SEEDS: u64 = 10;

/// Runs `name` for seeds `0..SEEDS` and returns each seed's outcome.
fn runs(name: &str, data: &str) -> Option<Vec<ExperimentOutcome>> {
    runs_over(name, data, SEEDS)
}

/// Runs `name` for seeds `0..seeds` and returns each seed's outcome.
fn runs_over(name: &str, data: &str, seeds: u64) -> Option<Vec<ExperimentOutcome>> {
    let dir = integration::shared(data)?;
    Some(
        (0..seeds)
            .map(|seed| {
                let spec = builtin(name, Some(&dir), seed).unwrap();
                let outcome = run(&spec, &Device::flex(), &mut |_| {}).unwrap();
                println!("seed {seed}: {}", outcome.summary());
                outcome
            })
            .collect(),
    )
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.collect();
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
#[ignore = "full-length training over ten seeds; run with scripts/accuracy.sh"]
fn mnist_adv_meets_targets() {
    let Some(outcomes) = runs("mnist-adv", "data/mnist") else { return };
    let per_seed = |run: usize, f: fn(&nsl::train::eval::Metrics) -> Option<f64>| -> Vec<f64> {
        outcomes.iter().map(|o| f(&o.runs[run].metrics).unwrap()).collect()
    };
    let metric = |run, f| mean(per_seed(run, f).into_iter());
    let base_clean = metric(0, |m| m.clean_acc);
    let base_fgsm = metric(0, |m| m.fgsm_acc);
    let adv_clean = metric(1, |m| m.clean_acc);
    let adv_fgsm = metric(1, |m| m.fgsm_acc);
    println!(
        "means over {SEEDS} seeds: base {base_clean:.4} clean / {base_fgsm:.4} attacked; adv_reg {adv_clean:.4} / {adv_fgsm:.4}"
    );
    // TensorFlow NSL: base 93.7% clean / 11.7% attacked; adv-reg 94.7% clean / 73.1% attacked.
    assert!((base_clean - 0.937).abs() <= 0.02, "base clean {base_clean}");
    // The base model falls to FGSM as TensorFlow's does (11.7%): an attack that misses the
    // base model would make the adversarial gain meaningless.
    assert!((base_fgsm - 0.117).abs() <= 0.03, "base attacked {base_fgsm}");
    assert!((adv_clean - 0.947).abs() <= 0.02, "adv-reg clean {adv_clean}");
    // Not significantly under TensorFlow NSL's 73.1%: at most two standard errors of the
    // seeds' mean below it. The mean moves by a few tenths with the order in which the matrix
    // kernels sum (this machine: 73.2% with gemm's AVX2 kernels, 72.9% with its AVX-512 ones)
    // and one seed's run by about a point, so a fixed 73.0% tested rounding, not NSL.
    let attacked = per_seed(1, |m| m.fgsm_acc);
    let spread =
        (attacked.iter().map(|a| (a - adv_fgsm).powi(2)).sum::<f64>() / (attacked.len() - 1) as f64).sqrt();
    let standard_error = spread / (attacked.len() as f64).sqrt();
    assert!(
        adv_fgsm >= 0.731 - 2.0 * standard_error,
        "adv-reg attacked {adv_fgsm}: more than two standard errors ({standard_error:.4}) under NSL's 0.731"
    );
}

#[test]
#[ignore = "full-length training over ten seeds; run with scripts/accuracy.sh"]
fn cora_graph_reg_meets_targets() {
    let Some(outcomes) = runs("cora-graph-reg", "data/cora") else { return };
    let base = mean(outcomes.iter().map(|o| o.runs[0].metrics.test_acc.unwrap()));
    let graph = mean(outcomes.iter().map(|o| o.runs[1].metrics.test_acc.unwrap()));
    println!("means over {SEEDS} seeds: base {base:.4}, graph_reg {graph:.4}");
    // TensorFlow NSL: base 56.6%, graph-reg 59.6%. The target is the gain from the graph, on a
    // base model near TensorFlow's: ours averages ~3 points under its single run (53.5%, a gap
    // earlier stops found no semantic cause for), so the base is held within 4 points.
    assert!((base - 0.566).abs() <= 0.04, "base {base} vs TensorFlow NSL's 56.6%");
    assert!(graph >= base + 0.02, "graph-reg {graph} vs base {base}");
    assert!((graph - 0.596).abs() <= 0.02, "graph-reg {graph} vs TensorFlow NSL's 59.6%");
}

/// Mean of run `run`'s test accuracy over five seeds of `name`.
fn five_seed_accuracy(name: &str, run: usize) -> Option<f64> {
    let outcomes = runs_over(name, "data/cora", 5)?;
    let accuracy = mean(outcomes.iter().map(|o| o.runs[run].metrics.test_acc.unwrap()));
    println!("{name}: mean test accuracy over 5 seeds {accuracy:.4}");
    Some(accuracy)
}

#[test]
#[ignore = "full-length GNN training over five seeds; run with scripts/accuracy.sh"]
fn cora_gnns_meet_targets() {
    // Kipf & Welling report 81.5% for GCN; the targets of issue #4.
    for (name, target) in [("cora-gcn", 0.81), ("cora-gat", 0.815), ("cora-sage", 0.79)] {
        let Some(accuracy) = five_seed_accuracy(name, 0) else { return };
        assert!(accuracy >= target, "{name}: {accuracy} < {target}");
    }
}

#[test]
#[ignore = "full-length training over five seeds; run with scripts/accuracy.sh"]
fn cora_ngm_beats_nsl_graph_regularization_by_three_points() {
    let Some(outcomes) = runs_over("cora-ngm", "data/cora", 5) else { return };
    let base = mean(outcomes.iter().map(|o| o.runs[0].metrics.test_acc.unwrap()));
    let ngm = mean(outcomes.iter().map(|o| o.runs[1].metrics.test_acc.unwrap()));
    println!("cora-ngm: mean test accuracy over 5 seeds: base MLP {base:.4}, NGM {ngm:.4}");
    // The base MLP (full batch) is an MLP on Cora's features: near NSL's base (56.6%).
    assert!((base - 0.566).abs() <= 0.04, "base MLP {base}");
    // NSL graph regularization on this split: 59.6% (TensorFlow NSL), 58.5% (ours, ten seeds).
    assert!(ngm >= 0.596 + 0.03, "NGM {ngm}");
    assert!(ngm >= base + 0.03, "NGM {ngm} vs its base {base}");
}

#[test]
#[ignore = "full-length training over five seeds; run with scripts/accuracy.sh"]
fn cora_link_prediction_meets_target() {
    let Some(outcomes) = runs_over("cora-linkpred", "data/cora", 5) else { return };
    let auc = mean(outcomes.iter().map(|o| o.runs[0].metrics.test_auc.unwrap()));
    println!("cora-linkpred: mean test AUC over 5 seeds {auc:.4}");
    assert!(auc >= 0.85, "AUC {auc}");
}
