//! `nsl bench`: training seconds of the NSL built-ins and the Cora GCN on the CPU backend, and
//! milliseconds per optimizer step; with `--mag`, TF-GNN's MtAlbis on the native-size MAG-like
//! graph, one full-batch epoch and one epoch of sampled training. It prints only what it measured: the side-by-side with
//! TensorFlow runs outside the project (TensorFlow is no dependency of it).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use nsl::config::tfgnn::HeteroModel;
use nsl::device::Backend;
use nsl::graph::datasets::mag::MagSpec;
use nsl::spec::{DataSpec, ExperimentSpec, ModelSpec};
use nsl::train::experiment::Event;

use crate::progress::TrainingProgress;

/// Arguments of `nsl bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// MNIST directory.
    #[arg(long, default_value = "../shared/data/mnist")]
    mnist_dir: PathBuf,
    /// Planetoid Cora directory.
    #[arg(long, default_value = "../shared/data/cora")]
    cora_dir: PathBuf,
    /// Seed of every run.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Also time MtAlbis (2 rounds, units 128, message 64) on the MAG-like graph at its native
    /// size (≈ 327,000 nodes, 2.5 million edges; about 9 GB of memory): one full-batch epoch and
    /// one epoch of sampled training.
    #[arg(long)]
    mag: bool,
}

/// A MAG-like built-in at the native size with MtAlbis at the benchmark's widths, one epoch.
fn native_mag(name: &str, seed: u64) -> anyhow::Result<ExperimentSpec> {
    let mut spec = nsl::spec::builtin::builtin(name, None, seed)?;
    spec.data = DataSpec::Mag(MagSpec { seed: 0, ..MagSpec::native() });
    spec.epochs = 1;
    if let ModelSpec::Hetero { encoder, .. } = &mut spec.model
        && let HeteroModel::MtAlbis(mt) = &mut encoder.model
    {
        (encoder.hidden, mt.units, mt.message_dim) = (128, 128, 64);
    }
    Ok(spec)
}

/// Trains each built-in (base and regularized) once for one epoch to warm up (allocator,
/// caches, lazily built kernels), then in full, and prints seconds and ms per step.
pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let device = nsl::device::device(Backend::Cpu)?;
    println!("{:16} {:10} {:>9} {:>7} {:>9}", "experiment", "variant", "seconds", "steps", "ms/step");
    for (name, dir) in
        [("mnist-adv", &args.mnist_dir), ("cora-graph-reg", &args.cora_dir), ("cora-gcn", &args.cora_dir)]
    {
        let spec = nsl::spec::builtin::builtin(name, Some(dir), args.seed)?;
        let warm_up = nsl::spec::ExperimentSpec { epochs: 1, ..spec.clone() };
        nsl::train::experiment::run(&warm_up, &device, &mut |_| {})?;
        let mut progress = TrainingProgress::default();
        let mut steps: HashMap<String, usize> = HashMap::new();
        let outcome = nsl::train::experiment::run(&spec, &device, &mut |e| {
            if let Event::RunStarted { variant, epochs, steps_per_epoch } = &e {
                steps.insert((*variant).to_string(), epochs * steps_per_epoch);
            }
            progress.on_event(e);
        })?;
        for run in &outcome.runs {
            let steps = steps.get(&run.variant).copied().unwrap_or(0);
            let per_step = run.train_seconds * 1000.0 / steps.max(1) as f64;
            println!("{name:16} {:10} {:>9.3} {steps:>7} {per_step:>9.3}", run.variant, run.train_seconds);
        }
    }
    println!("seconds: training only (data loading and evaluation excluded), after a one-epoch warm-up");
    if args.mag {
        // One epoch each, no warm-up: an epoch is long enough that the first step's costs
        // (allocation, kernel set-up) are a small part of it.
        for name in ["mag-mtalbis", "mag-mtalbis-sampled"] {
            let spec = native_mag(name, args.seed)?;
            let mut steps = 0;
            let outcome = nsl::train::experiment::run(&spec, &device, &mut |e| {
                if let Event::RunStarted { steps_per_epoch, .. } = e {
                    steps = steps_per_epoch;
                }
            })?;
            let run = &outcome.runs[0];
            let per_step = run.train_seconds * 1000.0 / steps.max(1) as f64;
            println!(
                "{:28} {:>9.3} {steps:>7} {per_step:>9.3}  (native MAG-like graph, one epoch; test accuracy {:.3})",
                format!("{name} (units 128)"),
                run.train_seconds,
                run.metrics.test_acc.unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
