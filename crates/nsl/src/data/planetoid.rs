//! Planetoid citation data in the LINQS layout (`shared/data/cora`): `NAME.content`
//! (`id<TAB>features…<TAB>label`), `NAME.cites` (`a<TAB>b`, one undirected edge a line) and
//! `NAME.split` (`id<TAB>train|val|test|unlabeled`). Ids are strings, as in the original
//! LINQS files.

use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use super::Examples;
use crate::error::{NslError, Result};

/// Longest line accepted (bytes); Cora's are ~2.9 kB, Pubmed's a little more.
const MAX_LINE: usize = 1 << 20;
/// Most lines accepted per file.
const MAX_LINES: usize = 10_000_000;

/// Where each node belongs in the experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitKind {
    /// Labeled training node.
    Train,
    /// Validation node.
    Val,
    /// Test node.
    Test,
    /// In the graph, label unused.
    Unlabeled,
}

/// A citation graph with node features, labels and a split.
#[derive(Debug, Clone)]
pub struct Planetoid {
    /// Node ids as written in the files.
    pub ids: Vec<String>,
    /// Features and labels of every node.
    pub nodes: Examples,
    /// Label names, index = class.
    pub class_names: Vec<String>,
    /// Edges as node indices, each once, weight 1.
    pub edges: Vec<(usize, usize, f32)>,
    /// Split of every node (all `Unlabeled` without a split file).
    pub split: Vec<SplitKind>,
}

impl Planetoid {
    /// Indices of the nodes in `kind`, ascending.
    pub fn indices(&self, kind: SplitKind) -> Vec<usize> {
        (0..self.split.len()).filter(|&i| self.split[i] == kind).collect()
    }

    /// Loads the single `NAME.content` / `NAME.cites` / `NAME.split` triple in `dir`,
    /// whatever NAME is (`.split` is optional).
    pub fn load_dir(dir: &Path) -> Result<Planetoid> {
        let content = single_with_extension(dir, "content")?;
        let cites = content.with_extension("cites");
        let split = content.with_extension("split");
        Self::load(&content, &cites, split.exists().then_some(split.as_path()))
    }

    /// Loads the three files.
    pub fn load(content: &Path, cites: &Path, split: Option<&Path>) -> Result<Planetoid> {
        let mut ids = Vec::new();
        let mut index = HashMap::new();
        let mut features = Vec::new();
        let mut labels = Vec::new();
        let mut class_index: HashMap<String, u32> = HashMap::new();
        let mut class_names = Vec::new();
        let mut dim = None;
        for_each_line(content, |line_no, line| {
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() < 3 {
                return Err(format!(
                    "line {line_no}: expected id, features and label, got {} fields",
                    fields.len()
                ));
            }
            let width = fields.len() - 2;
            match dim {
                None => dim = Some(width),
                Some(d) if d != width => {
                    return Err(format!("line {line_no}: {width} features, earlier lines have {d}"));
                }
                _ => {}
            }
            let id = fields[0].to_string();
            if index.insert(id.clone(), ids.len()).is_some() {
                return Err(format!("line {line_no}: duplicate node id {id:?}"));
            }
            ids.push(id);
            for (k, value) in fields[1..=width].iter().enumerate() {
                let v: f32 = value
                    .parse()
                    .map_err(|_| format!("line {line_no}: feature {} is not a number: {value:?}", k + 1))?;
                features.push(v);
            }
            let label = fields[width + 1];
            let next = class_index.len() as u32;
            let class = *class_index.entry(label.to_string()).or_insert_with(|| {
                class_names.push(label.to_string());
                next
            });
            labels.push(class);
            Ok(())
        })?;
        let dim = dim.ok_or_else(|| NslError::Data {
            path: content.display().to_string(),
            reason: "no nodes".into(),
        })?;
        // Classes are numbered by sorted name so that c0..c6 map to 0..6 whatever the order.
        let mut order: Vec<usize> = (0..class_names.len()).collect();
        order.sort_by(|&a, &b| class_names[a].cmp(&class_names[b]));
        let mut remap = vec![0u32; class_names.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new as u32;
        }
        let class_names: Vec<String> = order.iter().map(|&i| class_names[i].clone()).collect();
        let labels: Vec<u32> = labels.iter().map(|&l| remap[l as usize]).collect();

        let lookup = |line_no: usize, id: &str| {
            index.get(id).copied().ok_or_else(|| format!("line {line_no}: unknown node id {id:?}"))
        };
        let mut edges = Vec::new();
        for_each_line(cites, |line_no, line| {
            let fields: Vec<&str> = line.split('\t').collect();
            if !(2..=3).contains(&fields.len()) {
                return Err(format!("line {line_no}: expected source<TAB>target[<TAB>weight]"));
            }
            let weight = match fields.get(2) {
                Some(w) => {
                    w.parse::<f32>().map_err(|_| format!("line {line_no}: weight is not a number: {w:?}"))?
                }
                None => 1.0,
            };
            edges.push((lookup(line_no, fields[0])?, lookup(line_no, fields[1])?, weight));
            Ok(())
        })?;
        let mut split_kinds = vec![SplitKind::Unlabeled; ids.len()];
        if let Some(split) = split {
            for_each_line(split, |line_no, line| {
                let (id, kind) = line
                    .split_once('\t')
                    .ok_or_else(|| format!("line {line_no}: expected id<TAB>train|val|test|unlabeled"))?;
                split_kinds[lookup(line_no, id)?] = match kind {
                    "train" => SplitKind::Train,
                    "val" => SplitKind::Val,
                    "test" => SplitKind::Test,
                    "unlabeled" => SplitKind::Unlabeled,
                    other => return Err(format!("line {line_no}: unknown split {other:?}")),
                };
                Ok(())
            })?;
        }
        Ok(Planetoid {
            ids,
            nodes: Examples { features, dim, labels, classes: class_names.len() },
            class_names,
            edges,
            split: split_kinds,
        })
    }
}

/// The one file in `dir` with the given extension.
fn single_with_extension(dir: &Path, extension: &str) -> Result<PathBuf> {
    let err = |reason: String| NslError::Data { path: dir.display().to_string(), reason };
    let entries = std::fs::read_dir(dir).map_err(|e| err(e.to_string()))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(err(format!("no *.{extension} file (expected a NAME.content/.cites/.split triple)"))),
        n => Err(err(format!(
            "{n} *.{extension} files; keep one NAME.content/.cites/.split triple per directory"
        ))),
    }
}

/// Calls `f(line_number, line)` for each non-empty line that is not a `#` comment, streaming,
/// with line-length and line-count limits; the first error names the file.
fn for_each_line(
    path: &Path,
    mut f: impl FnMut(usize, &str) -> std::result::Result<(), String>,
) -> Result<()> {
    let err = |reason: String| NslError::Data { path: path.display().to_string(), reason };
    let file = std::fs::File::open(path).map_err(|e| err(e.to_string()))?;
    let mut reader = std::io::BufReader::new(file);
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| err(e.to_string()))?;
        if read == 0 {
            return Ok(());
        }
        line_no += 1;
        if line_no > MAX_LINES {
            return Err(err(format!("more than {MAX_LINES} lines")));
        }
        if buf.len() > MAX_LINE && buf.last() != Some(&b'\n') {
            return Err(err(format!("line {line_no}: longer than {MAX_LINE} bytes")));
        }
        let line = std::str::from_utf8(&buf).map_err(|_| err(format!("line {line_no}: not UTF-8")))?;
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        f(line_no, line).map_err(err)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nsl-planetoid-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn loads_a_small_triple() {
        let dir = temp_dir("ok");
        write(&dir, "tiny.content", "p1\t1\t0\tc1\np2\t0\t1\tc0\n# comment\n\np3\t1\t1\tc1\n");
        write(&dir, "tiny.cites", "p1\tp2\np3\tp1\t0.5\n");
        write(&dir, "tiny.split", "p1\ttrain\np2\ttest\np3\tunlabeled\n");
        let g = Planetoid::load_dir(&dir).unwrap();
        assert_eq!(g.ids, vec!["p1", "p2", "p3"]);
        assert_eq!(g.class_names, vec!["c0", "c1"]);
        assert_eq!(g.nodes.labels, vec![1, 0, 1]);
        assert_eq!(g.nodes.row(2), &[1.0, 1.0]);
        assert_eq!(g.edges, vec![(0, 1, 1.0), (2, 0, 0.5)]);
        assert_eq!(g.indices(SplitKind::Train), vec![0]);
        assert_eq!(g.indices(SplitKind::Test), vec![1]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn errors_name_file_line_and_reason() {
        let dir = temp_dir("bad");
        let content = write(&dir, "x.content", "a\t1\tc0\nb\t1\t2\tc1\n");
        let cites = write(&dir, "x.cites", "a\tb\n");
        let err = Planetoid::load(&content, &cites, None).unwrap_err().to_string();
        assert!(err.contains("x.content") && err.contains("line 2") && err.contains("2 features"), "{err}");
        let content = write(&dir, "x.content", "a\t1\tc0\nb\t0\tc1\n");
        let cites = write(&dir, "x.cites", "a\tzz\n");
        let err = Planetoid::load(&content, &cites, None).unwrap_err().to_string();
        assert!(err.contains("x.cites") && err.contains("line 1") && err.contains("\"zz\""), "{err}");
        let content = write(&dir, "x.content", "a\tnope\tc0\n");
        let err = Planetoid::load(&content, &cites, None).unwrap_err().to_string();
        assert!(err.contains("not a number"), "{err}");
        let bytes = vec![b'x'; MAX_LINE + 10];
        std::fs::write(&content, &bytes).unwrap();
        let err = Planetoid::load(&content, &cites, None).unwrap_err().to_string();
        assert!(err.contains("longer than"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
