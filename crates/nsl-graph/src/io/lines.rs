//! Streaming, size-limited line reading shared by the text formats.

use std::io::{BufRead, Read};

use crate::error::{GraphError, Result};

/// How much input a reader accepts before it gives up with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest line, in bytes.
    pub max_line_bytes: usize,
    /// Most lines per file.
    pub max_lines: usize,
    /// Most bytes per file (binary and JSON inputs).
    pub max_bytes: u64,
    /// Most nodes (or rows) per input.
    pub max_nodes: usize,
    /// Most edges per input.
    pub max_edges: usize,
}

impl Default for Limits {
    /// Far above Pubmed (19,717 nodes, 500 features, 44k edges) and 50k × 100 embeddings,
    /// far below what would exhaust a browser tab.
    fn default() -> Self {
        Self {
            max_line_bytes: 1 << 20,
            max_lines: 20_000_000,
            max_bytes: 1 << 30,
            max_nodes: 5_000_000,
            max_edges: 20_000_000,
        }
    }
}

impl Limits {
    /// Small limits for fuzzing and tests, so that limit paths are exercised too.
    pub fn small() -> Self {
        Self {
            max_line_bytes: 4096,
            max_lines: 10_000,
            max_bytes: 1 << 20,
            max_nodes: 10_000,
            max_edges: 10_000,
        }
    }

    /// Errors when `count` items of `what` exceed `limit`.
    pub(crate) fn check(file: &str, line: usize, what: &str, count: usize, limit: usize) -> Result<()> {
        if count > limit {
            return Err(GraphError::at_line(
                file,
                line,
                format!("more than {limit} {what} (the size limit)"),
            ));
        }
        Ok(())
    }
}

/// Calls `f(line_number, line)` for every line that is neither blank nor a `#` comment,
/// reading `input` a line at a time; stops at the first error, which names `file` and the line.
/// A trailing `\r` is dropped (files written on Windows).
pub fn for_each_line(
    file: &str,
    input: impl Read,
    limits: &Limits,
    mut f: impl FnMut(usize, &str) -> std::result::Result<(), String>,
) -> Result<()> {
    let mut reader = std::io::BufReader::new(input);
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(limits.max_line_bytes as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| GraphError::parse(file, e.to_string()))?;
        if read == 0 {
            return Ok(());
        }
        line_no += 1;
        Limits::check(file, line_no, "lines", line_no, limits.max_lines)?;
        let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
        if body.len() > limits.max_line_bytes {
            return Err(GraphError::at_line(
                file,
                line_no,
                format!("longer than {} bytes", limits.max_line_bytes),
            ));
        }
        let line = std::str::from_utf8(body).map_err(|_| GraphError::at_line(file, line_no, "not UTF-8"))?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        f(line_no, line).map_err(|reason| GraphError::at_line(file, line_no, reason))?;
    }
}

/// Reads all of `input`, refusing more than `limits.max_bytes`.
pub fn read_all(file: &str, input: impl Read, limits: &Limits) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    input
        .take(limits.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| GraphError::parse(file, e.to_string()))?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(GraphError::parse(
            file,
            format!("larger than {} bytes (the size limit)", limits.max_bytes),
        ));
    }
    Ok(bytes)
}

/// Parses a finite f32, with the reason on failure.
pub(crate) fn parse_f32(what: &str, text: &str) -> std::result::Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("{what} is not finite: {text:?}")),
        Err(_) => Err(format!("{what} is not a number: {text:?}")),
    }
}

/// Opens `path` for reading, with the path in the error.
pub(crate) fn open(path: &std::path::Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|e| GraphError::parse(path.display().to_string(), e.to_string()))
}

/// Creates `path` for writing, buffered, with the path in the error.
pub(crate) fn create(path: &std::path::Path) -> Result<std::io::BufWriter<std::fs::File>> {
    std::fs::File::create(path)
        .map(std::io::BufWriter::new)
        .map_err(|e| GraphError::parse(path.display().to_string(), e.to_string()))
}

/// Maps a write error to a [`GraphError`] naming the file.
pub(crate) fn write_err(file: &str) -> impl Fn(std::io::Error) -> GraphError + '_ {
    move |e| GraphError::parse(file, format!("cannot write: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &[u8], limits: &Limits) -> Result<Vec<(usize, String)>> {
        let mut out = Vec::new();
        for_each_line("t.txt", text, limits, |n, l| {
            out.push((n, l.to_string()));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn skips_blanks_and_comments_and_counts_lines() {
        let lines = collect(b"a\n\n# c\r\nb\r\n  \nc", &Limits::default()).unwrap();
        assert_eq!(lines, vec![(1, "a".into()), (4, "b".into()), (6, "c".into())]);
    }

    #[test]
    fn limits_and_encoding_errors_name_the_line() {
        let limits = Limits { max_line_bytes: 4, max_lines: 3, ..Limits::small() };
        assert_eq!(collect(b"abcd\nabcd\n", &limits).unwrap().len(), 2);
        let err = collect(b"ab\nabcde\n", &limits).unwrap_err().to_string();
        assert_eq!(err, "t.txt: line 2: longer than 4 bytes");
        let err = collect(b"a\nb\nc\nd\n", &limits).unwrap_err().to_string();
        assert!(err.contains("line 4") && err.contains("more than 3 lines"), "{err}");
        let err = collect(b"a\n\xff\n", &limits).unwrap_err().to_string();
        assert_eq!(err, "t.txt: line 2: not UTF-8");
        let err = for_each_line("t.txt", &b"x\n"[..], &limits, |_, _| Err("bad x".into())).unwrap_err();
        assert_eq!(err.to_string(), "t.txt: line 1: bad x");
        let err = read_all("b.u8", &[0u8; 10][..], &Limits { max_bytes: 9, ..limits }).unwrap_err();
        assert!(err.to_string().contains("larger than 9 bytes"));
        assert_eq!(parse_f32("w", "inf").unwrap_err(), "w is not finite: \"inf\"");
    }
}
