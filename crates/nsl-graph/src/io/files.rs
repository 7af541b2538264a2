//! Reading a graph from a set of named files, as a user drops or picks them (the browser has no
//! paths, only names and bytes): the names say the format, as [`super::Format::of`] reads them.

use std::path::Path;

use super::{Format, Limits, compact, csv, json, linqs, tsv};
use crate::error::{GraphError, Result};
use crate::typed::Graph;

/// What file sets are understood, for messages.
pub const ACCEPTED: &str = "one NAME.tsv (NSL graph), one NAME.json (the project's graph), NAME.content + NAME.cites \
(+ NAME.split) (LINQS/Planetoid), one NAME.nslg (compact), or NAME.nodes.csv + NAME.edges.csv (CSV tables)";

/// Reads the graph the files hold; returns it with a name for it (the files' common stem).
///
/// # Errors
/// A file set that is not one of [`ACCEPTED`], or the first bad line of a file (file, line,
/// reason), or a graph that fails validation.
pub fn read_files(files: &[(&str, &[u8])], limits: &Limits) -> Result<(String, Graph)> {
    let total: u64 = files.iter().map(|(_, b)| b.len() as u64).sum();
    if total > limits.max_bytes {
        return Err(GraphError::parse(
            names(files),
            format!("{total} bytes; at most {} bytes are read", limits.max_bytes),
        ));
    }
    let find = |suffix: &str| files.iter().find(|(n, _)| n.ends_with(suffix)).copied();
    let formats: Vec<Format> = files.iter().filter_map(|(n, _)| Format::of(Path::new(n)).ok()).collect();
    let unsupported = || GraphError::parse(names(files), format!("cannot read these files: give {ACCEPTED}"));
    let (stem, graph) = match (files.len(), formats.first()) {
        (1, Some(Format::Tsv)) => {
            let (name, bytes) = files[0];
            (stem_of(name, ".tsv"), tsv::read(name, bytes, limits)?.into_graph())
        }
        (1, Some(Format::Json)) => {
            let (name, bytes) = files[0];
            (stem_of(name, ".json"), json::from_slice(name, bytes, limits)?)
        }
        (1, Some(Format::Compact)) => {
            let (name, bytes) = files[0];
            (stem_of(name, ".nslg"), compact::decode(name, bytes, limits)?)
        }
        (2 | 3, _) if formats.iter().all(|f| *f == Format::Linqs) => {
            let content = find(".content").ok_or_else(|| missing(files, ".content"))?;
            let cites = find(".cites").ok_or_else(|| missing(files, ".cites"))?;
            let split = find(".split");
            let inputs = linqs::Inputs {
                content: (content.0.to_string(), content.1),
                cites: (cites.0.to_string(), cites.1),
                split: split.map(|(n, b)| (n.to_string(), b)),
            };
            (stem_of(content.0, ".content"), linqs::read(inputs, limits)?)
        }
        (2, _) if formats.iter().all(|f| *f == Format::Csv) => {
            let nodes = find(".nodes.csv").ok_or_else(|| missing(files, ".nodes.csv"))?;
            let edges = find(".edges.csv").ok_or_else(|| missing(files, ".edges.csv"))?;
            (stem_of(nodes.0, ".nodes.csv"), csv::read((nodes.0, nodes.1), (edges.0, edges.1), limits)?)
        }
        _ => return Err(unsupported()),
    };
    graph.validate().map_err(|e| GraphError::parse(names(files), e.to_string()))?;
    Ok((stem, graph))
}

fn names(files: &[(&str, &[u8])]) -> String {
    files.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

fn missing(files: &[(&str, &[u8])], suffix: &str) -> GraphError {
    GraphError::parse(names(files), format!("the NAME{suffix} file is missing: give {ACCEPTED}"))
}

fn stem_of(name: &str, suffix: &str) -> String {
    name.strip_suffix(suffix).unwrap_or(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typed::NODES;

    #[test]
    fn each_accepted_file_set_is_read() {
        let limits = Limits::default();
        let (name, g) = read_files(&[("web.tsv", b"a\tb\t0.5\nb\tc\n")], &limits).unwrap();
        assert_eq!((name.as_str(), g.node_sets[NODES].size), ("web", 3));
        let linqs: [(&str, &[u8]); 3] = [
            ("tiny.cites", b"p1\tp2\n"),
            ("tiny.content", b"p1\t1\t0\tc1\np2\t0\t1\tc0\n"),
            ("tiny.split", b"p1\ttrain\np2\ttest\n"),
        ];
        let (name, g) = read_files(&linqs, &limits).unwrap();
        assert_eq!((name.as_str(), g.node_sets[NODES].size), ("tiny", 2));
        let csv: [(&str, &[u8]); 2] =
            [("t.edges.csv", b"source,target\nx,y\n"), ("t.nodes.csv", b"id,label,f0\nx,a,1\ny,b,2\n")];
        assert_eq!(read_files(&csv, &limits).unwrap().1.node_sets[NODES].size, 2);
        let json = crate::io::json::to_string(&g);
        assert_eq!(read_files(&[("g.json", json.as_bytes())], &limits).unwrap().1, g);
    }

    #[test]
    fn bad_sets_and_bad_lines_say_what_and_where() {
        let limits = Limits::default();
        let err = read_files(&[("notes.txt", b"hello")], &limits).unwrap_err().to_string();
        assert!(err.contains("notes.txt") && err.contains("NAME.content + NAME.cites"), "{err}");
        let err = read_files(&[("tiny.content", b"p1\t1\tc1\n"), ("tiny.split", b"")], &limits).unwrap_err();
        assert!(err.to_string().contains("NAME.cites file is missing"), "{err}");
        let err = read_files(&[("tiny.content", b"p1\t1\tc1\n"), ("tiny.cites", b"p1\tzz\n")], &limits)
            .unwrap_err();
        assert!(err.to_string().contains("tiny.cites: line 1: unknown node id"), "{err}");
        let small = Limits { max_bytes: 3, ..limits };
        let err = read_files(&[("web.tsv", b"a\tb\n")], &small).unwrap_err().to_string();
        assert!(err.contains("at most 3 bytes"), "{err}");
    }
}
