//! `nsl bench-graph`: build_graph (brute force and LSH, with LSH recall against brute force)
//! on 50,000 × 100-d embeddings, and the subgraph sampler on Cora.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use nsl::graph::build::{self, Embeddings, GraphBuilderConfig};
use nsl::graph::datasets::knn::symmetrize;
use nsl::graph::io::{self, Limits};
use nsl::graph::sample::{Sampler, SamplingSpec, SamplingStrategy};
use nsl::graph::typed::{EDGES, NODES};

/// Arguments of `nsl bench-graph`.
#[derive(Debug, clap::Args)]
pub struct BenchGraphArgs {
    /// Embeddings to generate.
    #[arg(long, default_value_t = 50_000)]
    n: usize,
    /// Their width.
    #[arg(long, default_value_t = 100)]
    dim: usize,
    /// Similarity threshold.
    #[arg(long, default_value_t = 0.9)]
    threshold: f32,
    /// LSH hyperplanes per round.
    #[arg(long, default_value_t = 10)]
    lsh_splits: u32,
    /// LSH rounds.
    #[arg(long, default_value_t = 18)]
    lsh_rounds: u32,
    /// Planetoid Cora directory (`cora.content` inside) for the sampler.
    #[arg(long, default_value = "../shared/data/cora")]
    cora_dir: PathBuf,
    /// Seeds per sampled batch.
    #[arg(long, default_value_t = 1024)]
    seeds: usize,
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}

fn build_pair(name: &str, embeddings: &Embeddings, args: &BenchGraphArgs) -> anyhow::Result<()> {
    let brute_config =
        GraphBuilderConfig { similarity_threshold: args.threshold, ..GraphBuilderConfig::default() };
    let lsh_config = GraphBuilderConfig {
        lsh_splits: args.lsh_splits,
        lsh_rounds: args.lsh_rounds,
        random_seed: 1,
        ..brute_config
    };
    let (brute, brute_s) = timed(|| build::build_graph(embeddings, &brute_config, &|_| {}));
    let brute = brute?;
    let (lsh, lsh_s) = timed(|| build::build_graph(embeddings, &lsh_config, &|_| {}));
    let lsh = lsh?;
    println!(
        "{name:22} brute force {brute_s:7.2} s, {:>6} edges | LSH {}×{} {lsh_s:6.2} s, {:>6} edges, recall {:.2}%",
        brute.len(),
        args.lsh_splits,
        args.lsh_rounds,
        lsh.len(),
        100.0 * build::recall(&lsh, &brute)
    );
    Ok(())
}

/// Runs the benchmark and prints one line per measurement.
pub fn run(args: &BenchGraphArgs) -> anyhow::Result<ExitCode> {
    println!(
        "build_graph, {} × {}-d, threshold {} ({} threads); NSL's docstring: brute 27 min 46 s, LSH 10×18 43.6 s at 99.7% recall",
        args.n,
        args.dim,
        args.threshold,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    build_pair("random normal", &build::random_normal_embeddings(args.n, args.dim, 0), args)?;
    build_pair("clustered random normal", &build::clustered_embeddings(args.n, args.dim, 0), args)?;

    let content = args.cora_dir.join("cora.content");
    let mut graph = io::linqs::read_path(&content, &Limits::default())?;
    // Citations are stored once (citing → cited); sample over both directions, as GNNs do.
    let cites = graph.edge_sets.get_mut(EDGES).expect("LINQS graphs have edges");
    let both = symmetrize(&cites.triples().collect::<Vec<_>>());
    *cites = nsl::graph::EdgeSet::from_triples(NODES, NODES, &both);
    let size = graph.node_set(NODES)?.size;
    for strategy in [SamplingStrategy::RandomUniform, SamplingStrategy::TopK] {
        let spec = SamplingSpec::hops(NODES, EDGES, &[10, 10], strategy);
        let seeds: Vec<u32> = (0..args.seeds).map(|i| (i * 7919 % size) as u32).collect();
        let mut times = Vec::new();
        let mut nodes = 0;
        for run in 0..30 {
            let sampler = Sampler::new(&graph, &spec, run)?;
            let (sampled, seconds) = timed(|| sampler.sample(&seeds));
            nodes = sampled?.iter().map(|s| s.node_sets[0].nodes.len()).sum::<usize>();
            times.push(seconds * 1e3);
        }
        times.sort_by(f64::total_cmp);
        let (built, index_s) = timed(|| Sampler::new(&graph, &spec, 0).map(|_| ()));
        built?;
        println!(
            "sampler, Cora ({} directed edges) 2 hops [10, 10] {strategy:?}, {} seeds: median {:.2} ms, best {:.2} ms over 30 batches ({:.1} nodes per subgraph; building the index once: {:.2} ms)",
            both.len(),
            args.seeds,
            times[times.len() / 2],
            times[0],
            nodes as f64 / args.seeds as f64,
            index_s * 1e3
        );
    }
    // The layout a graph editor shows for Cora (each undirected edge once).
    let pairs: Vec<[u32; 2]> = both.iter().filter(|&&(a, b, _)| a < b).map(|&(a, b, _)| [a, b]).collect();
    for (label, theta) in [("Barnes–Hut θ 0.8", 0.8), ("every pair", 0.0)] {
        let config = nsl::graph::layout::LayoutConfig { theta, ..Default::default() };
        let (_, seconds) = timed(|| nsl::graph::layout::force_layout(size, &pairs, &config));
        println!(
            "force layout, Cora ({size} nodes, {} edges), {} iterations, {label}: {seconds:.2} s",
            pairs.len(),
            config.iterations
        );
    }
    Ok(ExitCode::SUCCESS)
}
