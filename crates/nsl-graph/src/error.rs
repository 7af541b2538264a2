//! Errors of the graph crate: every one names what is wrong and where.

/// Everything that can go wrong reading, validating or processing a graph.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// An input could not be read or parsed. `file` is the file name (or another label for
    /// in-memory input); `line` is 1-based where the format has lines.
    #[error("{file}{}: {reason}", line.map(|l| format!(": line {l}")).unwrap_or_default())]
    Parse {
        /// The file (or input label).
        file: String,
        /// The 1-based line of the first bad input, where there is one.
        line: Option<usize>,
        /// What is wrong.
        reason: String,
    },
    /// The graph breaks an invariant (unknown set, index out of range, wrong feature rows…).
    #[error("invalid graph: {0}")]
    Invalid(String),
    /// A tool was configured with values out of their domain.
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl GraphError {
    /// A parse error without a line number.
    pub fn parse(file: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Parse { file: file.into(), line: None, reason: reason.into() }
    }

    /// A parse error at a line.
    pub fn at_line(file: impl Into<String>, line: usize, reason: impl Into<String>) -> Self {
        Self::Parse { file: file.into(), line: Some(line), reason: reason.into() }
    }
}

/// Result alias of the crate.
pub type Result<T, E = GraphError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_source_and_line() {
        assert_eq!(GraphError::at_line("g.tsv", 3, "bad").to_string(), "g.tsv: line 3: bad");
        assert_eq!(GraphError::parse("g.json", "empty").to_string(), "g.json: empty");
    }
}
