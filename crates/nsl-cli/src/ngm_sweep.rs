//! `nsl ngm-sweep`: the NGM built-in over a grid of α₁ (labeled–labeled), α₂
//! (labeled–unlabeled) and α₃ (unlabeled–unlabeled), a few seeds each.

use std::path::PathBuf;
use std::process::ExitCode;

use nsl::config::NgmDistance;
use nsl::device::Backend;

/// Arguments of `nsl ngm-sweep`.
#[derive(Debug, clap::Args)]
pub struct NgmSweepArgs {
    /// Planetoid directory.
    #[arg(long, default_value = "../shared/data/cora")]
    data_dir: PathBuf,
    /// α₁ values (labeled–labeled edges).
    #[arg(long, value_delimiter = ',', default_value = "0,1")]
    ll: Vec<f32>,
    /// α₂ values (labeled–unlabeled edges).
    #[arg(long, value_delimiter = ',', default_value = "0,1,2,5")]
    lu: Vec<f32>,
    /// α₃ values (unlabeled–unlabeled edges).
    #[arg(long, value_delimiter = ',', default_value = "0,0.5,2")]
    uu: Vec<f32>,
    /// Seeds 0..N per point.
    #[arg(long, default_value_t = 3)]
    seeds: u64,
    /// The edge term.
    #[arg(long, value_enum, default_value_t = DistanceArg::NeighborPredictions)]
    distance: DistanceArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DistanceArg {
    /// Cross-entropy to the neighbor's (fixed) prediction.
    NeighborPredictions,
    /// Squared distance of L2-normalised hidden embeddings.
    HiddenCosine,
}

/// Prints one line per grid point: the α, each seed's test accuracy and their mean.
pub fn run(args: &NgmSweepArgs) -> anyhow::Result<ExitCode> {
    let device = nsl::device::device(Backend::Cpu)?;
    let distance = match args.distance {
        DistanceArg::NeighborPredictions => NgmDistance::NeighborPredictions,
        DistanceArg::HiddenCosine => NgmDistance::HiddenCosine,
    };
    println!("{:>5} {:>5} {:>5}  {:>7}  per seed", "α1", "α2", "α3", "mean");
    for &ll in &args.ll {
        for &lu in &args.lu {
            for &uu in &args.uu {
                let mut accuracies = Vec::new();
                for seed in 0..args.seeds {
                    let mut spec = nsl::spec::builtin::builtin("cora-ngm", Some(&args.data_dir), seed)?;
                    spec.compare_with_base = false;
                    let ngm =
                        spec.regularization.neural_graph_machine.as_mut().expect("the built-in uses NGM");
                    ngm.alpha_labeled_labeled = ll;
                    ngm.alpha_labeled_unlabeled = lu;
                    ngm.alpha_unlabeled_unlabeled = uu;
                    ngm.distance = distance;
                    let outcome = nsl::train::experiment::run(&spec, &device, &mut |_| {})?;
                    accuracies.push(outcome.runs[0].metrics.test_acc.unwrap_or(0.0));
                }
                let mean = accuracies.iter().sum::<f64>() / accuracies.len() as f64;
                let per_seed: Vec<String> = accuracies.iter().map(|a| format!("{:.1}", a * 100.0)).collect();
                println!("{ll:>5} {lu:>5} {uu:>5}  {:>6.2}%  {}", mean * 100.0, per_seed.join(" "));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
