//! Exports of an experiment for other tools: an equivalent Python script that reruns it with
//! TensorFlow NSL 1.4 (Keras), and the 2D data sets as CSV for that script to read.
//!
//! The script covers what TensorFlow NSL's Keras API expresses: MLPs with graph
//! (`nsl.keras.GraphRegularization`) and adversarial (`nsl.keras.AdversarialRegularization`)
//! regularization on MNIST bytes, Planetoid files or exported 2D sets. VAT, Neural Graph
//! Machines and GNNs have no Keras wrapper in TensorFlow NSL, so they are refused with a reason.

use std::fmt::Write;

use crate::config::{DistanceType, NormType, TransformType};
use crate::data::Examples;
use crate::error::{NslError, Result};
use crate::spec::{Activation, PlaneFeature};
use crate::spec::{DataSpec, ExperimentSpec, ModelSpec, TaskSpec};

/// An experiment as a program for another tool, with the data files it reads beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// The Python program.
    pub program: String,
    /// `(path relative to the program, bytes)` of every data file it reads.
    pub files: Vec<(String, Vec<u8>)>,
    /// What runs it (for messages and READMEs).
    pub tool: &'static str,
}

/// The export of `spec`: a TensorFlow GNN 1.0 program for typed-graph specs
/// ([`crate::tensorflow_gnn`]), a TensorFlow NSL (Keras) script for the rest.
pub fn export(spec: &ExperimentSpec) -> Result<Export> {
    if spec.data.is_typed_graph() {
        Ok(Export {
            program: crate::tensorflow_gnn::program(spec)?,
            files: crate::tensorflow_gnn::data_files(spec)?,
            tool: "TensorFlow GNN 1.0",
        })
    } else {
        Ok(Export { program: python_script(spec)?, files: data_files(spec)?, tool: "TensorFlow NSL 1.4" })
    }
}

/// File names the script expects beside it for a 2D set.
pub const TOY_FILES: [&str; 2] = ["train.csv", "test.csv"];

/// Directory (beside the script) of an exported built-in graph.
pub const GRAPH_DIR: &str = "graph";

/// The data files the script of `spec` reads beside it: `train.csv`/`test.csv` for a 2D set, a
/// LINQS triple under [`GRAPH_DIR`] for a built-in graph; none for data read from files.
pub fn data_files(spec: &ExperimentSpec) -> Result<Vec<(String, Vec<u8>)>> {
    match &spec.data {
        DataSpec::Toy(_) | DataSpec::Points(_) => {
            let (train, test) = crate::data::load::rows(&spec.data)?;
            Ok(TOY_FILES
                .iter()
                .map(|f| f.to_string())
                .zip([toy_csv(&train), toy_csv(&test)].map(String::into_bytes))
                .collect())
        }
        DataSpec::Graph { .. } | DataSpec::Synthesized(_) => {
            // A built-in graph as it is; a graph built from rows with the edges the spec draws.
            let (typed, name) = match &spec.data {
                DataSpec::Graph { graph } => (graph.graph()?, graph.name()),
                _ => (crate::data::load::load_graph(&spec.data)?.0.to_graph(), "built"),
            };
            let stem = format!("{GRAPH_DIR}/{name}");
            let (mut content, mut cites, mut split) = (Vec::new(), Vec::new(), Vec::new());
            nsl_graph::io::linqs::write(
                &typed,
                ("content", &mut content),
                ("cites", &mut cites),
                Some(("split", &mut split)),
            )
            .map_err(|e| NslError::Config(format!("exporting the graph: {e}")))?;
            Ok(vec![
                (format!("{stem}.content"), content),
                (format!("{stem}.cites"), cites),
                (format!("{stem}.split"), split),
            ])
        }
        DataSpec::Mnist { .. } | DataSpec::Planetoid { .. } => Ok(Vec::new()),
        DataSpec::Mag(_) | DataSpec::Motifs(_) => Err(NslError::Config(
            "typed graphs (MAG-like, motifs) export to TensorFlow GNN, not to TensorFlow NSL's Keras API"
                .into(),
        )),
    }
}

/// A 2D set as CSV with a header `x,y,label`.
pub fn toy_csv(examples: &Examples) -> String {
    let mut out = String::from("x,y,label\n");
    for i in 0..examples.len() {
        let row = examples.row(i);
        let _ = writeln!(out, "{},{},{}", row[0], row[1], examples.labels[i]);
    }
    out
}

fn python_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn python_opt(v: Option<f32>) -> String {
    v.map_or("None".into(), |v| format!("{v:?}"))
}

/// A feature of the plane over a batch `p` of points `[rows, 2]`, in TensorFlow.
fn python_plane_feature(feature: PlaneFeature) -> &'static str {
    match feature {
        PlaneFeature::X1 => "p[:, 0]",
        PlaneFeature::X2 => "p[:, 1]",
        PlaneFeature::X1Squared => "p[:, 0] * p[:, 0]",
        PlaneFeature::X2Squared => "p[:, 1] * p[:, 1]",
        PlaneFeature::X1X2 => "p[:, 0] * p[:, 1]",
        PlaneFeature::SinX1 => "tf.sin(p[:, 0])",
        PlaneFeature::SinX2 => "tf.sin(p[:, 1])",
    }
}

fn norm(n: NormType) -> &'static str {
    match n {
        NormType::Infinity => "infinity",
        NormType::L2 => "l2",
        NormType::L1 => "l1",
    }
}

/// The Python script that reruns `spec` with TensorFlow NSL (Keras).
pub fn python_script(spec: &ExperimentSpec) -> Result<String> {
    spec.validate()?;
    let refuse = |what: &str| {
        Err(NslError::Config(format!("{what} has no TensorFlow NSL Keras equivalent to export")))
    };
    let r = &spec.regularization;
    if r.virtual_adversarial.is_some() {
        return refuse("virtual adversarial training");
    }
    if r.neural_graph_machine.is_some() {
        return refuse("Neural Graph Machines");
    }
    let layers = match &spec.model {
        ModelSpec::Mlp { hidden, activation, dropout, inputs } => {
            let act = match activation {
                Activation::Relu => "relu",
                Activation::Tanh => "tanh",
                Activation::Sigmoid => "sigmoid",
            };
            let first = match inputs {
                None => "inputs".to_string(),
                Some(features) => format!(
                    "tf.keras.layers.Lambda(lambda p: tf.stack([{}], axis=1), name=\"plane_features\")(inputs)",
                    features.iter().map(|f| python_plane_feature(*f)).collect::<Vec<_>>().join(", ")
                ),
            };
            format!(
                r##"    x = {first}
    for width in {hidden:?}:
        x = tf.keras.layers.Dense(width, activation="{act}")(x)
        x = tf.keras.layers.Dropout({dropout:?})(x)"##
            )
        }
        ModelSpec::Cnn { channels, dense, dropout } => format!(
            r##"    side = int(round(x_train.shape[1] ** 0.5))
    x = tf.keras.layers.Reshape((side, side, 1))(inputs)
    for channels in {channels:?}:
        x = tf.keras.layers.Conv2D(channels, 3, padding="same", activation="relu")(x)
        x = tf.keras.layers.MaxPooling2D(2)(x)
    x = tf.keras.layers.Flatten()(x)
    x = tf.keras.layers.Dense({dense}, activation="relu")(x)
    x = tf.keras.layers.Dropout({dropout:?})(x)"##
        ),
        ModelSpec::Gnn { .. } => return refuse("a GNN model"),
        ModelSpec::Hetero { .. } => return refuse("the hetero model (it exports to TensorFlow GNN)"),
    };
    if spec.task != TaskSpec::Classification {
        return refuse("link prediction");
    }
    let mut s = String::new();
    let name = if spec.name.is_empty() { "experiment" } else { &spec.name };
    let _ = writeln!(
        s,
        r##""""{name}: exported from NSL Playground; reruns the experiment with TensorFlow NSL (Keras).

    pip install "tensorflow==2.15.*" "neural-structured-learning==1.4.0" numpy
    python {name}.py
""""##
    );
    s.push_str("import numpy as np\nimport tensorflow as tf\nimport neural_structured_learning as nsl\n\n");
    let _ = writeln!(
        s,
        "SEED = {}\nEPOCHS = {}\nBATCH_SIZE = {}\nLEARNING_RATE = {:?}",
        spec.seed, spec.epochs, spec.optimizer.batch_size, spec.optimizer.learning_rate
    );
    s.push_str("tf.keras.utils.set_random_seed(SEED)\n\n");
    match &spec.data {
        DataSpec::Mnist { dir, train, test } => {
            let _ = writeln!(
                s,
                r##"# MNIST raw bytes: n × 784 grey levels and n labels.
DATA_DIR = {dir:?}
import glob, os
IMAGES = (glob.glob(os.path.join(DATA_DIR, "images-10k.u8")) or glob.glob(os.path.join(DATA_DIR, "images-*.u8")))[0]
images = np.fromfile(IMAGES, dtype=np.uint8).reshape(-1, 784).astype("float32") / 255.0
labels = np.fromfile(IMAGES.replace("images-", "labels-"), dtype=np.uint8).astype("int64")
x_train, y_train = images[:{train}], labels[:{train}]
x_test, y_test = images[{train}:{end}], labels[{train}:{end}]
NUM_CLASSES = 10"##,
                dir = dir.display().to_string(),
                end = train + test
            );
        }
        DataSpec::Toy(_) | DataSpec::Points(_) => {
            let classes = crate::data::load::rows(&spec.data)?.0.classes;
            let _ = writeln!(
                s,
                r##"# The 2D points as the playground has them (exported beside this script).
train = np.loadtxt("train.csv", delimiter=",", skiprows=1, ndmin=2)
test = np.loadtxt("test.csv", delimiter=",", skiprows=1, ndmin=2)
x_train, y_train = train[:, :2].astype("float32"), train[:, 2].astype("int64")
x_test, y_test = test[:, :2].astype("float32"), test[:, 2].astype("int64")
NUM_CLASSES = {classes}"##,
            );
        }
        DataSpec::Planetoid { .. } | DataSpec::Graph { .. } | DataSpec::Synthesized(_) => {
            // A built-in graph is exported beside the script as a LINQS triple (see
            // `data_files`) with its edges already listed in both directions; a graph built
            // from rows lists each edge once.
            let (dir, undirected) = match &spec.data {
                DataSpec::Planetoid { dir, undirected } => (dir.display().to_string(), *undirected),
                DataSpec::Synthesized(_) => (GRAPH_DIR.to_string(), true),
                _ => (GRAPH_DIR.to_string(), false),
            };
            let _ = writeln!(
                s,
                r##"# Planetoid (LINQS layout): NAME.content, NAME.cites, NAME.split.
import glob, os
DATA_DIR = {dir:?}
content = glob.glob(os.path.join(DATA_DIR, "*.content"))[0]
stem = content[: -len(".content")]
rows = [line.rstrip("\n").split("\t") for line in open(content) if line.strip() and not line.startswith("#")]
ids = [r[0] for r in rows]
index = {{node: i for i, node in enumerate(ids)}}
classes = sorted({{r[-1] for r in rows}})
features = np.array([[float(v) for v in r[1:-1]] for r in rows], dtype="float32")
labels = np.array([classes.index(r[-1]) for r in rows], dtype="int64")
split = {{}}
for line in open(stem + ".split"):
    if line.strip() and not line.startswith("#"):
        node, kind = line.split()
        split[index[node]] = kind
train_idx = np.array([i for i in range(len(ids)) if split.get(i) == "train"])
test_idx = np.array([i for i in range(len(ids)) if split.get(i) == "test"])
edges = {{}}
for line in open(stem + ".cites"):
    if line.strip() and not line.startswith("#"):
        f = line.split("\t")
        a, b, w = index[f[0]], index[f[1].strip()], float(f[2]) if len(f) > 2 else 1.0
        pairs = [(a, b), (b, a)] if {undirected} else [(a, b)]
        for s, t in pairs:
            edges.setdefault(s, {{}})[t] = max(w, edges.get(s, {{}}).get(t, w))
x_train, y_train = features[train_idx], labels[train_idx]
x_test, y_test = features[test_idx], labels[test_idx]
NUM_CLASSES = len(classes)"##,
                undirected = python_bool(undirected)
            );
        }
        DataSpec::Mag(_) | DataSpec::Motifs(_) => {
            unreachable!("validated: typed graphs train the hetero model, refused above")
        }
    }
    let _ = writeln!(
        s,
        r##"
def make_model():
    inputs = tf.keras.Input(shape=(x_train.shape[1],), name="feature")
{layers}
    outputs = tf.keras.layers.Dense(NUM_CLASSES)(x)  # logits
    return tf.keras.Model(inputs, outputs)

base = make_model()
train_inputs = {{"feature": x_train, "label": y_train}}
test_inputs = {{"feature": x_test, "label": y_test}}"##
    );
    if let Some(g) = &r.graph {
        let k = g.neighbor_config.max_neighbors;
        let distance = match g.distance_config.distance_type {
            DistanceType::L1 => "l1",
            DistanceType::L2 => "l2",
            DistanceType::Cosine => "cosine",
            DistanceType::JensenShannonDivergence => "jensen_shannon_divergence",
            DistanceType::KlDivergence => "kl_divergence",
        };
        let transform = match g.distance_config.transform_fn {
            TransformType::None => "none",
            TransformType::Softmax => "softmax",
        };
        let _ = writeln!(
            s,
            r##"
# pack_nbrs: each training node's top {k} neighbors by weight (ties: larger id first).
def neighbors(i):
    ranked = sorted(((w, ids[t], t) for t, w in edges.get(i, {{}}).items()), reverse=True)[:{k}]
    return ranked + [(0.0, "", 0)] * ({k} - len(ranked))
for slot in range({k}):
    chosen = [neighbors(i)[slot] for i in train_idx]
    train_inputs["NL_nbr_%d_feature" % slot] = features[[t for _, _, t in chosen]]
    train_inputs["NL_nbr_%d_weight" % slot] = np.array([[w] for w, _, _ in chosen], dtype="float32")
graph_config = nsl.configs.make_graph_reg_config(
    max_neighbors={k},
    multiplier={m:?},
    distance_type="{distance}",
    sum_over_axis={axis},
)
graph_config.distance_config.transform_fn = "{transform}"
model = nsl.keras.GraphRegularization(base, graph_config)"##,
            m = g.multiplier,
            axis = match g.distance_config.sum_over_axis {
                Some(_) => "-1",
                None => "None",
            },
        );
    }
    if let Some(a) = &r.adversarial {
        let c = &a.adv_neighbor_config;
        let wrapped = if r.graph.is_some() { "model" } else { "base" };
        let _ = writeln!(
            s,
            r##"
adv_config = nsl.configs.make_adv_reg_config(
    multiplier={m:?},
    adv_step_size={step:?},
    adv_grad_norm="{norm}",
    clip_value_min={cmin},
    clip_value_max={cmax},
    pgd_iterations={iters},
    pgd_epsilon={eps},
)
model = nsl.keras.AdversarialRegularization({wrapped}, label_keys=["label"], adv_config=adv_config)"##,
            m = a.multiplier,
            step = c.adv_step_size,
            norm = norm(c.adv_grad_norm),
            cmin = python_opt(c.clip_value_min),
            cmax = python_opt(c.clip_value_max),
            iters = c.pgd_iterations,
            eps = python_opt(c.pgd_epsilon),
        );
    }
    if r.is_none() {
        s.push_str("\nmodel = base\n");
    }
    let plain = r.is_none();
    let _ = writeln!(
        s,
        r##"
model.compile(
    optimizer=tf.keras.optimizers.Adam(LEARNING_RATE),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
{fit}
base.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
print("test accuracy:", base.evaluate(x_test, y_test, verbose=0)[1])"##,
        fit = if plain {
            "model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=True)".to_string()
        } else {
            "model.fit(train_inputs, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=True)".to_string()
        }
    );
    if let Some(f) = &spec.evaluation.fgsm {
        let _ = writeln!(
            s,
            r##"
# White-box FGSM on the base model: x + ε·sign(∇ₓ loss), clipped.
x = tf.convert_to_tensor(x_test)
with tf.GradientTape() as tape:
    tape.watch(x)
    loss = tf.keras.losses.sparse_categorical_crossentropy(y_test, base(x), from_logits=True)
x_adv = tf.clip_by_value(x + {eps:?} * tf.sign(tape.gradient(loss, x)), {cmin}, {cmax})
print("FGSM accuracy:", base.evaluate(x_adv, y_test, verbose=0)[1])"##,
            eps = f.epsilon,
            cmin = f.clip_min.map_or("-np.inf".into(), |v| format!("{v:?}")),
            cmax = f.clip_max.map_or("np.inf".into(), |v| format!("{v:?}")),
        );
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::builtin::builtin;

    #[test]
    fn scripts_name_the_nsl_wrappers_and_their_settings() {
        let adv = python_script(&builtin("mnist-adv", None, 3).unwrap()).unwrap();
        assert!(adv.contains("nsl.keras.AdversarialRegularization(base, label_keys=[\"label\"]"), "{adv}");
        assert!(adv.contains("adv_step_size=0.2") && adv.contains("adv_grad_norm=\"infinity\""), "{adv}");
        assert!(adv.contains("SEED = 3") && adv.contains("FGSM accuracy"));
        let graph = python_script(&builtin("cora-graph-reg", None, 0).unwrap()).unwrap();
        assert!(graph.contains("nsl.keras.GraphRegularization(base, graph_config)"), "{graph}");
        assert!(graph.contains("max_neighbors=3") && graph.contains("transform_fn = \"softmax\""), "{graph}");
        assert!(graph.contains("for width in [50, 50]:"));
        let mut cnn = builtin("mnist-adv", None, 0).unwrap();
        cnn.model = ModelSpec::Cnn { channels: vec![8, 16], dense: 64, dropout: 0.25 };
        let cnn = python_script(&cnn).unwrap();
        assert!(cnn.contains("for channels in [8, 16]:") && cnn.contains("MaxPooling2D(2)"), "{cnn}");
        assert!(cnn.contains("Dense(64, activation=\"relu\")") && cnn.contains("Dropout(0.25)"), "{cnn}");
        let gnn = python_script(&builtin("cora-gcn", None, 0).unwrap()).unwrap_err();
        assert!(gnn.to_string().contains("GNN"));
    }

    #[test]
    fn toy_sets_export_as_csv() {
        let ex = Examples { features: vec![0.5, -1.0, 0.25, 2.0], dim: 2, labels: vec![1, 0], classes: 2 };
        assert_eq!(toy_csv(&ex), "x,y,label\n0.5,-1,1\n0.25,2,0\n");
    }
}
