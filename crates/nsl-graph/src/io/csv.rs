//! CSV node and edge tables with a header, like TF-GNN's unigraph tables:
//! `NAME.nodes.csv` with `id`, optional `label` (a class name; empty = unlabeled), optional
//! `split` (train|val|test|unlabeled) and numeric feature columns; `NAME.edges.csv` with
//! `source`, `target` and optional `weight`. Quoting follows RFC 4180 (the `csv` crate).

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::lines::{self, Limits};
use crate::error::{GraphError, Result};
use crate::typed::{EDGES, FEATURES, Feature, Graph, LABEL, NODES, NodeSet, SPLIT, SplitKind};

/// Reads a node table and an edge table into a homogeneous graph.
pub fn read(nodes: (&str, impl Read), edges: (&str, impl Read), limits: &Limits) -> Result<Graph> {
    let (node_file, node_input) = nodes;
    let mut reader = table_reader(node_input, limits);
    let header = read_header(node_file, &mut reader)?;
    let column = |name: &str| header.iter().position(|h| h == name);
    let id_col =
        column("id").ok_or_else(|| GraphError::at_line(node_file, 1, "the header has no \"id\" column"))?;
    let label_col = column("label");
    let split_col = column("split");
    let feature_cols: Vec<usize> =
        (0..header.len()).filter(|&c| c != id_col && Some(c) != label_col && Some(c) != split_col).collect();

    let mut ids = Vec::new();
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut features = Vec::new();
    let mut label_names: Vec<Option<String>> = Vec::new();
    let mut split = Vec::new();
    each_record(node_file, &mut reader, header.len(), |line, record| {
        let id = &record[id_col];
        if id.is_empty() {
            return Err(GraphError::at_line(node_file, line, "empty id"));
        }
        Limits::check(node_file, line, "nodes", ids.len() + 1, limits.max_nodes)?;
        if index.insert(id.to_string(), ids.len() as u32).is_some() {
            return Err(GraphError::at_line(node_file, line, format!("duplicate id {id:?}")));
        }
        ids.push(id.to_string());
        for &c in &feature_cols {
            let v = lines::parse_f32(&format!("column {:?}", header[c]), &record[c])
                .map_err(|reason| GraphError::at_line(node_file, line, reason))?;
            features.push(v);
        }
        if let Some(c) = label_col {
            label_names.push(Some(record[c].to_string()).filter(|l| !l.is_empty()));
        }
        if let Some(c) = split_col {
            let kind = SplitKind::parse(&record[c]).ok_or_else(|| {
                GraphError::at_line(
                    node_file,
                    line,
                    format!("unknown split {:?} (train|val|test|unlabeled)", &record[c]),
                )
            })?;
            split.push(kind);
        }
        Ok(())
    })?;

    let (edge_file, edge_input) = edges;
    let mut reader = table_reader(edge_input, limits);
    let header = read_header(edge_file, &mut reader)?;
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(source_col), Some(target_col)) = (column("source"), column("target")) else {
        return Err(GraphError::at_line(edge_file, 1, "the header needs \"source\" and \"target\" columns"));
    };
    let weight_col = column("weight");
    if let Some(extra) =
        (0..header.len()).find(|&c| c != source_col && c != target_col && Some(c) != weight_col)
    {
        return Err(GraphError::at_line(
            edge_file,
            1,
            format!("unknown column {:?} (expected source, target, weight)", header[extra]),
        ));
    }
    let mut triples = Vec::new();
    each_record(edge_file, &mut reader, header.len(), |line, record| {
        let node = |c: usize| {
            index.get(&record[c]).copied().ok_or_else(|| {
                GraphError::at_line(edge_file, line, format!("unknown node id {:?}", &record[c]))
            })
        };
        let weight = match weight_col {
            Some(c) => {
                lines::parse_f32("weight", &record[c]).map_err(|r| GraphError::at_line(edge_file, line, r))?
            }
            None => 1.0,
        };
        Limits::check(edge_file, line, "edges", triples.len() + 1, limits.max_edges)?;
        triples.push((node(source_col)?, node(target_col)?, weight));
        Ok(())
    })?;

    let mut nodes = NodeSet::with_ids(ids);
    if !feature_cols.is_empty() {
        nodes.features.insert(FEATURES.into(), Feature::Dense { dim: feature_cols.len(), values: features });
    }
    if label_col.is_some() {
        let classes: Vec<String> =
            label_names.iter().flatten().cloned().collect::<BTreeSet<_>>().into_iter().collect();
        let values = label_names
            .iter()
            .map(|l| l.as_ref().map(|name| classes.binary_search(name).expect("collected above") as u32))
            .collect();
        nodes.features.insert(LABEL.into(), Feature::Labels { classes, values });
    }
    if split_col.is_some() {
        nodes.features.insert(SPLIT.into(), Feature::Split { values: split });
    }
    Ok(Graph::homogeneous(nodes, &triples))
}

/// `NAME.nodes.csv` and `NAME.edges.csv` for either of the two paths.
pub fn table_paths(path: &Path) -> Result<(PathBuf, PathBuf)> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let stem =
        name.strip_suffix(".nodes.csv").or_else(|| name.strip_suffix(".edges.csv")).ok_or_else(|| {
            GraphError::parse(
                path.display().to_string(),
                "CSV tables are named NAME.nodes.csv and NAME.edges.csv",
            )
        })?;
    Ok((path.with_file_name(format!("{stem}.nodes.csv")), path.with_file_name(format!("{stem}.edges.csv"))))
}

/// Reads the two tables named like `path`.
pub fn read_path(path: &Path, limits: &Limits) -> Result<Graph> {
    let (nodes, edges) = table_paths(path)?;
    let name = |p: &Path| p.display().to_string();
    read((&name(&nodes), lines::open(&nodes)?), (&name(&edges), lines::open(&edges)?), limits)
}

/// Writes a homogeneous graph as the two tables named like `path`.
pub fn write_path(graph: &Graph, path: &Path) -> Result<()> {
    let (nodes, edges) = table_paths(path)?;
    let name = |p: &Path| p.display().to_string();
    write(graph, (&name(&nodes), lines::create(&nodes)?), (&name(&edges), lines::create(&edges)?))
}

/// Writes the node table (`id`, `label`, `split`, `f0…`) and the edge table.
pub fn write(graph: &Graph, nodes_out: (&str, impl Write), edges_out: (&str, impl Write)) -> Result<()> {
    let nodes = graph.node_set(NODES)?;
    let dense = nodes.dense(FEATURES);
    let labels = nodes.labels(LABEL);
    let split = nodes.split(SPLIT);
    let (file, out) = nodes_out;
    let mut writer = csv::Writer::from_writer(out);
    let err = |e: csv::Error| GraphError::parse(file, format!("cannot write: {e}"));
    let mut header = vec!["id".to_string()];
    header.extend(labels.map(|_| "label".to_string()));
    header.extend(split.map(|_| "split".to_string()));
    if let Some((dim, _)) = dense {
        header.extend((0..dim).map(|k| format!("f{k}")));
    }
    writer.write_record(&header).map_err(err)?;
    for i in 0..nodes.size {
        let mut row = vec![nodes.id(i).into_owned()];
        if let Some((classes, values)) = labels {
            row.push(match values[i] {
                Some(c) => classes.get(c as usize).cloned().unwrap_or_else(|| c.to_string()),
                None => String::new(),
            });
        }
        if let Some(kinds) = split {
            row.push(kinds[i].as_str().into());
        }
        if let Some((dim, values)) = dense {
            row.extend(values[i * dim..(i + 1) * dim].iter().map(f32::to_string));
        }
        writer.write_record(&row).map_err(err)?;
    }
    writer.flush().map_err(|e| GraphError::parse(file, format!("cannot write: {e}")))?;

    let (file, out) = edges_out;
    let mut writer = csv::Writer::from_writer(out);
    let err = |e: csv::Error| GraphError::parse(file, format!("cannot write: {e}"));
    writer.write_record(["source", "target", "weight"]).map_err(err)?;
    if let Ok(edges) = graph.edge_set(EDGES) {
        for (s, t, w) in edges.triples() {
            writer
                .write_record([nodes.id(s as usize).as_ref(), nodes.id(t as usize).as_ref(), &w.to_string()])
                .map_err(err)?;
        }
    }
    writer.flush().map_err(|e| GraphError::parse(file, format!("cannot write: {e}")))
}

/// A reader that fails once more than `left` bytes have been read, so a huge input is
/// refused with a message rather than silently truncated.
struct Capped<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(format!("larger than {} bytes (the size limit)", self.limit)));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn table_reader<R: Read>(input: R, limits: &Limits) -> csv::Reader<Capped<R>> {
    csv::ReaderBuilder::new().flexible(true).comment(Some(b'#')).trim(csv::Trim::All).from_reader(Capped {
        inner: input,
        left: limits.max_bytes,
        limit: limits.max_bytes,
    })
}

fn read_header<R: Read>(file: &str, reader: &mut csv::Reader<R>) -> Result<Vec<String>> {
    let header = reader.headers().map_err(|e| csv_error(file, &e))?;
    if header.is_empty() || header.iter().all(str::is_empty) {
        return Err(GraphError::parse(file, "no header line"));
    }
    let names: Vec<String> = header.iter().map(str::to_string).collect();
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err(GraphError::at_line(file, 1, format!("column {name:?} appears twice")));
        }
    }
    Ok(names)
}

fn each_record<R: Read>(
    file: &str,
    reader: &mut csv::Reader<R>,
    width: usize,
    mut f: impl FnMut(usize, &csv::StringRecord) -> Result<()>,
) -> Result<()> {
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(csv_error(file, &e)),
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        if record.len() != width {
            return Err(GraphError::at_line(
                file,
                line,
                format!("{} fields, the header has {width}", record.len()),
            ));
        }
        f(line, &record)?;
    }
}

fn csv_error(file: &str, e: &csv::Error) -> GraphError {
    let line = e.position().map(|p| p.line() as usize);
    let reason = match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8".to_string(),
        _ => e.to_string(),
    };
    GraphError::Parse { file: file.to_string(), line, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(nodes: &str, edges: &str) -> Result<Graph> {
        read(("n.nodes.csv", nodes.as_bytes()), ("n.edges.csv", edges.as_bytes()), &Limits::default())
    }

    #[test]
    fn reads_labels_split_features_and_weights() {
        let g = read_text(
            "id,x,label,y,split\n# note\na,1,cat,2,train\n\"b,1\",3,,4,test\nc,5,ant,6,unlabeled\n",
            "source,target,weight\na,\"b,1\",0.5\nc,a,2\n",
        )
        .unwrap();
        g.validate().unwrap();
        let nodes = g.node_set(NODES).unwrap();
        assert_eq!(nodes.ids, ["a", "b,1", "c"]);
        assert_eq!(nodes.dense(FEATURES).unwrap(), (2, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0][..]));
        assert_eq!(
            nodes.labels(LABEL).unwrap(),
            (&["ant".to_string(), "cat".to_string()][..], &[Some(1), None, Some(0)][..])
        );
        assert_eq!(nodes.split(SPLIT).unwrap()[1], SplitKind::Test);
        let edges: Vec<_> = g.edge_set(EDGES).unwrap().triples().collect();
        assert_eq!(edges, vec![(0, 1, 0.5), (2, 0, 2.0)]);
    }

    #[test]
    fn round_trip_through_the_writer() {
        let g = read_text(
            "id,label,split,f0\na,x,train,0.25\nb,,val,-3\n",
            "source,target,weight\nb,a,1\na,b,0.5\n",
        )
        .unwrap();
        let (mut nodes, mut edges) = (Vec::new(), Vec::new());
        write(&g, ("n", &mut nodes), ("e", &mut edges)).unwrap();
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
        assert_eq!(text(&nodes), "id,label,split,f0\na,x,train,0.25\nb,,val,-3\n");
        assert_eq!(read_text(&text(&nodes), &text(&edges)).unwrap(), g);
    }

    #[test]
    fn errors_name_file_line_and_reason() {
        let cases = [
            ("x,y\n1,2\n", "source,target\n", "n.nodes.csv: line 1: the header has no \"id\" column"),
            ("id,f\na,1\nb\n", "source,target\n", "n.nodes.csv: line 3: 1 fields, the header has 2"),
            (
                "id,f\na,one\n",
                "source,target\n",
                "n.nodes.csv: line 2: column \"f\" is not a number: \"one\"",
            ),
            ("id\na\na\n", "source,target\n", "n.nodes.csv: line 3: duplicate id \"a\""),
            ("id\na\n", "source,target\na,b\n", "n.edges.csv: line 2: unknown node id \"b\""),
            (
                "id\na\n",
                "source,dest\n",
                "n.edges.csv: line 1: the header needs \"source\" and \"target\" columns",
            ),
            (
                "id\na\n",
                "source,target,kind\n",
                "n.edges.csv: line 1: unknown column \"kind\" (expected source, target, weight)",
            ),
            ("id,id\n", "source,target\n", "n.nodes.csv: line 1: column \"id\" appears twice"),
            ("", "source,target\n", "n.nodes.csv: no header line"),
        ];
        for (nodes, edges, message) in cases {
            assert_eq!(read_text(nodes, edges).unwrap_err().to_string(), message);
        }
        let limits = Limits { max_bytes: 8, ..Limits::default() };
        let err =
            read(("n.nodes.csv", "id\na\nb\nc\nd\n".as_bytes()), ("e", "".as_bytes()), &limits).unwrap_err();
        assert!(err.to_string().contains("larger than 8 bytes"), "{err}");
        assert!(table_paths(Path::new("/d/cora.nodes.csv")).unwrap().1.ends_with("cora.edges.csv"));
        assert!(table_paths(Path::new("/d/cora.csv")).is_err());
    }
}
