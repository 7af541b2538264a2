//! Settings kept in the browser between visits (localStorage): the last setup (as its URL
//! hash), the backend choice, the speed and the progress in each lesson. Storage may be
//! unavailable (private windows, file URLs): then nothing persists and nothing fails.

use crate::protocol::BackendChoice;

const SETUP: &str = "nsl-playground/setup";
const BACKEND: &str = "nsl-playground/backend";
const SPEED: &str = "nsl-playground/speed";
const LESSONS: &str = "nsl-playground/lessons";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

fn set(key: &str, value: &str) {
    if let Some(s) = storage() {
        // A full or disabled storage only means the setting does not persist.
        let _ = s.set_item(key, value);
    }
}

/// The hash of the last setup.
pub fn setup() -> Option<String> {
    get(SETUP)
}

/// Remembers the setup's hash.
pub fn save_setup(hash: &str) {
    set(SETUP, hash);
}

/// The backend chosen last time.
pub fn backend() -> BackendChoice {
    get(BACKEND).and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default()
}

/// Remembers the backend choice.
pub fn save_backend(choice: BackendChoice) {
    set(BACKEND, &serde_json::to_string(&choice).expect("an enum serialises"));
}

/// The speed chosen last time.
pub fn speed() -> Option<usize> {
    get(SPEED)?.parse().ok()
}

/// Remembers the speed.
pub fn save_speed(speed: usize) {
    set(SPEED, &speed.to_string());
}

/// What the learner has done in each lesson.
pub fn lessons() -> crate::lesson::progress::Progress {
    crate::lesson::progress::Progress::read(get(LESSONS).as_deref())
}

/// Remembers the lesson progress.
pub fn save_lessons(progress: &crate::lesson::progress::Progress) {
    set(LESSONS, &progress.write());
}
