//! How large a lesson may be. A lesson arrives from a file a stranger sent or a link that
//! carries it: it is bounded before it is parsed, and each part after.

/// Bytes of a lesson file (the built-in lessons are under 12 KB).
pub const MAX_FILE_BYTES: usize = 64 * 1024;
/// Steps of a lesson.
pub const MAX_STEPS: usize = 40;
/// Characters of one piece of prose (a step's text, a prompt, a reveal).
pub const MAX_TEXT_CHARS: usize = 6_000;
/// Characters of a title, a summary or a source line.
pub const MAX_LINE_CHARS: usize = 300;
/// Characters of a lesson id (`[a-z0-9-]`).
pub const MAX_ID_CHARS: usize = 64;
/// Checks of one task.
pub const MAX_CHECKS: usize = 8;
/// Settings one step's setup changes.
pub const MAX_SET: usize = 32;
/// Minutes one step may say it takes.
pub const MAX_MINUTES: u32 = 60;

/// The message for `what` being `value`, over `limit`.
pub fn over(what: &str, value: usize, limit: usize) -> String {
    format!("{what} is {value}, over the limit of {limit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's lesson table states these limits.
    #[test]
    fn the_readme_states_the_lesson_limits() {
        let readme = include_str!("../../../../README.md");
        let rows = [
            format!("| the file | {} KiB |", MAX_FILE_BYTES / 1024),
            format!("| steps | {MAX_STEPS} |"),
            format!(
                "| a step's text, a prompt, a success message, a reveal | {},{:03} characters |",
                MAX_TEXT_CHARS / 1000,
                MAX_TEXT_CHARS % 1000
            ),
            format!("| a title, summary or source | {MAX_LINE_CHARS} characters |"),
            format!("| an id | {MAX_ID_CHARS} characters of a–z, 0–9 and `-` |"),
            format!("| checks of a task | {MAX_CHECKS} |"),
            format!("| settings a step's setup changes | {MAX_SET} |"),
            format!("| a step's minutes | {MAX_MINUTES} |"),
        ];
        for row in rows {
            assert!(readme.contains(&row), "the README's lesson limits lack {row}");
        }
    }
}
