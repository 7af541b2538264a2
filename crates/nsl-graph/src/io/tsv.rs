//! NSL's graph TSV: `source<TAB>target[<TAB>weight]` a line, string ids, weight 1.0 when
//! absent, duplicate edges keeping the largest weight (as `nsl.tools.read_tsv_graph` does).
//! Blank lines and `#` comments are skipped.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::{Read, Write};
use std::path::Path;

use super::lines::{self, Limits};
use crate::error::{GraphError, Result};
use crate::typed::{Graph, NodeSet};

/// A graph read from TSV: ids in order of first appearance, and each directed edge once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeList {
    /// Node ids, in order of first appearance.
    pub ids: Vec<String>,
    /// `(source, target, weight)` with indices into `ids`, in order of first appearance.
    pub edges: Vec<(u32, u32, f32)>,
}

impl EdgeList {
    /// The homogeneous typed graph of these edges (nodes carry ids only).
    pub fn into_graph(self) -> Graph {
        Graph::homogeneous(NodeSet::with_ids(self.ids), &self.edges)
    }
}

/// Reads a graph TSV from `input`; `file` names it in errors.
pub fn read(file: &str, input: impl Read, limits: &Limits) -> Result<EdgeList> {
    let mut list = EdgeList::default();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut edge_at: HashMap<(u32, u32), usize> = HashMap::new();
    lines::for_each_line(file, input, limits, |_, line| {
        let mut fields = line.split('\t');
        let (Some(source), Some(target)) = (fields.next(), fields.next()) else {
            return Err("expected source<TAB>target[<TAB>weight]".into());
        };
        let weight = match fields.next() {
            Some(w) => lines::parse_f32("weight", w)?,
            None => 1.0,
        };
        if fields.next().is_some() {
            return Err("more than 3 fields; expected source<TAB>target[<TAB>weight]".into());
        }
        let mut node = |id: &str| -> std::result::Result<u32, String> {
            if id.is_empty() {
                return Err("empty node id".into());
            }
            if let Some(&i) = index.get(id) {
                return Ok(i);
            }
            if list.ids.len() >= limits.max_nodes {
                return Err(format!("more than {} nodes (the size limit)", limits.max_nodes));
            }
            let i = list.ids.len() as u32;
            list.ids.push(id.to_string());
            index.insert(id.to_string(), i);
            Ok(i)
        };
        let (s, t) = (node(source)?, node(target)?);
        match edge_at.entry((s, t)) {
            Entry::Occupied(at) => {
                let slot = &mut list.edges[*at.get()].2;
                *slot = slot.max(weight);
            }
            Entry::Vacant(vacant) => {
                if list.edges.len() >= limits.max_edges {
                    return Err(format!("more than {} edges (the size limit)", limits.max_edges));
                }
                vacant.insert(list.edges.len());
                list.edges.push((s, t, weight));
            }
        }
        Ok(())
    })?;
    Ok(list)
}

/// Reads the graph TSV at `path`.
pub fn read_path(path: &Path, limits: &Limits) -> Result<EdgeList> {
    read(&path.display().to_string(), lines::open(path)?, limits)
}

/// Writes the single edge set of `graph` as TSV (`source<TAB>target<TAB>weight`), ids from the
/// node sets; the weight is written as the shortest text that reads back to the same f32.
pub fn write(graph: &Graph, file: &str, mut out: impl Write) -> Result<()> {
    let Some((_, edges)) = graph.single_edge_set()? else {
        return Err(GraphError::Invalid("the graph has no edge set to write as TSV".into()));
    };
    let sources = graph.node_set(&edges.source)?;
    let targets = graph.node_set(&edges.target)?;
    for id in sources.ids.iter().chain(&targets.ids) {
        if id.is_empty() || id.contains(['\t', '\n', '\r']) || id.starts_with('#') {
            return Err(GraphError::Invalid(format!("node id {id:?} cannot be written to TSV")));
        }
    }
    for (s, t, w) in edges.triples() {
        writeln!(out, "{}\t{}\t{}", sources.id(s as usize), targets.id(t as usize), w)
            .map_err(lines::write_err(file))?;
    }
    out.flush().map_err(lines::write_err(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_weight_duplicates_keep_the_max_and_comments_are_skipped() {
        let text = "# a graph\na\tb\na\tc\t0.25\n\nb\ta\t2\na\tb\t0.5\na\tb\t3\n";
        let list = read("g.tsv", text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(list.ids, vec!["a", "b", "c"]);
        assert_eq!(list.edges, vec![(0, 1, 3.0), (0, 2, 0.25), (1, 0, 2.0)]);
    }

    #[test]
    fn round_trip_through_the_writer() {
        let list = read("g.tsv", "x\ty\t0.1\ny\tz\nz\tx\t1e-7\n".as_bytes(), &Limits::default()).unwrap();
        let graph = list.clone().into_graph();
        let mut out = Vec::new();
        write(&graph, "out.tsv", &mut out).unwrap();
        assert_eq!(String::from_utf8(out.clone()).unwrap(), "x\ty\t0.1\ny\tz\t1\nz\tx\t0.0000001\n");
        assert_eq!(read("out.tsv", &out[..], &Limits::default()).unwrap(), list);
    }

    #[test]
    fn bad_lines_are_reported_with_file_line_and_reason() {
        let cases = [
            ("a\n", "g.tsv: line 1: expected source<TAB>target[<TAB>weight]"),
            ("a\tb\n\na\tb\tx\n", "g.tsv: line 3: weight is not a number: \"x\""),
            ("a\tb\t1\t2\n", "g.tsv: line 1: more than 3 fields; expected source<TAB>target[<TAB>weight]"),
            ("a\tb\tNaN\n", "g.tsv: line 1: weight is not finite: \"NaN\""),
            ("\tb\n", "g.tsv: line 1: empty node id"),
        ];
        for (text, message) in cases {
            assert_eq!(read("g.tsv", text.as_bytes(), &Limits::default()).unwrap_err().to_string(), message);
        }
        let limits = Limits { max_edges: 1, ..Limits::default() };
        let err = read("g.tsv", "a\tb\nb\tc\n".as_bytes(), &limits).unwrap_err().to_string();
        assert_eq!(err, "g.tsv: line 2: more than 1 edges (the size limit)");
    }
}
