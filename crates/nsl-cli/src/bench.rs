//! `nsl bench`: training seconds of the NSL built-ins and the Cora GCN on the CPU backend,
//! against TensorFlow NSL 1.4 and TF-GNN 1.0.3 (TF 2.15 CPU) on the same work.

use std::path::PathBuf;
use std::process::ExitCode;

use nsl::device::Backend;

use crate::progress::TrainingProgress;

/// TensorFlow NSL's training seconds for the built-ins, measured on the project's 2-core
/// reference machine (issue #2): (experiment, variant, seconds).
const TENSORFLOW_SECONDS: &[(&str, &str, f64)] = &[
    ("mnist-adv", "base", 3.9),
    ("mnist-adv", "adv_reg", 7.1),
    ("cora-graph-reg", "base", 2.1),
    ("cora-graph-reg", "graph_reg", 4.3),
    // TF-GNN 1.0.3 on TF 2.15 CPU, full-batch GCN, 200 epochs (issue #4).
    ("cora-gcn", "base", 11.0),
];

/// Arguments of `nsl bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// MNIST directory.
    #[arg(long, default_value = "../shared/data/mnist")]
    mnist_dir: PathBuf,
    /// Planetoid Cora directory.
    #[arg(long, default_value = "../shared/data/cora")]
    cora_dir: PathBuf,
    /// Seed of both runs.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// Trains both built-ins (base and regularized) and prints a table of seconds and ratios.
pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let device = nsl::device::device(Backend::Cpu)?;
    println!("{:16} {:10} {:>9} {:>14} {:>7}", "experiment", "variant", "seconds", "TF seconds", "ratio");
    for (name, dir) in
        [("mnist-adv", &args.mnist_dir), ("cora-graph-reg", &args.cora_dir), ("cora-gcn", &args.cora_dir)]
    {
        let spec = nsl::builtin::builtin(name, Some(dir), args.seed)?;
        let mut progress = TrainingProgress::default();
        let outcome = nsl::experiment::run(&spec, &device, &mut |e| progress.on_event(e))?;
        for run in &outcome.runs {
            let reference = TENSORFLOW_SECONDS
                .iter()
                .find(|(e, v, _)| *e == name && *v == run.variant)
                .map(|(_, _, s)| *s);
            let (tf, ratio) = match reference {
                Some(s) => (format!("{s:.1}"), format!("{:.2}", run.train_seconds / s)),
                None => ("-".into(), "-".into()),
            };
            println!("{name:16} {:10} {:>9.2} {tf:>14} {ratio:>7}", run.variant, run.train_seconds);
        }
    }
    println!(
        "ratio = our seconds / TensorFlow seconds (NSL 1.4 for the NSL built-ins, TF-GNN 1.0.3 for GCN); targets: ≤ 0.25 for NSL, GCN ≤ 1 s"
    );
    Ok(ExitCode::SUCCESS)
}
