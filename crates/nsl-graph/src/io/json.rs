//! The project's own JSON form of a [`Graph`]: `{"format": "nsl-graph", "version": 1, "graph": …}`
//! (documented in `docs/graph-json.md`). Reading checks the envelope and validates the graph.

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::lines::{self, Limits};
use crate::error::{GraphError, Result};
use crate::typed::Graph;

/// The `format` field of the envelope.
pub const FORMAT: &str = "nsl-graph";
/// The current `version`; readers refuse newer versions.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<G> {
    format: String,
    version: u32,
    graph: G,
}

/// Parses and validates a graph document whose node and edge counts stay within `limits`.
pub fn from_slice(file: &str, bytes: &[u8], limits: &Limits) -> Result<Graph> {
    let envelope: Envelope<Graph> = serde_json::from_slice(bytes).map_err(|e| GraphError::Parse {
        file: file.to_string(),
        line: (e.line() > 0).then_some(e.line()),
        reason: format!("{e}"),
    })?;
    if envelope.format != FORMAT {
        return Err(GraphError::parse(file, format!("format is {:?}, expected {FORMAT:?}", envelope.format)));
    }
    if envelope.version > VERSION {
        return Err(GraphError::parse(
            file,
            format!("version {} is newer than this reader (version {VERSION})", envelope.version),
        ));
    }
    let nodes: usize = envelope.graph.node_sets.values().map(|n| n.size).fold(0, usize::saturating_add);
    let edges: usize = envelope.graph.edge_sets.values().map(|e| e.len()).sum();
    if nodes > limits.max_nodes || edges > limits.max_edges {
        return Err(GraphError::parse(
            file,
            format!(
                "{nodes} nodes and {edges} edges; the size limits are {} nodes and {} edges",
                limits.max_nodes, limits.max_edges
            ),
        ));
    }
    envelope.graph.validate().map_err(|e| GraphError::parse(file, e.to_string()))?;
    Ok(envelope.graph)
}

/// Reads a graph document of at most `limits.max_bytes`.
pub fn read(file: &str, input: impl Read, limits: &Limits) -> Result<Graph> {
    from_slice(file, &lines::read_all(file, input, limits)?, limits)
}

/// Reads the graph document at `path`.
pub fn read_path(path: &Path, limits: &Limits) -> Result<Graph> {
    let name = path.display().to_string();
    read(&name, lines::open(path)?, limits)
}

/// The graph as a JSON document.
pub fn to_string(graph: &Graph) -> String {
    serde_json::to_string(&Envelope { format: FORMAT.into(), version: VERSION, graph })
        .expect("a graph serialises: its maps have string keys")
}

/// Writes the graph as a JSON document.
pub fn write(graph: &Graph, file: &str, mut out: impl Write) -> Result<()> {
    out.write_all(to_string(graph).as_bytes()).and_then(|()| out.flush()).map_err(lines::write_err(file))
}

/// Writes the graph document to `path`.
pub fn write_path(graph: &Graph, path: &Path) -> Result<()> {
    write(graph, &path.display().to_string(), lines::create(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typed::{EDGES, FEATURES, Feature, NodeSet};

    #[test]
    fn round_trip_and_envelope_checks() {
        let mut nodes = NodeSet::new(2);
        nodes.features.insert(FEATURES.into(), Feature::Dense { dim: 1, values: vec![0.5, -2.0] });
        let graph = Graph::homogeneous(nodes, &[(0, 1, 0.25)]);
        let text = to_string(&graph);
        assert!(text.starts_with(r#"{"format":"nsl-graph","version":1,"graph":"#), "{text}");
        assert_eq!(from_slice("g.json", text.as_bytes(), &Limits::default()).unwrap(), graph);

        let newer = text.replace(r#""version":1"#, r#""version":2"#);
        assert!(
            from_slice("g.json", newer.as_bytes(), &Limits::default())
                .unwrap_err()
                .to_string()
                .contains("version 2 is newer")
        );
        let bad_index = text.replace(r#""targets":[1]"#, r#""targets":[9]"#);
        let err = from_slice("g.json", bad_index.as_bytes(), &Limits::default()).unwrap_err().to_string();
        assert!(
            err.starts_with("g.json: invalid graph: edge set \"edges\": edge 0 has target index 9"),
            "{err}"
        );
        let err = from_slice("g.json", b"{\"format\":\n 3}", &Limits::default()).unwrap_err().to_string();
        assert!(err.starts_with("g.json: line 2: invalid type"), "{err}");
        assert_eq!(graph.edge_set(EDGES).unwrap().len(), 1);
        let huge = text.replace(r#""size":2"#, r#""size":4000000000"#);
        let err = from_slice("g.json", huge.as_bytes(), &Limits::small()).unwrap_err().to_string();
        assert!(err.contains("4000000000 nodes") && err.contains("size limits"), "{err}");
    }
}
