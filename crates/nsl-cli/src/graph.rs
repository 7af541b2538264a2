//! The graph commands: `build-graph`, `pack-nbrs`, `sample`, `convert`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use nsl::graph::Graph;
use nsl::graph::build::{self, BuildProgress, GraphBuilderConfig};
use nsl::graph::io::{self, Limits};
use nsl::graph::pack::{PackConfig, pack_by_id};
use nsl::graph::sample::{Sampler, SamplingSpec, SamplingStrategy};
use nsl::graph::typed::{FEATURES, LABEL, NodeSet};
use serde_json::{Map, Value, json};

use crate::progress::work_bar;

/// Arguments of `nsl build-graph`.
#[derive(Debug, clap::Args)]
pub struct BuildGraphArgs {
    /// Embeddings as TSV lines `id<TAB>x1<TAB>x2…`.
    embeddings: PathBuf,
    /// Output graph TSV (each edge in both directions, as NSL writes it).
    out: PathBuf,
    /// Smallest cosine similarity that makes an edge.
    #[arg(long, default_value_t = 0.8)]
    threshold: f32,
    /// Random hyperplanes per LSH round (0 compares all pairs).
    #[arg(long, default_value_t = 0)]
    lsh_splits: u32,
    /// LSH rounds whose edges are united.
    #[arg(long, default_value_t = 1)]
    lsh_rounds: u32,
    /// Seed of the LSH hyperplanes.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// `nsl build-graph`.
pub fn build_graph(args: &BuildGraphArgs) -> anyhow::Result<ExitCode> {
    let embeddings = io::embeddings::read_path(&args.embeddings, &Limits::default())?;
    let config = GraphBuilderConfig {
        similarity_threshold: args.threshold,
        lsh_splits: args.lsh_splits,
        lsh_rounds: args.lsh_rounds,
        random_seed: args.seed,
    };
    let bar = work_bar("comparing", 0);
    let start = Instant::now();
    let edges = build::build_graph(&embeddings, &config, &|p: BuildProgress| {
        if p.done == 0 {
            bar.set_length(p.tiles as u64);
            bar.set_position(0);
            bar.set_message(format!("round {}/{}", p.round + 1, p.rounds));
        } else {
            bar.inc(1);
        }
    })?;
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    let (count, dim) = (embeddings.len(), embeddings.dim);
    let ids = NodeSet::with_ids(embeddings.ids);
    let graph = Graph::homogeneous(ids, &build::both_directions(&edges));
    io::write_graph(&graph, &args.out)?;
    eprintln!(
        "{count} embeddings of width {dim}: {} edges (each written both ways) in {seconds:.2} s → {}",
        edges.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `nsl pack-nbrs`.
#[derive(Debug, clap::Args)]
pub struct PackArgs {
    /// Labeled examples: any graph file whose nodes are the examples (ids, features, labels).
    labeled: PathBuf,
    /// Unlabeled examples in the same form, or `-` for none.
    unlabeled: String,
    /// The graph (any format; usually an NSL graph TSV).
    graph: PathBuf,
    /// Output: one JSON object per labeled example with `NL_nbr_<i>_*` fields, as NSL names them.
    out: PathBuf,
    /// Most neighbors per example (all when absent).
    #[arg(long)]
    max_nbrs: Option<usize>,
    /// Treat every edge as bi-directional (the larger weight wins).
    #[arg(long)]
    add_undirected_edges: bool,
}

/// One example's fields as NSL's packed `tf.train.Example` would hold them.
fn example_fields(nodes: &NodeSet, i: usize, prefix: &str, out: &mut Map<String, Value>) {
    out.insert(format!("{prefix}id"), json!(nodes.id(i)));
    if let Some((dim, values)) = nodes.dense(FEATURES) {
        out.insert(format!("{prefix}features"), json!(&values[i * dim..(i + 1) * dim]));
    }
    if let Some((classes, labels)) = nodes.labels(LABEL) {
        let label = labels[i].map(|c| classes.get(c as usize).cloned().unwrap_or_else(|| c.to_string()));
        out.insert(format!("{prefix}label"), json!(label));
    }
}

fn examples(path: &Path) -> anyhow::Result<NodeSet> {
    let graph = io::read_graph(path, &Limits::default())?;
    let (_, nodes) = graph.single_node_set().with_context(|| format!("{}", path.display()))?;
    Ok(nodes.clone())
}

/// `nsl pack-nbrs`.
pub fn pack_nbrs(args: &PackArgs) -> anyhow::Result<ExitCode> {
    let labeled = examples(&args.labeled)?;
    let unlabeled = match args.unlabeled.as_str() {
        "-" | "" => NodeSet::default(),
        path => examples(Path::new(path))?,
    };
    let graph = io::read_graph(&args.graph, &Limits::default())?;
    let Some((_, edges)) = graph.single_edge_set()? else {
        bail!("{}: the graph has no edges", args.graph.display())
    };
    let graph_nodes = graph.node_set(&edges.source)?;
    if edges.source != edges.target {
        bail!("{}: pack-nbrs needs a graph whose edges stay in one node set", args.graph.display());
    }
    let ids = |n: &NodeSet| (0..n.size).map(|i| n.id(i).into_owned()).collect::<Vec<_>>();
    let triples: Vec<(u32, u32, f32)> = edges.triples().collect();
    let config = PackConfig { max_nbrs: args.max_nbrs, add_undirected_edges: args.add_undirected_edges };
    let (pool, packed) = pack_by_id(&ids(&labeled), &ids(&unlabeled), &ids(graph_nodes), &triples, &config);
    // Pool index -> (examples, row): labeled first, then unlabeled, as pack_by_id built the pool.
    let locate = |p: u32| {
        let p = p as usize;
        if p < labeled.size { (&labeled, p) } else { (&unlabeled, p - labeled.size) }
    };
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?,
    );
    for (row, list) in packed.neighbors.iter().enumerate() {
        let mut fields = Map::new();
        example_fields(&labeled, row, "", &mut fields);
        fields.insert("NL_num_nbrs".into(), json!(list.len()));
        for (k, &(n, w)) in list.iter().enumerate() {
            let prefix = format!("NL_nbr_{k}_");
            let (set, i) = locate(n);
            debug_assert_eq!(pool[n as usize], set.id(i));
            example_fields(set, i, &prefix, &mut fields);
            fields.insert(format!("{prefix}weight"), json!(w));
        }
        writeln!(out, "{}", Value::Object(fields))?;
    }
    out.flush()?;
    eprintln!(
        "{} labeled examples packed → {}; out-degree histogram (neighbors, examples): {:?}",
        packed.seeds.len(),
        args.out.display(),
        packed.degree_histogram()
    );
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `nsl sample`.
#[derive(Debug, clap::Args)]
pub struct SampleArgs {
    /// The graph (any format).
    graph: PathBuf,
    /// A sampling spec (JSON, TF-GNN field names); default: `--hops` over the graph's one edge set.
    #[arg(long, conflicts_with = "hops")]
    spec: Option<PathBuf>,
    /// Sample sizes per hop, e.g. 10,10.
    #[arg(long, value_delimiter = ',', default_value = "10,10")]
    hops: Vec<usize>,
    /// Strategy of every hop of `--hops`.
    #[arg(long, value_enum, default_value_t = StrategyArg::Random)]
    strategy: StrategyArg,
    /// Seed node ids, comma-separated.
    #[arg(long, value_delimiter = ',', conflicts_with = "random_seeds")]
    seeds: Vec<String>,
    /// Sample this many seed nodes at random instead.
    #[arg(long)]
    random_seeds: Option<usize>,
    /// Seed of the sampler's random choices.
    #[arg(long, default_value_t = 0)]
    rng_seed: u64,
    /// Write the subgraphs here, one graph JSON document a line.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the sampling spec (JSON) and exit.
    #[arg(long)]
    print_spec: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum StrategyArg {
    /// Uniformly at random without replacement.
    Random,
    /// The heaviest edges.
    TopK,
}

/// `nsl sample`.
pub fn sample(args: &SampleArgs) -> anyhow::Result<ExitCode> {
    let graph = io::read_graph(&args.graph, &Limits::default())?;
    let spec = match &args.spec {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| format!("{}: not a sampling spec", path.display()))?
        }
        None => {
            let Some((edge_name, edges)) = graph.single_edge_set()? else {
                bail!("{}: the graph has no edges to sample", args.graph.display())
            };
            let strategy = match args.strategy {
                StrategyArg::Random => SamplingStrategy::RandomUniform,
                StrategyArg::TopK => SamplingStrategy::TopK,
            };
            SamplingSpec::hops(&edges.source, edge_name, &args.hops, strategy)
        }
    };
    if args.print_spec {
        println!("{}", serde_json::to_string_pretty(&spec)?);
        return Ok(ExitCode::SUCCESS);
    }
    let sampler = Sampler::new(&graph, &spec, args.rng_seed)?;
    let seed_set = graph.node_set(&spec.seed_op.node_set_name)?;
    let seeds: Vec<u32> = match args.random_seeds {
        Some(count) => {
            use nsl::graph::rng::seeded;
            use rand::seq::index::sample;
            let mut rng = seeded(args.rng_seed);
            sample(&mut rng, seed_set.size, count.min(seed_set.size)).into_iter().map(|i| i as u32).collect()
        }
        None if args.seeds.is_empty() => bail!("give --seeds ID,ID… or --random-seeds N"),
        None => {
            let index: std::collections::HashMap<String, u32> =
                (0..seed_set.size).map(|i| (seed_set.id(i).into_owned(), i as u32)).collect();
            args.seeds
                .iter()
                .map(|id| index.get(id).copied().with_context(|| format!("no node with id {id:?}")))
                .collect::<anyhow::Result<_>>()?
        }
    };
    let start = Instant::now();
    let subgraphs = sampler.sample(&seeds)?;
    let seconds = start.elapsed().as_secs_f64();
    let nodes: usize =
        subgraphs.iter().map(|s| s.node_sets.iter().map(|n| n.nodes.len()).sum::<usize>()).sum();
    let edges: usize =
        subgraphs.iter().map(|s| s.edge_sets.iter().map(|e| e.edges.len()).sum::<usize>()).sum();
    eprintln!(
        "{} subgraphs, {:.1} nodes and {:.1} edges on average, sampled in {:.2} ms",
        subgraphs.len(),
        nodes as f64 / subgraphs.len().max(1) as f64,
        edges as f64 / subgraphs.len().max(1) as f64,
        seconds * 1e3
    );
    match &args.out {
        Some(path) => {
            let mut out = std::io::BufWriter::new(
                std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
            );
            for sub in &subgraphs {
                writeln!(out, "{}", io::json::to_string(&sampler.to_graph(&graph, sub)))?;
            }
            out.flush()?;
        }
        None => {
            for sub in &subgraphs {
                let hops: Vec<(String, Vec<u32>)> = sampler
                    .node_set_names()
                    .iter()
                    .zip(&sub.node_sets)
                    .map(|(name, n)| (name.clone(), n.hops.clone()))
                    .collect();
                let ids: Vec<String> = sub
                    .node_sets
                    .iter()
                    .zip(sampler.node_set_names())
                    .flat_map(|(n, name)| {
                        let set = &graph.node_sets[name];
                        n.nodes.iter().map(|&i| set.id(i as usize).into_owned()).collect::<Vec<_>>()
                    })
                    .collect();
                println!("{}", json!({ "seed": seed_set.id(sub.seed as usize), "nodes": ids, "hops": hops }));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `nsl convert IN OUT`.
pub fn convert(input: &Path, output: &Path) -> anyhow::Result<ExitCode> {
    let format = io::Format::of(output)?;
    let graph = io::read_graph(input, &Limits::default())?;
    let dropped = io::dropped_by(format, &graph);
    if !dropped.is_empty() {
        eprintln!("note: {format:?} cannot hold {}; they are left out", dropped.join(", "));
    }
    io::write_graph(&graph, output)?;
    let nodes: usize = graph.node_sets.values().map(|n| n.size).sum();
    let edges: usize = graph.edge_sets.values().map(|e| e.len()).sum();
    eprintln!("{} → {} ({nodes} nodes, {edges} edges)", input.display(), output.display());
    Ok(ExitCode::SUCCESS)
}
