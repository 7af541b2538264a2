//! `nsl synthesize`: the graph a spec builds from its data (NSL's synthesized-graph workflow,
//! `data.kind = "synthesized"`), with the figures the playground shows beside it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::bail;
use nsl::data::load::rows;
use nsl::data::synthesized::{
    BuildStep, assemble, edges_reporting, embed, labeled_rows, node_rows, size_problem,
};
use nsl::graph::GraphSummary;
use nsl::spec::DataSpec;
use serde_json::json;

use crate::progress::work_bar;

/// Arguments of `nsl synthesize`.
#[derive(Debug, clap::Args)]
pub struct SynthesizeArgs {
    /// A built-in experiment whose data is built from rows (e.g. digits-graph-reg).
    #[arg(long, conflicts_with = "spec", required_unless_present = "spec")]
    builtin: Option<String>,
    /// A JSON experiment spec file.
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Data directory for a built-in (the MNIST bytes).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Also write the graph (features, labels, split, edges) to this file (*.json, NAME.content, …).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Builds the graph and prints one JSON object: rows, edges, isolated rows, homophily, mean
/// degree, the edges' fingerprint and the seconds the embedding and the edges took.
pub fn run(args: &SynthesizeArgs) -> anyhow::Result<ExitCode> {
    let spec = crate::train::load_spec(
        args.builtin.as_deref(),
        args.spec.as_deref(),
        args.data_dir.as_deref(),
        None,
    )?;
    let DataSpec::Synthesized(built) = &spec.data else {
        bail!("{}: its data is not built from rows (data.kind \"synthesized\")", spec.name);
    };
    let (train, test) = rows(&built.rows)?;
    let all = node_rows(&train, &test);
    let start = Instant::now();
    let labeled = labeled_rows(&train.labels, built.labels_per_class);
    let (values, dim) = embed(&all, &labeled, built.embedding, built.seed)?;
    let embedded = start.elapsed().as_secs_f64();
    let bar = work_bar("comparing", 0);
    let found = edges_reporting(&values, dim, built.edges, built.seed, &|step| {
        if let BuildStep::Comparing { round, rounds, done, total } = step {
            if done == 0 {
                bar.set_length(total as u64);
                bar.set_position(0);
                bar.set_message(format!("round {}/{rounds}", round + 1));
            } else {
                bar.inc(1);
            }
        }
    })?;
    bar.finish_and_clear();
    let joined = start.elapsed().as_secs_f64() - embedded;
    let labels: Vec<usize> = all.labels.iter().map(|&l| l as usize).collect();
    let summary = GraphSummary::of(&labels, &found);
    eprintln!(
        "{} rows of {} features, embedded to {dim} in {embedded:.3} s, {} edges in {joined:.3} s",
        all.len(),
        all.dim,
        summary.edges
    );
    if let Some(problem) = size_problem(&summary, built.edges) {
        eprintln!("the graph cannot train: {problem}");
    }
    if let Some(path) = &args.out {
        // The edges found above, not built again.
        let graph = assemble(all, &train.labels, built, found)?.graph.to_graph();
        nsl::graph::io::write_graph(&graph, path)?;
        eprintln!("→ {}", path.display());
    }
    let out = json!({
        "experiment": spec.name,
        "rows": summary.nodes,
        "edges": summary.edges,
        "isolated": summary.isolated,
        "homophily": summary.homophily,
        "mean_degree": summary.mean_degree(),
        "fingerprint": format!("{:016x}", summary.fingerprint),
        "embed_seconds": embedded,
        "edges_seconds": joined,
    });
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}
