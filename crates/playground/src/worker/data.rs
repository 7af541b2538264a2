//! The data of a setup as the worker trains on it and as the page draws it.

use nsl::data::TrainingData;
use nsl::data::load::{graph_data, load_data, load_graph, mnist_data};
use nsl::data::planetoid::Planetoid;
use nsl::data::synthesized::{BuildCache, OnBuildStep, synthesize_reusing};
use nsl::data::{Examples, mnist::PIXELS};
use nsl::graph::Graph;
use nsl::spec::GraphSource;
use nsl::spec::{DataSpec, ExperimentSpec};

use crate::graph_view::edges_once;
use crate::presets::CLASS_NAMES;
use crate::presets::{CORA_DIR, is_bundled_cora};
use crate::protocol::{BuiltGraph, DataView, SmallGraph};
use crate::typed_view::TypedView;
use nsl::graph::layout::{LayoutConfig, force_layout, refine_layout};

/// Digits shown with their predictions.
pub const SHOWN_DIGITS: usize = 8;

/// The bundled MNIST subset (see `assets/mnist/README.md`), relative to the assets URL.
pub const MNIST_IMAGES: &str = "mnist/images-1500.u8";
/// Its labels.
pub const MNIST_LABELS: &str = "mnist/labels-1500.u8";
/// Bundled Planetoid Cora (see `assets/cora/README.md`), relative to the assets URL.
pub const CORA: &str = "cora/cora.nslg";

/// The data bundled with the page, fetched by the runtime when a setup first needs it, and
/// what the last graph built from rows leaves for the next (a moving threshold reuses it).
#[derive(Debug, Default)]
pub struct Bundled {
    /// The 1,500 digits.
    pub digits: Option<Examples>,
    /// Cora.
    pub cora: Option<Planetoid>,
    /// The embedding and similar pairs of the last graph built from rows.
    pub built: BuildCache,
    /// The layout of the last graph built from rows that are laid out by their edges, with
    /// those rows: the next graph of the same rows starts from it.
    pub built_layout: Option<(DataSpec, Vec<[f32; 2]>)>,
}

/// What of the bundled data `spec` needs: (the digits, Cora).
pub fn needs(spec: &ExperimentSpec) -> (bool, bool) {
    let rows = crate::edit::rows_of(&spec.data);
    (
        matches!(rows, DataSpec::Mnist { .. }),
        matches!(rows, DataSpec::Planetoid { dir, .. } if is_bundled_cora(dir)),
    )
}

/// Whether `spec` trains on the graph opened in the explorer (read from the learner's files).
pub fn reads_opened_graph(spec: &ExperimentSpec) -> bool {
    matches!(crate::edit::rows_of(&spec.data), DataSpec::Graph { graph: GraphSource::Loaded(_) })
}

/// Training data, what to draw, and class names.
#[derive(Debug)]
pub struct Loaded {
    /// The rows MLP sessions train on (`None` for a GNN, which loads the graph itself).
    pub data: Option<TrainingData>,
    /// What the page draws.
    pub view: DataView,
    /// Class names.
    pub class_names: Vec<String>,
    /// The graph, for sessions that train over all of it (read once for every model).
    pub graph: Option<Planetoid>,
    /// A graph built from the rows: its figures and build time.
    pub built: Option<Box<BuiltGraph>>,
}

/// `graph` as the page draws a heterogeneous graph, laid out from `seed` by all its edges;
/// `labeled` names the node set whose labels are shown (else the first with labels).
pub fn typed_layout(graph: &Graph, labeled: Option<&str>, seed: u64) -> TypedView {
    let unplaced = TypedView::with_positions(graph, labeled, Vec::new());
    let positions = graph_layout(unplaced.nodes(), &unplaced.edges_once(), seed);
    TypedView { positions, ..unplaced }
}

/// A force-directed layout (Barnes–Hut) of a graph for drawing. Large graphs are often
/// disconnected (Cora has 78 components): gravity keeps their small components from shrinking
/// the big one; small graphs keep their clusters apart without it.
pub fn graph_layout(nodes: usize, edges: &[[u32; 2]], seed: u64) -> Vec<[f32; 2]> {
    force_layout(nodes, edges, &layout_config(nodes, seed))
}

/// The test graphs of `set`, each laid out on its own (the order of the model's test
/// predictions).
fn test_graphs(set: &nsl::graph::datasets::motifs::GraphSet, seed: u64) -> Vec<SmallGraph> {
    use nsl::graph::typed::{EDGES, NODES, SplitKind};
    set.indices(SplitKind::Test)
        .into_iter()
        .map(|g| {
            let graph = &set.graphs[g as usize];
            let nodes = graph.node_sets.get(NODES).map_or(0, |n| n.size);
            let edges = graph.edge_sets.get(EDGES).map_or_else(Vec::new, |e| {
                edges_once(e.sources.iter().zip(&e.targets).map(|(&a, &b)| (a as usize, b as usize)))
            });
            SmallGraph {
                positions: force_layout(nodes, &edges, &layout_config(nodes, seed)),
                edges,
                label: set.labels[g as usize],
            }
        })
        .collect()
}

fn layout_config(nodes: usize, seed: u64) -> LayoutConfig {
    let gravity = if nodes > 500 { 4.0 } else { 0.0 };
    LayoutConfig { seed, gravity, ..LayoutConfig::default() }
}

/// Iterations that move a built graph's last layout to its new edges (a third of a fresh one's).
const REFINE_ITERATIONS: usize = 100;

/// The layout of a graph of `nodes` built from `rows`: the last one of the same rows moved to
/// the new edges when there is one (a moved slider reshapes the picture instead of scattering
/// it), else a fresh one; kept for the next.
fn built_layout(
    kept: &mut Option<(DataSpec, Vec<[f32; 2]>)>,
    rows: &DataSpec,
    nodes: usize,
    edges: &[[u32; 2]],
    seed: u64,
) -> Vec<[f32; 2]> {
    let positions = match kept.take() {
        Some((same, previous)) if same == *rows && previous.len() == nodes => {
            let config = LayoutConfig { iterations: REFINE_ITERATIONS, ..layout_config(nodes, seed) };
            refine_layout(&previous, edges, &config)
        }
        _ => graph_layout(nodes, edges, seed),
    };
    *kept = Some((rows.clone(), positions.clone()));
    positions
}

/// Fetches what of the bundled data `spec` needs and `bundled` lacks, from under `assets`.
///
/// # Errors
/// What failed to fetch or decode, with its URL.
pub async fn fetch_bundled(spec: &ExperimentSpec, assets: &str, bundled: &mut Bundled) -> Result<(), String> {
    let (digits, cora) = needs(spec);
    if digits && bundled.digits.is_none() {
        let images = fetch_bytes(&format!("{assets}{MNIST_IMAGES}")).await?;
        let labels = fetch_bytes(&format!("{assets}{MNIST_LABELS}")).await?;
        let decoded =
            nsl::graph::io::mnist::decode(MNIST_IMAGES, &images, &labels).map_err(|e| e.to_string())?;
        bundled.digits = Some(nsl::data::mnist::from_digits(decoded));
    }
    if cora && bundled.cora.is_none() {
        let bytes = fetch_bytes(&format!("{assets}{CORA}")).await?;
        let limits = nsl::graph::io::Limits::default();
        let graph = nsl::graph::io::compact::decode(CORA, &bytes, &limits).map_err(|e| e.to_string())?;
        bundled.cora = Some(Planetoid::from_graph(graph).map_err(|e| e.to_string())?);
    }
    Ok(())
}

/// The bytes at `url` (same origin), fetched from a worker.
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    use wasm_bindgen::JsCast;
    let failed = |e: wasm_bindgen::JsValue| format!("{url}: {e:?}");
    let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(global.fetch_with_str(url))
        .await
        .map_err(failed)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().map_err(failed)?)
        .await
        .map_err(failed)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Loads `spec`'s data; MNIST and Cora come from `bundled` (fetched by the runtime), a graph
/// read from files from `files` (the explorer's graph and its name). A graph built from rows
/// tells `on_step` how its build goes.
pub fn load(
    spec: &ExperimentSpec,
    bundled: &mut Bundled,
    files: Option<(&str, &Graph)>,
    on_step: OnBuildStep,
) -> nsl::Result<Loaded> {
    load_as(spec, bundled, files, on_step, true)
}

/// [`load`] for training only, as the twin loads it: the same rows and graph, no layout of
/// what the page draws (Cora's alone is over a second of a core the trainer needs then).
pub fn load_for_training(
    spec: &ExperimentSpec,
    bundled: &mut Bundled,
    files: Option<(&str, &Graph)>,
) -> nsl::Result<Loaded> {
    load_as(spec, bundled, files, &|_| {}, false)
}

/// [`load`], laying out what the page draws only if `drawn`.
fn load_as(
    spec: &ExperimentSpec,
    bundled: &mut Bundled,
    files: Option<(&str, &Graph)>,
    on_step: OnBuildStep,
    drawn: bool,
) -> nsl::Result<Loaded> {
    let digits = bundled.digits.as_ref();
    match &spec.data {
        DataSpec::Toy(_) | DataSpec::Points(_) => {
            let data = load_data(spec)?;
            let rows =
                |e: &Examples| (0..e.len()).map(|i| [e.row(i)[0], e.row(i)[1], e.labels[i] as f32]).collect();
            let view = DataView::Points { train: rows(&data.train), test: rows(&data.test) };
            Ok(Loaded {
                view,
                class_names: CLASS_NAMES[..data.train.classes].iter().map(|n| n.to_string()).collect(),
                data: Some(data),
                graph: None,
                built: None,
            })
        }
        DataSpec::Mnist { train, test, .. } => {
            let data = bundled_digits(digits, *train, *test)?;
            let shown = SHOWN_DIGITS.min(data.test.len());
            let images = grey_bytes(&data.test.features[..shown * PIXELS]);
            Ok(Loaded {
                view: DataView::Digits { images },
                class_names: (0..10).map(|d| d.to_string()).collect(),
                data: Some(data),
                graph: None,
                built: None,
            })
        }
        DataSpec::Graph { graph: source } => {
            let (graph, undirected) = match source {
                GraphSource::Loaded(wanted) => (opened_table(wanted, files)?, true),
                _ => load_graph(&spec.data)?,
            };
            let edges = edges_once(graph.edges.iter().map(|&(a, b, _)| (a, b)));
            // A drawing keeps its own layout and its unlabeled nodes; other graphs are laid out
            // here and know every node's class.
            let layout = match &spec.data {
                DataSpec::Graph { graph: GraphSource::Drawn(drawn) } => Some((
                    drawn.nodes.iter().map(|n| [n.x, n.y]).collect(),
                    drawn.nodes.iter().map(|n| n.class).collect(),
                )),
                _ => None,
            };
            let layout = if drawn { layout } else { unplaced() };
            graph_loaded(spec, graph, undirected, edges, layout, source.name())
        }
        DataSpec::Planetoid { dir, .. } => {
            let graph = bundled_cora(bundled, dir)?.clone();
            let edges = edges_once(graph.edges.iter().map(|&(a, b, _)| (a, b)));
            graph_loaded(spec, graph, true, edges, if drawn { None } else { unplaced() }, "cora")
        }
        DataSpec::Synthesized(built) => {
            // A node table's rows keep its class names (not class numbers) for the legend; the
            // table is read once.
            let ((train, test), class_names) = match built.rows.as_ref() {
                DataSpec::Mnist { train, test, .. } => {
                    let rows = bundled_digits(digits, *train, *test)?;
                    ((rows.train, rows.test), None)
                }
                DataSpec::Planetoid { dir, .. } => {
                    let table = bundled_cora(bundled, dir)?;
                    (nsl::data::load::node_table_rows(table)?, Some(table.class_names.clone()))
                }
                DataSpec::Graph { graph: GraphSource::Loaded(wanted) } => {
                    let table = opened_table(wanted, files)?;
                    (nsl::data::load::node_table_rows(&table)?, Some(table.class_names))
                }
                rows => (nsl::data::load::rows(rows)?, None),
            };
            let started = web_time::Instant::now();
            let mut made = synthesize_reusing(&train, &test, built, &mut bundled.built, on_step)?;
            if let Some(names) = class_names {
                made.graph.class_names = names;
            }
            let build_ms = started.elapsed().as_secs_f64() * 1000.0;
            let edges: Vec<[u32; 2]> =
                made.graph.edges.iter().map(|&(a, b, _)| [a as u32, b as u32]).collect();
            // Points stay where they are (the graph drawn over the plane); digits are laid out
            // by their edges.
            let positions = if !drawn {
                Vec::new()
            } else if matches!(built.rows.as_ref(), DataSpec::Toy(_)) {
                plane_positions(&made.graph.nodes)
            } else {
                built_layout(&mut bundled.built_layout, &built.rows, made.graph.ids.len(), &edges, spec.seed)
            };
            let layout = Some((positions, made.graph.nodes.labels.iter().map(|&l| Some(l)).collect()));
            // Digits are drawn as themselves: a learner sees which digits an edge joins.
            let digit_pictures = matches!(built.rows.as_ref(), DataSpec::Mnist { .. })
                .then(|| grey_bytes(&made.graph.nodes.features));
            let mut loaded = graph_loaded(spec, made.graph, true, edges, layout, "built graph")?;
            if let (DataView::Graph { pictures, .. }, Some(digits)) = (&mut loaded.view, digit_pictures) {
                *pictures = digits;
            }
            loaded.built = Some(Box::new(BuiltGraph { summary: made.summary, build_ms }));
            Ok(loaded)
        }
        DataSpec::Motifs(motifs) => {
            let set = nsl::graph::datasets::motifs::generate(motifs)
                .map_err(|e| nsl::NslError::Config(e.to_string()))?;
            Ok(Loaded {
                view: DataView::Graphs {
                    graphs: if drawn { test_graphs(&set, spec.seed) } else { Vec::new() },
                },
                class_names: set.classes.clone(),
                data: None,
                graph: None,
                built: None,
            })
        }
        DataSpec::Mag(mag_spec) => {
            let graph = nsl::graph::datasets::mag::generate(mag_spec)
                .map_err(|e| nsl::NslError::Config(e.to_string()))?;
            let classified = match &spec.model {
                nsl::spec::ModelSpec::Hetero { encoder, .. } => encoder.node_set.as_str(),
                _ => nsl::graph::datasets::mag::PAPER,
            };
            let venues = graph.node_set(classified).ok().and_then(|s| s.labels(nsl::graph::typed::LABEL));
            let class_names = venues.map_or_else(Vec::new, |(names, _)| names.to_vec());
            Ok(Loaded {
                view: DataView::Typed(Box::new(if drawn {
                    typed_layout(&graph, Some(classified), spec.seed)
                } else {
                    TypedView::with_positions(&graph, Some(classified), Vec::new())
                })),
                class_names,
                data: None,
                graph: None,
                built: None,
            })
        }
    }
}

/// The graph opened in the explorer (`files`: its name and graph) when it is the one `wanted`
/// names; else why not (the graph source's own message: open the files again).
fn opened_table(wanted: &nsl::spec::LoadedGraph, files: Option<(&str, &Graph)>) -> nsl::Result<Planetoid> {
    match files {
        Some((name, graph))
            if name == wanted.name && graph.single_node_set().is_ok_and(|(_, n)| n.size == wanted.nodes) =>
        {
            Planetoid::from_graph(graph.clone())
        }
        _ => GraphSource::Loaded(wanted.clone()).planetoid(),
    }
}

/// The bundled Cora, which is the only Planetoid directory the browser has.
fn bundled_cora<'a>(bundled: &'a Bundled, dir: &std::path::Path) -> nsl::Result<&'a Planetoid> {
    if !is_bundled_cora(dir) {
        return Err(nsl::NslError::Config(format!(
            "{}: the browser cannot read directories; pick a built-in graph (Cora is {CORA_DIR})",
            dir.display()
        )));
    }
    bundled.cora.as_ref().ok_or_else(|| nsl::NslError::Config("Cora is not loaded yet".into()))
}

/// Pixel intensities in [0, 1] as the bytes the page paints.
fn grey_bytes(pixels: &[f32]) -> Vec<u8> {
    pixels.iter().map(|&p| (p * 255.0).round() as u8).collect()
}

/// The first `train` bundled digits to train on and the `test` after them.
fn bundled_digits(digits: Option<&Examples>, train: usize, test: usize) -> nsl::Result<TrainingData> {
    let all = digits.ok_or_else(|| nsl::NslError::Config("the digits are not loaded yet".into()))?;
    mnist_data(all.clone(), train, test, MNIST_IMAGES)
}

/// Where each node is drawn and its class (`None`: unlabeled), when the data says so.
type Layout = (Vec<[f32; 2]>, Vec<Option<u32>>);

/// A graph's setup: what the page draws (the given layout and labels, or a force layout with
/// every node's class), and the rows or the whole graph the models train on.
fn graph_loaded(
    spec: &ExperimentSpec,
    graph: Planetoid,
    undirected: bool,
    edges: Vec<[u32; 2]>,
    layout: Option<Layout>,
    name: &str,
) -> nsl::Result<Loaded> {
    let train = graph.split.iter().map(|&s| s == nsl::data::planetoid::SplitKind::Train).collect();
    let (positions, labels) = layout.unwrap_or_else(|| {
        (
            graph_layout(graph.ids.len(), &edges, spec.seed),
            graph.nodes.labels.iter().map(|&l| Some(l)).collect(),
        )
    });
    let view = DataView::Graph { positions, edges, labels, train, pictures: Vec::new() };
    let class_names = graph.class_names.clone();
    // Minibatch MLPs train on rows made from the graph; full-batch sessions take the graph
    // itself (moved, not copied: Cora's features are 15 MB).
    let (data, graph) = if spec.plan().reads_whole_graph() {
        (None, Some(graph))
    } else {
        (Some(graph_data(graph, spec, undirected, name)?), None)
    };
    Ok(Loaded { view, class_names, data, graph, built: None })
}

/// No layout, for a graph nothing draws (`None` would have [`graph_loaded`] lay it out).
fn unplaced() -> Option<Layout> {
    Some((Vec::new(), Vec::new()))
}

/// 2D points scaled into the unit square (one scale for both axes, so shapes keep their
/// proportions), y up as the plane's heatmap draws it.
fn plane_positions(rows: &Examples) -> Vec<[f32; 2]> {
    let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
    for i in 0..rows.len() {
        for d in 0..2 {
            lo[d] = lo[d].min(rows.row(i)[d]);
            hi[d] = hi[d].max(rows.row(i)[d]);
        }
    }
    let span = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-6);
    let pad = [(span - (hi[0] - lo[0])) / 2.0, (span - (hi[1] - lo[1])) / 2.0];
    (0..rows.len())
        .map(|i| {
            let p = rows.row(i);
            [0.05 + 0.9 * (p[0] - lo[0] + pad[0]) / span, 0.95 - 0.9 * (p[1] - lo[1] + pad[1]) / span]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The twin's loading gives the sessions what the trainer's does — the same rows, graph
    /// and classes — without laying anything out.
    #[test]
    fn loading_for_training_only_gives_the_same_data_undrawn() {
        use crate::presets::{FAMILIES, Family, preset};
        let bundled_free = FAMILIES.iter().filter(|(f, _)| !matches!(f, Family::Digits | Family::Cora));
        for (family, _) in bundled_free {
            let spec = preset(*family, 0);
            let drawn = load(&spec, &mut Bundled::default(), None, &|_| {}).unwrap();
            let trained = load_for_training(&spec, &mut Bundled::default(), None).unwrap();
            assert_eq!(format!("{:?}", trained.data), format!("{:?}", drawn.data), "{family:?}");
            assert_eq!(format!("{:?}", trained.graph), format!("{:?}", drawn.graph), "{family:?}");
            assert_eq!(trained.class_names, drawn.class_names, "{family:?}");
            let laid_out = |view: &DataView| match view {
                DataView::Graph { positions, .. } => !positions.is_empty(),
                DataView::Graphs { graphs } => !graphs.is_empty(),
                DataView::Typed(typed) => !typed.positions.is_empty(),
                DataView::Points { .. } | DataView::Digits { .. } => false,
            };
            assert!(!laid_out(&trained.view), "{family:?}: nothing laid out for the twin");
            if matches!(family, Family::Karate | Family::Citation | Family::Motifs | Family::Mag) {
                assert!(laid_out(&drawn.view), "{family:?}: laid out for the page");
            }
        }
    }

    #[test]
    fn a_graph_opened_in_the_explorer_is_a_node_table_to_build_from() {
        // The synthetic citation network as if read from files named "papers".
        let table = GraphSource::Citation(nsl::graph::datasets::sbm::SbmSpec::default()).planetoid().unwrap();
        let opened = nsl::spec::LoadedGraph {
            name: "papers".into(),
            nodes: table.ids.len(),
            edges: table.edges.len(),
        };
        let mut spec = crate::presets::loaded_graph(opened.clone(), 0);
        spec.data = DataSpec::Synthesized(nsl::spec::SynthesizedSpec {
            rows: Box::new(DataSpec::Graph { graph: GraphSource::Loaded(opened) }),
            embedding: nsl::spec::EmbeddingSpec::Raw,
            edges: nsl::spec::EdgeRule::Knn { k: 3 },
            labels_per_class: Some(2),
            seed: 0,
        });
        let files = table.to_graph();
        let loaded = load(&spec, &mut Bundled::default(), Some(("papers", &files)), &|_| {}).unwrap();
        assert_eq!(loaded.class_names, table.class_names, "the table's class names");
        let DataView::Graph { positions, train, .. } = &loaded.view else { panic!("a graph") };
        assert_eq!(positions.len(), table.ids.len());
        assert_eq!(train.iter().filter(|&&t| t).count(), 2 * table.class_names.len(), "2 labels a class");
        let missing = load(&spec, &mut Bundled::default(), None, &|_| {}).unwrap_err().to_string();
        assert!(missing.contains("open those files again"), "{missing}");
    }

    #[test]
    fn a_rebuilt_graph_of_the_same_rows_keeps_its_layout() {
        let rows = DataSpec::Mnist { dir: "assets/mnist".into(), train: 40, test: 0 };
        // Two rings of 20; the second graph adds chords, the third is of other rows.
        let ring = |o: u32| (0..20).map(move |i| [o + i, o + (i + 1) % 20]);
        let edges: Vec<[u32; 2]> = ring(0).chain(ring(20)).collect();
        let mut kept = None;
        let first = built_layout(&mut kept, &rows, 40, &edges, 0);
        assert_eq!(first, graph_layout(40, &edges, 0), "nothing kept: a fresh layout");
        let chords: Vec<[u32; 2]> = edges.iter().copied().chain((0..10).map(|i| [i, i + 10])).collect();
        let second = built_layout(&mut kept, &rows, 40, &chords, 0);
        let shift = |a: &[[f32; 2]], b: &[[f32; 2]]| {
            a.iter().zip(b).map(|(p, q)| (p[0] - q[0]).hypot(p[1] - q[1])).sum::<f32>() / a.len() as f32
        };
        let fresh = graph_layout(40, &chords, 0);
        assert!(
            shift(&first, &second) < shift(&first, &fresh),
            "refined from the last layout, the nodes move less than in a fresh one: {} vs {}",
            shift(&first, &second),
            shift(&first, &fresh)
        );
        let other = DataSpec::Mnist { dir: "assets/mnist".into(), train: 30, test: 10 };
        assert_eq!(built_layout(&mut kept, &other, 40, &chords, 0), fresh, "other rows: laid out anew");
    }

    #[test]
    fn a_heterogeneous_graph_is_laid_out_whole() {
        use nsl::graph::datasets::mag::{self, MagSpec};
        let small = MagSpec { papers: 40, authors: 20, institutions: 4, fields: 6, ..MagSpec::playground() };
        let view = typed_layout(&mag::generate(&small).unwrap(), Some(mag::PAPER), 0);
        assert_eq!(view.positions.len(), 40 + 20 + 4 + 6);
        assert!(view.positions.iter().all(|p| (0.0..=1.0).contains(&p[0]) && (0.0..=1.0).contains(&p[1])));
    }

    #[test]
    fn each_family_has_a_view() {
        let toy = nsl::spec::builtin::builtin("moons-adv", None, 0).unwrap();
        let loaded = load(&toy, &mut Bundled::default(), None, &|_| {}).unwrap();
        let DataView::Points { train, test } = &loaded.view else { panic!("points") };
        let rows = loaded.data.as_ref().unwrap();
        assert_eq!((train.len(), test.len()), (rows.train.len(), rows.test.len()));

        let mut club = toy.clone();
        club.data = DataSpec::Graph { graph: GraphSource::Karate };
        let loaded = load(&club, &mut Bundled::default(), None, &|_| {}).unwrap();
        let DataView::Graph { positions, edges, train, .. } = &loaded.view else { panic!("graph") };
        assert_eq!((positions.len(), edges.len()), (34, 78));
        assert_eq!(
            edges_once([(2, 1), (1, 2), (0, 3), (4, 4)]),
            vec![[0, 3], [1, 2]],
            "one way or both, once"
        );
        assert!(
            loaded.graph.is_none() && loaded.data.is_some(),
            "an MLP trains on rows, the graph is not kept"
        );
        assert_eq!(train.iter().filter(|&&t| t).count(), 2);
        assert_eq!(loaded.class_names, vec!["Mr. Hi", "Officer"]);

        let mut drawing = club.clone();
        drawing.data = DataSpec::Graph { graph: GraphSource::Drawn(crate::presets::starter_drawing()) };
        let loaded = load(&drawing, &mut Bundled::default(), None, &|_| {}).unwrap();
        let DataView::Graph { positions, labels, edges, .. } = &loaded.view else { panic!("graph") };
        assert_eq!((positions[0], labels[0], labels[1], edges.len()), ([0.15, 0.35], Some(0), None, 11));

        let mut digits = toy;
        digits.data = DataSpec::Mnist { dir: "assets/mnist".into(), train: 3, test: 2 };
        assert!(
            load(&digits, &mut Bundled::default(), None, &|_| {}).is_err(),
            "MNIST needs the fetched bytes"
        );
        let bytes = nsl::graph::io::mnist::decode("m", &vec![255u8; PIXELS * 5], &[1, 2, 3, 4, 5]).unwrap();
        let all = nsl::data::mnist::from_digits(bytes);
        let mut bundled = Bundled { digits: Some(all), ..Bundled::default() };
        let loaded = load(&digits, &mut bundled, None, &|_| {}).unwrap();
        let DataView::Digits { images } = &loaded.view else { panic!("digits") };
        assert_eq!((images.len(), images[0]), (2 * PIXELS, 255));
        assert_eq!(loaded.data.unwrap().test.labels, vec![4, 5]);
    }
}
