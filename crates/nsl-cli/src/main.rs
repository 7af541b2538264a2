//! `nsl`: the command-line face of the NSL library — the same code the playground runs.

mod bench;
mod bench_graph;
mod conformance;
mod export;
mod graph;
mod ngm_sweep;
mod progress;
mod synthesize;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Neural Structured Learning on burn: train, benchmark, check against TensorFlow NSL.
#[derive(Debug, Parser)]
#[command(name = "nsl", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Train an experiment; progress on stderr, a JSON object of results on stdout.
    Train(TrainArgs),
    /// Print a built-in experiment's spec (a starting point for `train --spec`).
    Spec {
        /// Built-in experiment name.
        #[arg(long)]
        builtin: String,
        /// Data directory to write into the spec.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Check a conformance vectors file (TensorFlow NSL's or TensorFlow GNN's numbers) case by case.
    Conformance {
        /// The vectors file, e.g. ../shared/reference/nsl-vectors.json.
        file: PathBuf,
        /// Compute backend.
        #[arg(long, value_enum, default_value_t = BackendArg::Cpu)]
        backend: BackendArg,
    },
    /// Time the NSL built-ins and the Cora GCN on the CPU backend against TensorFlow's times.
    Bench(bench::BenchArgs),
    /// Time build_graph (brute force and LSH, with recall) and the subgraph sampler.
    BenchGraph(bench_graph::BenchGraphArgs),
    /// Write an experiment's spec, the equivalent program (TensorFlow GNN 1.0 for typed graphs, TensorFlow NSL's Keras API otherwise) and the data it reads.
    Export(export::ExportArgs),
    /// Sweep Neural Graph Machines' α₁, α₂, α₃ on Cora.
    NgmSweep(ngm_sweep::NgmSweepArgs),
    /// Build a similarity graph from embeddings (NSL's build_graph, optionally with LSH).
    BuildGraph(graph::BuildGraphArgs),
    /// Build the graph a spec's data describes from its rows (embedding, cosine threshold with
    /// LSH, or kNN) and print its figures: edges, isolated rows, homophily, fingerprint, time.
    Synthesize(synthesize::SynthesizeArgs),
    /// Join labeled examples with their top graph neighbors (NSL's pack_nbrs).
    PackNbrs(graph::PackArgs),
    /// Sample rooted subgraphs around seed nodes (TF-GNN's sampling spec).
    Sample(graph::SampleArgs),
    /// Convert a graph between formats, chosen from the file names
    /// (*.tsv, *.json, NAME.content, NAME.nodes.csv, images-NAME.u8).
    Convert {
        /// Input file.
        input: PathBuf,
        /// Output file.
        output: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
struct TrainArgs {
    /// A built-in experiment (see `nsl train --list`).
    #[arg(long, conflicts_with = "spec", required_unless_present_any = ["spec", "list"])]
    builtin: Option<String>,
    /// A JSON experiment spec file.
    #[arg(long)]
    spec: Option<PathBuf>,
    /// List the built-in experiments.
    #[arg(long)]
    list: bool,
    /// Data directory for a built-in (MNIST bytes, or one Planetoid NAME triple).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Seed (overrides the spec's).
    #[arg(long)]
    seed: Option<u64>,
    /// Epochs (overrides the spec's).
    #[arg(long)]
    epochs: Option<usize>,
    /// Compute backend.
    #[arg(long, value_enum, default_value_t = BackendArg::Cpu)]
    backend: BackendArg,
    /// Include per-epoch losses in the JSON output.
    #[arg(long)]
    history: bool,
    /// Also write the robustness curves (when the spec's evaluation asks for them) as CSV:
    /// `model,attack,epsilon,accuracy`.
    #[arg(long, value_name = "FILE")]
    robustness_csv: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum BackendArg {
    /// burn's flex CPU backend.
    Cpu,
    /// burn's wgpu backend (Vulkan/Metal/DX12; `NSL_WGPU_API=vulkan` pins Vulkan).
    Wgpu,
}

impl From<BackendArg> for nsl::device::Backend {
    fn from(arg: BackendArg) -> Self {
        match arg {
            BackendArg::Cpu => Self::Cpu,
            BackendArg::Wgpu => Self::Wgpu,
        }
    }
}

/// `nsl spec`: a built-in's spec as pretty JSON.
fn print_spec(builtin: &str, data_dir: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let spec = nsl::spec::builtin::builtin(builtin, data_dir, 0)?;
    println!("{}", serde_json::to_string_pretty(&spec)?);
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Train(args) => train::run(&args),
        Command::Spec { builtin, data_dir } => print_spec(&builtin, data_dir.as_deref()),
        Command::Conformance { file, backend } => conformance::run(&file, backend.into()),
        Command::Bench(args) => bench::run(&args),
        Command::BenchGraph(args) => bench_graph::run(&args),
        Command::NgmSweep(args) => ngm_sweep::run(&args),
        Command::Export(args) => export::run(&args),
        Command::BuildGraph(args) => graph::build_graph(&args),
        Command::Synthesize(args) => synthesize::run(&args),
        Command::PackNbrs(args) => graph::pack_nbrs(&args),
        Command::Sample(args) => graph::sample(&args),
        Command::Convert { input, output } => graph::convert(&input, &output),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
