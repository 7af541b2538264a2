//! Embeddings for `build_graph` as TSV lines `id<TAB>x1<TAB>x2…`, all of one width.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use super::lines::{self, Limits};
use crate::build::Embeddings;
use crate::error::{GraphError, Result};

/// Reads embeddings from `input`; `file` names it in errors.
pub fn read(file: &str, input: impl Read, limits: &Limits) -> Result<Embeddings> {
    let mut ids = Vec::new();
    let mut seen = HashSet::new();
    let mut values = Vec::new();
    let mut dim = None;
    lines::for_each_line(file, input, limits, |_, line| {
        let mut fields = line.split('\t');
        let id = fields.next().unwrap_or_default();
        if id.is_empty() {
            return Err("empty id".into());
        }
        if !seen.insert(id.to_string()) {
            return Err(format!("duplicate id {id:?}"));
        }
        if ids.len() >= limits.max_nodes {
            return Err(format!("more than {} embeddings (the size limit)", limits.max_nodes));
        }
        let before = values.len();
        for (k, field) in fields.enumerate() {
            values.push(lines::parse_f32(&format!("value {}", k + 1), field)?);
        }
        let width = values.len() - before;
        match dim {
            _ if width == 0 => return Err("no values after the id".into()),
            None => dim = Some(width),
            Some(d) if d != width => return Err(format!("{width} values, earlier lines have {d}")),
            _ => {}
        }
        ids.push(id.to_string());
        Ok(())
    })?;
    let dim = dim.ok_or_else(|| GraphError::parse(file, "no embeddings"))?;
    Ok(Embeddings { ids, dim, values })
}

/// Reads the embeddings file at `path`.
pub fn read_path(path: &Path, limits: &Limits) -> Result<Embeddings> {
    read(&path.display().to_string(), lines::open(path)?, limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_reports_bad_ones() {
        let e = read("e.tsv", "a\t1\t0\nb\t0\t1\n".as_bytes(), &Limits::default()).unwrap();
        assert_eq!((e.ids.len(), e.dim, e.values.len()), (2, 2, 4));
        let cases = [
            ("a\t1\nb\t1\t2\n", "e.tsv: line 2: 2 values, earlier lines have 1"),
            ("a\t1\na\t2\n", "e.tsv: line 2: duplicate id \"a\""),
            ("a\n", "e.tsv: line 1: no values after the id"),
            ("a\tx\n", "e.tsv: line 1: value 1 is not a number: \"x\""),
            ("", "e.tsv: no embeddings"),
        ];
        for (text, message) in cases {
            assert_eq!(read("e.tsv", text.as_bytes(), &Limits::default()).unwrap_err().to_string(), message);
        }
    }
}
