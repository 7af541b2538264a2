//! The LINQS citation layout (`../shared/data/cora`): `NAME.content` lines
//! `id<TAB>features…<TAB>label`, `NAME.cites` lines `a<TAB>b[<TAB>weight]` (one edge a line) and
//! an optional `NAME.split` with `id<TAB>train|val|test|unlabeled`. Ids are strings.
//!
//! Read into a homogeneous [`Graph`] with node features [`FEATURES`], [`LABEL`] (classes numbered
//! by sorted name, so `c0…c6` are 0…6 whatever the file order) and, with a split file, [`SPLIT`].

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::lines::{self, Limits};
use crate::error::{GraphError, Result};
use crate::typed::{EDGES, FEATURES, Feature, Graph, LABEL, NODES, NodeSet, SPLIT, SplitKind};

/// The three inputs of a LINQS data set, each with the name used in errors.
#[derive(Debug)]
pub struct Inputs<C, E, S> {
    /// `NAME.content`.
    pub content: (String, C),
    /// `NAME.cites`.
    pub cites: (String, E),
    /// `NAME.split`, optional.
    pub split: Option<(String, S)>,
}

/// Reads the LINQS inputs into a homogeneous graph.
pub fn read<C: Read, E: Read, S: Read>(inputs: Inputs<C, E, S>, limits: &Limits) -> Result<Graph> {
    let (content_name, content) = inputs.content;
    let mut ids: Vec<String> = Vec::new();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut features = Vec::new();
    let mut raw_labels: Vec<u32> = Vec::new();
    let mut class_index: HashMap<String, u32> = HashMap::new();
    let mut dim = None;
    lines::for_each_line(&content_name, content, limits, |_, line| {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 3 {
            return Err(format!("expected id<TAB>features…<TAB>label, got {} fields", fields.len()));
        }
        let width = fields.len() - 2;
        match dim {
            None => dim = Some(width),
            Some(d) if d != width => return Err(format!("{width} features, earlier lines have {d}")),
            _ => {}
        }
        let id = fields[0];
        if id.is_empty() {
            return Err("empty node id".into());
        }
        if ids.len() >= limits.max_nodes {
            return Err(format!("more than {} nodes (the size limit)", limits.max_nodes));
        }
        if index.insert(id.to_string(), ids.len() as u32).is_some() {
            return Err(format!("duplicate node id {id:?}"));
        }
        ids.push(id.to_string());
        for (k, value) in fields[1..=width].iter().enumerate() {
            features.push(lines::parse_f32(&format!("feature {}", k + 1), value)?);
        }
        let next = class_index.len() as u32;
        raw_labels.push(*class_index.entry(fields[width + 1].to_string()).or_insert(next));
        Ok(())
    })?;
    let dim = dim.ok_or_else(|| GraphError::parse(&content_name, "no nodes"))?;

    let mut classes: Vec<String> = vec![String::new(); class_index.len()];
    for (name, &i) in &class_index {
        classes[i as usize] = name.clone();
    }
    let mut order: Vec<u32> = (0..classes.len() as u32).collect();
    order.sort_by(|&a, &b| classes[a as usize].cmp(&classes[b as usize]));
    let mut remap = vec![0u32; classes.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old as usize] = new as u32;
    }
    let classes: Vec<String> = order.iter().map(|&i| classes[i as usize].clone()).collect();
    let labels: Vec<Option<u32>> = raw_labels.iter().map(|&l| Some(remap[l as usize])).collect();

    let lookup = |id: &str| index.get(id).copied().ok_or_else(|| format!("unknown node id {id:?}"));
    let (cites_name, cites) = inputs.cites;
    let mut edges = Vec::new();
    lines::for_each_line(&cites_name, cites, limits, |_, line| {
        let fields: Vec<&str> = line.split('\t').collect();
        if !(2..=3).contains(&fields.len()) {
            return Err("expected source<TAB>target[<TAB>weight]".into());
        }
        let weight = match fields.get(2) {
            Some(w) => lines::parse_f32("weight", w)?,
            None => 1.0,
        };
        if edges.len() >= limits.max_edges {
            return Err(format!("more than {} edges (the size limit)", limits.max_edges));
        }
        edges.push((lookup(fields[0])?, lookup(fields[1])?, weight));
        Ok(())
    })?;

    let mut nodes = NodeSet::with_ids(ids);
    if let Some((split_name, split)) = inputs.split {
        let mut kinds = vec![SplitKind::Unlabeled; nodes.size];
        lines::for_each_line(&split_name, split, limits, |_, line| {
            let (id, kind) = line.split_once('\t').ok_or("expected id<TAB>train|val|test|unlabeled")?;
            kinds[lookup(id)? as usize] = SplitKind::parse(kind)
                .ok_or_else(|| format!("unknown split {kind:?} (train|val|test|unlabeled)"))?;
            Ok(())
        })?;
        nodes.features.insert(SPLIT.into(), Feature::Split { values: kinds });
    }
    nodes.features.insert(FEATURES.into(), Feature::Dense { dim, values: features });
    nodes.features.insert(LABEL.into(), Feature::Labels { classes, values: labels });
    Ok(Graph::homogeneous(nodes, &edges))
}

/// The `NAME.content`, `NAME.cites` and (if present) `NAME.split` paths next to `content`.
pub fn sibling_paths(content: &Path) -> (PathBuf, PathBuf, Option<PathBuf>) {
    let cites = content.with_extension("cites");
    let split = content.with_extension("split");
    (content.to_path_buf(), cites, split.exists().then_some(split))
}

/// Reads the triple whose `.content` file is `content`.
pub fn read_path(content: &Path, limits: &Limits) -> Result<Graph> {
    let (content, cites, split) = sibling_paths(content);
    let name = |p: &Path| p.display().to_string();
    let split = match &split {
        Some(path) => Some((name(path), lines::open(path)?)),
        None => None,
    };
    read(
        Inputs {
            content: (name(&content), lines::open(&content)?),
            cites: (name(&cites), lines::open(&cites)?),
            split,
        },
        limits,
    )
}

/// Writes a homogeneous graph with [`FEATURES`] and [`LABEL`] (and [`SPLIT`], if present) as
/// `NAME.content`, `NAME.cites` and `NAME.split` next to `content`.
pub fn write_path(graph: &Graph, content: &Path) -> Result<()> {
    let (content, cites, _) = sibling_paths(content);
    let split = content.with_extension("split");
    let name = |p: &Path| p.display().to_string();
    let has_split = graph.node_set(NODES).ok().and_then(|n| n.split(SPLIT)).is_some();
    let split_name = name(&split);
    let split_out = if has_split { Some((split_name.as_str(), lines::create(&split)?)) } else { None };
    write(
        graph,
        (&name(&content), lines::create(&content)?),
        (&name(&cites), lines::create(&cites)?),
        split_out,
    )
}

/// Writes the three LINQS outputs.
pub fn write(
    graph: &Graph,
    content: (&str, impl Write),
    cites: (&str, impl Write),
    split: Option<(&str, impl Write)>,
) -> Result<()> {
    let nodes = graph.node_set(NODES)?;
    let (dim, features) = nodes
        .dense(FEATURES)
        .ok_or_else(|| GraphError::Invalid("LINQS needs a dense \"features\" node feature".into()))?;
    let (classes, labels) = nodes
        .labels(LABEL)
        .ok_or_else(|| GraphError::Invalid("LINQS needs a \"label\" node feature".into()))?;
    let ids: Vec<String> = (0..nodes.size).map(|i| nodes.id(i).into_owned()).collect();
    for id in &ids {
        if id.contains(['\t', '\n', '\r']) || id.starts_with('#') {
            return Err(GraphError::Invalid(format!("node id {id:?} cannot be written to LINQS")));
        }
    }
    let (content_name, mut out) = content;
    let err = lines::write_err(content_name);
    for (i, id) in ids.iter().enumerate() {
        let label = labels[i].ok_or_else(|| {
            GraphError::Invalid(format!("node {id:?} has no label; the LINQS .content needs one per node"))
        })?;
        let class = classes.get(label as usize).cloned().unwrap_or_else(|| label.to_string());
        write!(out, "{id}").map_err(&err)?;
        for v in &features[i * dim..(i + 1) * dim] {
            write!(out, "\t{v}").map_err(&err)?;
        }
        writeln!(out, "\t{class}").map_err(&err)?;
    }
    out.flush().map_err(&err)?;

    let (cites_name, mut out) = cites;
    let err = lines::write_err(cites_name);
    if let Ok(edges) = graph.edge_set(EDGES) {
        let weighted = edges.weights.is_some();
        for (s, t, w) in edges.triples() {
            if weighted {
                writeln!(out, "{}\t{}\t{w}", ids[s as usize], ids[t as usize]).map_err(&err)?;
            } else {
                writeln!(out, "{}\t{}", ids[s as usize], ids[t as usize]).map_err(&err)?;
            }
        }
    }
    out.flush().map_err(&err)?;

    if let (Some((split_name, mut out)), Some(kinds)) = (split, nodes.split(SPLIT)) {
        let err = lines::write_err(split_name);
        for (id, kind) in ids.iter().zip(kinds) {
            writeln!(out, "{id}\t{}", kind.as_str()).map_err(&err)?;
        }
        out.flush().map_err(&err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(content: &str, cites: &str, split: Option<&str>) -> Result<Graph> {
        read(
            Inputs {
                content: ("x.content".into(), content.as_bytes()),
                cites: ("x.cites".into(), cites.as_bytes()),
                split: split.map(|s| ("x.split".to_string(), s.as_bytes())),
            },
            &Limits::default(),
        )
    }

    #[test]
    fn reads_features_sorted_classes_edges_and_split() {
        let g = read_text(
            "p1\t1\t0\tc1\np2\t0\t1\tc0\n# comment\n\np3\t1\t1\tc1\n",
            "p1\tp2\np3\tp1\t0.5\n",
            Some("p1\ttrain\np2\ttest\np3\tunlabeled\n"),
        )
        .unwrap();
        g.validate().unwrap();
        let nodes = g.node_set(NODES).unwrap();
        assert_eq!(nodes.ids, vec!["p1", "p2", "p3"]);
        let (classes, labels) = nodes.labels(LABEL).unwrap();
        assert_eq!(classes, ["c0", "c1"]);
        assert_eq!(labels, [Some(1), Some(0), Some(1)]);
        assert_eq!(nodes.dense(FEATURES).unwrap(), (2, &[1.0, 0.0, 0.0, 1.0, 1.0, 1.0][..]));
        assert_eq!(nodes.split(SPLIT).unwrap(), [SplitKind::Train, SplitKind::Test, SplitKind::Unlabeled]);
        let edges: Vec<_> = g.edge_set(EDGES).unwrap().triples().collect();
        assert_eq!(edges, vec![(0, 1, 1.0), (2, 0, 0.5)]);
    }

    #[test]
    fn round_trip_through_the_writer() {
        let g = read_text("a\t0.5\t2\tx\nb\t-1\t0\ty\n", "a\tb\n", Some("a\ttrain\nb\tval\n")).unwrap();
        let (mut content, mut cites, mut split) = (Vec::new(), Vec::new(), Vec::new());
        write(&g, ("c", &mut content), ("e", &mut cites), Some(("s", &mut split))).unwrap();
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
        assert_eq!(text(&content), "a\t0.5\t2\tx\nb\t-1\t0\ty\n");
        let back = read_text(&text(&content), &text(&cites), Some(&text(&split))).unwrap();
        assert_eq!(back, g);
    }

    #[test]
    fn errors_name_file_line_and_reason() {
        let err = read_text("a\t1\tc0\nb\t1\t2\tc1\n", "", None).unwrap_err().to_string();
        assert_eq!(err, "x.content: line 2: 2 features, earlier lines have 1");
        let err = read_text("a\t1\tc0\nb\t0\tc1\n", "a\tzz\n", None).unwrap_err().to_string();
        assert_eq!(err, "x.cites: line 1: unknown node id \"zz\"");
        let err = read_text("a\tnope\tc0\n", "", None).unwrap_err().to_string();
        assert_eq!(err, "x.content: line 1: feature 1 is not a number: \"nope\"");
        let err = read_text("a\t1\tc0\na\t1\tc0\n", "", None).unwrap_err().to_string();
        assert_eq!(err, "x.content: line 2: duplicate node id \"a\"");
        let err = read_text("a\t1\tc0\n", "", Some("a\tholdout\n")).unwrap_err().to_string();
        assert_eq!(err, "x.split: line 1: unknown split \"holdout\" (train|val|test|unlabeled)");
        assert_eq!(read_text("# empty\n", "", None).unwrap_err().to_string(), "x.content: no nodes");
    }
}
