//! Lessons from strangers: any bytes as a teacher's lesson file, and any bytes as the hash of a
//! lesson link. A file is refused with a message naming the file, or read into a lesson whose
//! every text renders; a link is refused or names a lesson whose own link reads back the same —
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playground::lesson::{self, address, prose};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // As a file picked, dropped or carried by a link.
    match lesson::parse("fuzzed.toml", text) {
        Ok(lesson) => {
            for step in &lesson.steps {
                let task = step.task.iter().flat_map(|t| [&t.prompt, &t.success]);
                for markdown in std::iter::once(&step.text).chain(step.reveal.iter()).chain(task) {
                    let _ = prose::plain_text(&prose::parse(markdown));
                }
            }
        }
        Err(error) => assert!(error.to_string().starts_with("Lesson file “fuzzed.toml”"), "{error}"),
    }
    // As typed into the address bar.
    if let Ok(address::Request::Lesson(opened)) = address::decode(text) {
        let again = address::decode(&address::encode(&opened)).expect("a lesson's own link opens");
        assert_eq!(again, address::Request::Lesson(opened), "a lesson address survives its link");
    }
});
