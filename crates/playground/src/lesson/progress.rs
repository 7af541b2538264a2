//! What a learner has done in each lesson: the step they were on and the tasks they passed,
//! kept in the browser between visits (`storage` writes it as JSON).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// One lesson's progress.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    /// The step the learner was on (0-based).
    pub step: usize,
    /// Steps whose task passed (0-based).
    pub done: BTreeSet<usize>,
}

/// Progress per lesson id.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Progress(pub BTreeMap<String, LessonProgress>);

/// Lessons remembered (a teacher's own files add ids; the oldest are not kept past this).
const MAX_LESSONS: usize = 100;

impl Progress {
    /// Reads what storage holds (anything unreadable is a fresh start, not an error).
    pub fn read(json: Option<&str>) -> Progress {
        json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default()
    }

    /// The JSON storage keeps.
    pub fn write(&self) -> String {
        serde_json::to_string(self).expect("plain data serialises")
    }

    /// The progress of lesson `id`.
    pub fn of(&self, id: &str) -> LessonProgress {
        self.0.get(id).cloned().unwrap_or_default()
    }

    /// Notes that the learner is on `step` of `id`.
    pub fn on_step(&mut self, id: &str, step: usize) {
        self.entry(id).step = step;
    }

    /// Notes that the task of `step` of `id` passed.
    pub fn passed(&mut self, id: &str, step: usize) {
        self.entry(id).done.insert(step);
    }

    fn entry(&mut self, id: &str) -> &mut LessonProgress {
        if !self.0.contains_key(id) && self.0.len() >= MAX_LESSONS {
            let first = self.0.keys().next().cloned().expect("not empty");
            self.0.remove(&first);
        }
        self.0.entry(id.to_string()).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_round_trips_and_survives_garbage() {
        let mut progress = Progress::default();
        progress.on_step("graph-regularization", 3);
        progress.passed("graph-regularization", 1);
        progress.passed("graph-regularization", 2);
        let read = Progress::read(Some(&progress.write()));
        assert_eq!(read, progress);
        assert_eq!(read.of("graph-regularization").done, [1, 2].into());
        assert_eq!(read.of("other"), LessonProgress::default());
        assert_eq!(Progress::read(Some("{not json")), Progress::default());
        assert_eq!(Progress::read(None), Progress::default());
        for i in 0..MAX_LESSONS + 5 {
            progress.on_step(&format!("l{i:03}"), 1);
        }
        assert_eq!(progress.0.len(), MAX_LESSONS);
    }
}
