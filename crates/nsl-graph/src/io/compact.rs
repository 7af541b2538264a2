//! The compact form of a homogeneous labeled graph (`NAME.nslg`): what the page bundles Cora
//! in. Bag-of-words features are mostly zeros (Cora: 49,216 ones among 3.9 million entries), so
//! each node keeps only the columns that are not zero, as gaps between varints; ids, labels,
//! split and edges follow, and the whole is deflated. Cora's LINQS triple (7.9 MB) packs to
//! about 60 KB and reads back to the same graph, bit for bit.
//!
//! Layout after the 5-byte magic `NSLG1` (all of it deflated, integers as LEB128 varints):
//! nodes, feature width, then the class names and node ids (length-prefixed UTF-8), a label per
//! node (class + 1, 0 = none), a split byte per node (0 none, 1 train, 2 val, 3 test, 4
//! unlabeled), per node the count and gaps of its non-zero columns, a values flag (0: every
//! non-zero is 1, 1: one f32 each follows), then the edge count, each edge's two ends, and a
//! weights flag (0: all 1, 1: one f32 each follows).

use crate::error::{GraphError, Result};
use crate::io::Limits;
use crate::typed::{EDGES, EdgeSet, FEATURES, Feature, Graph, LABEL, NODES, NodeSet, SPLIT, SplitKind};

/// The first bytes of a compact graph.
pub const MAGIC: &[u8; 5] = b"NSLG1";

/// Packs `graph`: one node set [`NODES`] with dense [`FEATURES`] and [`LABEL`]s, an optional
/// [`SPLIT`], and the edge set [`EDGES`] (or none).
pub fn encode(graph: &Graph) -> Result<Vec<u8>> {
    let unsupported = |what: &str| GraphError::Invalid(format!("the compact form holds {what}"));
    let nodes = graph.node_set(NODES)?;
    if graph.node_sets.len() != 1 || graph.edge_sets.keys().any(|k| k != EDGES) || !graph.context.is_empty() {
        return Err(unsupported("one node set \"nodes\" and one edge set \"edges\", no context"));
    }
    let Some(Feature::Dense { dim, values }) = nodes.features.get(FEATURES) else {
        return Err(unsupported("dense \"features\" on every node"));
    };
    let Some(Feature::Labels { classes, values: labels }) = nodes.features.get(LABEL) else {
        return Err(unsupported("a \"label\" on the nodes"));
    };
    if nodes.features.keys().any(|k| k != FEATURES && k != LABEL && k != SPLIT) {
        return Err(unsupported("features, label and split only"));
    }
    let mut out = Vec::new();
    put(&mut out, nodes.size as u64);
    put(&mut out, *dim as u64);
    put(&mut out, classes.len() as u64);
    classes.iter().for_each(|c| put_str(&mut out, c));
    let ids: Vec<String> = if nodes.ids.is_empty() {
        (0..nodes.size).map(|i| i.to_string()).collect()
    } else {
        nodes.ids.clone()
    };
    ids.iter().for_each(|id| put_str(&mut out, id));
    labels.iter().for_each(|l| put(&mut out, l.map_or(0, |c| u64::from(c) + 1)));
    let split = nodes.split(SPLIT);
    for i in 0..nodes.size {
        out.push(split.map_or(0, |s| split_byte(s[i])));
    }
    let mut nonzero = Vec::new();
    for row in values.chunks_exact((*dim).max(1)).take(nodes.size) {
        let columns: Vec<usize> = (0..*dim).filter(|&c| row[c] != 0.0).collect();
        put(&mut out, columns.len() as u64);
        let mut previous = 0;
        for &c in &columns {
            put(&mut out, (c - previous) as u64);
            previous = c;
            nonzero.push(row[c]);
        }
    }
    put_floats(&mut out, &nonzero);
    let (sources, targets, weights) = match graph.edge_sets.get(EDGES) {
        Some(edges) => (edges.sources.as_slice(), edges.targets.as_slice(), edges.weights.clone()),
        None => (&[][..], &[][..], None),
    };
    put(&mut out, sources.len() as u64);
    for (&a, &b) in sources.iter().zip(targets) {
        put(&mut out, u64::from(a));
        put(&mut out, u64::from(b));
    }
    put_floats(&mut out, weights.as_deref().unwrap_or(&[]));
    let mut packed = MAGIC.to_vec();
    packed.extend(miniz_oxide::deflate::compress_to_vec(&out, 9));
    Ok(packed)
}

/// Reads a compact graph; `file` names it in errors. Refuses input past `limits` (the
/// inflated size, nodes, edges) before building anything of that size.
pub fn decode(file: &str, bytes: &[u8], limits: &Limits) -> Result<Graph> {
    let bad = |reason: String| GraphError::parse(file, reason);
    let Some(body) = bytes.strip_prefix(MAGIC.as_slice()) else {
        return Err(bad("not a compact graph (it does not start with NSLG1)".into()));
    };
    let max_bytes = usize::try_from(limits.max_bytes).unwrap_or(usize::MAX);
    let inflated = miniz_oxide::inflate::decompress_to_vec_with_limit(body, max_bytes).map_err(|e| {
        bad(format!("cannot inflate it (or it inflates past {} bytes): {e:?}", limits.max_bytes))
    })?;
    let mut r = Reader { bytes: &inflated, at: 0, file };
    let size = r.count(limits.max_nodes, "nodes")?;
    let dim = r.count(1 << 20, "feature columns")?;
    if size.saturating_mul(dim) > max_bytes {
        return Err(bad(format!("{size} nodes × {dim} features exceed {max_bytes} values")));
    }
    let class_count = r.count(1 << 16, "classes")?;
    let classes = (0..class_count).map(|_| r.string()).collect::<Result<Vec<_>>>()?;
    let ids = (0..size).map(|_| r.string()).collect::<Result<Vec<_>>>()?;
    let labels = (0..size)
        .map(|_| match r.varint()? {
            0 => Ok(None),
            c if c as usize <= class_count => Ok(Some(c as u32 - 1)),
            c => Err(bad(format!("label {} of {class_count} classes", c - 1))),
        })
        .collect::<Result<Vec<_>>>()?;
    let split_bytes = r.take(size)?.to_vec();
    let has_split = split_bytes.iter().any(|&b| b != 0);
    let split = split_bytes
        .iter()
        .map(|&b| split_kind(b).ok_or_else(|| bad(format!("split byte {b}"))))
        .collect::<Result<Vec<_>>>()?;
    let mut positions = Vec::new();
    for node in 0..size {
        let count = r.count(dim, "non-zero columns of a node")?;
        let mut column = 0usize;
        for k in 0..count {
            let gap = r.varint()? as usize;
            column = column
                .checked_add(gap)
                .filter(|&c| c < dim && (k == 0 || gap > 0))
                .ok_or_else(|| bad(format!("node {node}: columns out of order or past the width {dim}")))?;
            positions.push(node * dim + column);
        }
    }
    let nonzero = r.floats(positions.len())?;
    let mut values = vec![0.0f32; size * dim];
    for (i, &p) in positions.iter().enumerate() {
        values[p] = nonzero.as_ref().map_or(1.0, |v| v[i]);
    }
    let edge_count = r.count(limits.max_edges, "edges")?;
    let (mut sources, mut targets) = (Vec::with_capacity(edge_count), Vec::with_capacity(edge_count));
    for _ in 0..edge_count {
        let (a, b) = (r.varint()?, r.varint()?);
        if a as usize >= size || b as usize >= size {
            return Err(bad(format!("an edge {a} → {b} among {size} nodes")));
        }
        sources.push(a as u32);
        targets.push(b as u32);
    }
    let weights = r.floats(edge_count)?;
    if r.at != inflated.len() {
        return Err(bad(format!("{} bytes after the edges", inflated.len() - r.at)));
    }
    let mut nodes = NodeSet { size, ids, ..Default::default() };
    nodes.features.insert(FEATURES.into(), Feature::Dense { dim, values });
    nodes.features.insert(LABEL.into(), Feature::Labels { classes, values: labels });
    if has_split {
        nodes.features.insert(SPLIT.into(), Feature::Split { values: split });
    }
    let mut graph = Graph::default();
    graph.node_sets.insert(NODES.into(), nodes);
    let edges = EdgeSet {
        source: NODES.into(),
        target: NODES.into(),
        sources,
        targets,
        weights,
        features: Default::default(),
    };
    graph.edge_sets.insert(EDGES.into(), edges);
    Ok(graph)
}

/// Reads a compact graph file.
pub fn read_path(path: &std::path::Path, limits: &Limits) -> Result<Graph> {
    let name = path.display().to_string();
    let error = |e: std::io::Error| GraphError::parse(name.clone(), e.to_string());
    let size = std::fs::metadata(path).map_err(error)?.len();
    if size > limits.max_bytes {
        return Err(GraphError::parse(
            name,
            format!("{size} bytes; at most {} bytes are read", limits.max_bytes),
        ));
    }
    let bytes = std::fs::read(path).map_err(error)?;
    decode(&name, &bytes, limits)
}

/// Writes a compact graph file.
pub fn write_path(graph: &Graph, path: &std::path::Path) -> Result<()> {
    std::fs::write(path, encode(graph)?)
        .map_err(|e| GraphError::parse(path.display().to_string(), e.to_string()))
}

fn split_byte(kind: SplitKind) -> u8 {
    match kind {
        SplitKind::Train => 1,
        SplitKind::Val => 2,
        SplitKind::Test => 3,
        SplitKind::Unlabeled => 4,
    }
}

/// The split a byte stands for; 0 (no split given) reads as unlabeled.
fn split_kind(byte: u8) -> Option<SplitKind> {
    Some(match byte {
        0 | 4 => SplitKind::Unlabeled,
        1 => SplitKind::Train,
        2 => SplitKind::Val,
        3 => SplitKind::Test,
        _ => return None,
    })
}

fn put(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// A flag, then the values only when some is not 1.
fn put_floats(out: &mut Vec<u8>, values: &[f32]) {
    if values.iter().all(|&v| v == 1.0) {
        out.push(0);
    } else {
        out.push(1);
        values.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    }
}

/// A cursor over the inflated bytes that names the file in every error.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    file: &'a str,
}

impl Reader<'_> {
    fn error(&self, reason: String) -> GraphError {
        GraphError::parse(self.file, format!("byte {}: {reason}", self.at))
    }

    fn take(&mut self, n: usize) -> Result<&[u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| self.error("it ends early".into()))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error("a number longer than 64 bits".into()))
    }

    /// A count no larger than `max`.
    fn count(&mut self, max: usize, what: &str) -> Result<usize> {
        let value = self.varint()?;
        if value > max as u64 {
            return Err(self.error(format!("{value} {what}, over the limit of {max}")));
        }
        Ok(value as usize)
    }

    fn string(&mut self) -> Result<String> {
        let len = self.count(1 << 16, "bytes of a name")?;
        let bytes = self.take(len)?.to_vec();
        String::from_utf8(bytes).map_err(|_| self.error("a name that is not UTF-8".into()))
    }

    /// The values after a flag: `None` when the flag says all are 1.
    fn floats(&mut self, n: usize) -> Result<Option<Vec<f32>>> {
        match self.take(1)?[0] {
            0 => Ok(None),
            1 => {
                let raw = self.take(n.checked_mul(4).ok_or_else(|| self.error("too many values".into()))?)?;
                Ok(Some(raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()))
            }
            flag => Err(self.error(format!("values flag {flag}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(weights: bool) -> Graph {
        let mut nodes = NodeSet::with_ids(vec!["p1".into(), "p2".into(), "p3".into()]);
        let values = vec![0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, if weights { 0.5 } else { 1.0 }];
        nodes.features.insert(FEATURES.into(), Feature::Dense { dim: 3, values });
        nodes.features.insert(
            LABEL.into(),
            Feature::Labels { classes: vec!["a".into(), "b".into()], values: vec![Some(1), None, Some(0)] },
        );
        nodes.features.insert(
            SPLIT.into(),
            Feature::Split { values: vec![SplitKind::Train, SplitKind::Unlabeled, SplitKind::Test] },
        );
        let w = if weights { 0.25 } else { 1.0 };
        Graph::homogeneous(nodes, &[(0, 1, 1.0), (2, 0, w), (1, 1, 1.0)])
    }

    #[test]
    fn round_trips_sparse_features_labels_split_and_weights() {
        for weighted in [false, true] {
            let original = graph(weighted);
            let bytes = encode(&original).unwrap();
            assert!(bytes.starts_with(MAGIC));
            assert_eq!(
                decode("g.nslg", &bytes, &Limits::default()).unwrap(),
                original,
                "weighted {weighted}"
            );
        }
    }

    #[test]
    fn refuses_what_it_cannot_hold_and_bad_bytes() {
        let mut two_sets = graph(false);
        two_sets.node_sets.insert("authors".into(), NodeSet::new(1));
        assert!(encode(&two_sets).is_err());
        let bytes = encode(&graph(true)).unwrap();
        let message = |b: &[u8]| decode("g.nslg", b, &Limits::default()).unwrap_err().to_string();
        assert!(message(b"PK\x03\x04").contains("g.nslg: not a compact graph"));
        assert!(message(&bytes[..bytes.len() - 3]).contains("g.nslg"), "truncated");
        let small = Limits { max_nodes: 2, ..Limits::default() };
        let err = decode("g.nslg", &bytes, &small).unwrap_err().to_string();
        assert!(err.contains("3 nodes, over the limit of 2"), "{err}");
        let body = vec![1, 1, 0, 1, b'x', 0, 9, 0, 0, 0, 0];
        let mut forged = MAGIC.to_vec();
        forged.extend(miniz_oxide::deflate::compress_to_vec(&body, 1));
        assert!(message(&forged).contains("split byte 9"), "{}", message(&forged));
    }
}
