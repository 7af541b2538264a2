//! A lesson's place in the URL hash: `#lesson=<id>&step=<n>` for a built-in lesson,
//! `#lesson-file=<file>&step=<n>` for a teacher's own (the file's name and text deflated and
//! base64url-encoded, so the link carries the whole lesson), `&present` for the presenter view,
//! and `#lessons` for the lesson index. Steps count from 1, as the page shows them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::limits::MAX_FILE_BYTES;

/// Where a lesson comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A built-in lesson, by id.
    Builtin(String),
    /// A teacher's file: its name and text.
    File {
        /// The file's name.
        name: String,
        /// Its text.
        text: String,
    },
}

/// A lesson and the step to open it at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The lesson.
    pub source: Source,
    /// The step (0-based).
    pub step: usize,
    /// The presenter view (large type, a link for every learner).
    pub present: bool,
}

/// What a hash that is not a setup's asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// The lesson index.
    Index,
    /// A lesson at a step.
    Lesson(Address),
}

const BUILTIN: &str = "lesson=";
const FILE: &str = "lesson-file=";
const INDEX: &str = "lessons";
/// The longest lesson-file hash read (the base64 of a deflated file at its size limit).
const MAX_FILE_HASH: usize = (MAX_FILE_BYTES + 1024) * 4 / 3 + 64;

/// Whether `hash` (with or without `#`) is about lessons rather than a setup.
pub fn is_lesson_hash(hash: &str) -> bool {
    let hash = hash.trim_start_matches('#');
    hash == INDEX || hash.starts_with(BUILTIN) || hash.starts_with(FILE)
}

/// The hash (without `#`) of `address`.
pub fn encode(address: &Address) -> String {
    let mut hash = match &address.source {
        Source::Builtin(id) => format!("{BUILTIN}{id}"),
        Source::File { name, text } => {
            let payload = format!("{name}\n{text}");
            let deflated = miniz_oxide::deflate::compress_to_vec(payload.as_bytes(), 9);
            format!("{FILE}{}", URL_SAFE_NO_PAD.encode(deflated))
        }
    };
    hash.push_str(&format!("&step={}", address.step + 1));
    if address.present {
        hash.push_str("&present");
    }
    hash
}

/// The request a lesson hash (with or without `#`) makes.
pub fn decode(hash: &str) -> Result<Request, String> {
    let hash = hash.trim_start_matches('#');
    if hash == INDEX {
        return Ok(Request::Index);
    }
    if hash.len() > MAX_FILE_HASH {
        return Err(format!(
            "the lesson link is {} characters long; one carrying a lesson has at most {MAX_FILE_HASH}",
            hash.len()
        ));
    }
    let mut parts = hash.split('&');
    let head = parts.next().unwrap_or_default();
    let source = if let Some(id) = head.strip_prefix(BUILTIN) {
        if id.is_empty()
            || id.len() > 64
            || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("the lesson link names no lesson id (a–z, 0–9 and “-”)".into());
        }
        Source::Builtin(id.to_string())
    } else if let Some(payload) = head.strip_prefix(FILE) {
        let bad = |why: String| format!("the lesson link's file cannot be read: {why}");
        let deflated = URL_SAFE_NO_PAD.decode(payload).map_err(|e| bad(format!("not base64url ({e})")))?;
        let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_FILE_BYTES + 256)
            .map_err(|e| bad(format!("not deflated data, or over {MAX_FILE_BYTES} bytes ({e:?})")))?;
        let text = String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into()))?;
        let (name, text) = text.split_once('\n').ok_or_else(|| bad("no file name".into()))?;
        Source::File { name: name.chars().take(120).collect(), text: text.to_string() }
    } else {
        return Err("not a lesson link".into());
    };
    let mut step = 0;
    let mut present = false;
    for part in parts {
        match part.split_once('=') {
            Some(("step", n)) => {
                step = match n.parse::<usize>() {
                    Ok(n) if n >= 1 => n - 1,
                    _ => return Err(format!("the lesson link's step “{n}” is not a number ≥ 1")),
                }
            }
            None if part == "present" => present = true,
            _ => {
                return Err(format!(
                    "the lesson link has an unknown part “{}”",
                    part.chars().take(40).collect::<String>()
                ));
            }
        }
    }
    Ok(Request::Lesson(Address { source, step, present }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_addresses_round_trip() {
        let builtin =
            Address { source: Source::Builtin("graph-regularization".into()), step: 2, present: false };
        assert_eq!(encode(&builtin), "lesson=graph-regularization&step=3");
        assert_eq!(decode("#lesson=graph-regularization&step=3"), Ok(Request::Lesson(builtin.clone())));
        assert_eq!(
            decode("lesson=graph-regularization"),
            Ok(Request::Lesson(Address { step: 0, ..builtin.clone() }))
        );
        let file = Address {
            source: Source::File { name: "mine.toml".into(), text: "id = \"mine\"\n# ünïcode\n".into() },
            step: 0,
            present: true,
        };
        let hash = encode(&file);
        assert!(is_lesson_hash(&hash) && hash.ends_with("&step=1&present"), "{hash}");
        assert_eq!(decode(&hash), Ok(Request::Lesson(file)));
        assert_eq!(decode("#lessons"), Ok(Request::Index));
        assert!(!is_lesson_hash("#v1.abc") && is_lesson_hash("#lessons"));
    }

    #[test]
    fn broken_lesson_links_say_why() {
        assert!(decode("lesson=").unwrap_err().contains("no lesson id"));
        assert!(decode("lesson=<script>").unwrap_err().contains("no lesson id"));
        assert!(decode("lesson=a&step=0").unwrap_err().contains("≥ 1"));
        assert!(decode("lesson=a&step=x").unwrap_err().contains("“x”"));
        assert!(decode("lesson=a&colour=red").unwrap_err().contains("unknown part"));
        assert!(decode("lesson-file=***").unwrap_err().contains("base64url"));
        let bomb =
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&vec![b'a'; 4 * MAX_FILE_BYTES], 9));
        assert!(decode(&format!("lesson-file={bomb}")).unwrap_err().contains("over"));
        let huge = format!("lesson-file={}", "A".repeat(MAX_FILE_HASH));
        assert!(decode(&huge).unwrap_err().contains("characters long"));
    }
}
