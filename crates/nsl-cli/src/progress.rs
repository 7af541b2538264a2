//! Progress bars on stderr for training runs (hidden when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};

/// A bar for `len` units of work (hidden when stderr is not a terminal); the message says
/// which phase runs.
pub fn work_bar(prefix: &str, len: u64) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>10} [{bar:30}] {msg} {pos}/{len}, {elapsed}, eta {eta}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(prefix.to_string());
    bar
}
use nsl::train::experiment::Event;

/// Turns the library's training events into one progress bar per trained model.
#[derive(Debug, Default)]
pub struct TrainingProgress {
    bar: Option<ProgressBar>,
    steps_per_epoch: u64,
}

impl TrainingProgress {
    /// Handles one event.
    pub fn on_event(&mut self, event: Event<'_>) {
        match event {
            Event::RunStarted { variant, epochs, steps_per_epoch } => {
                let bar = ProgressBar::new((epochs * steps_per_epoch) as u64);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>10} [{bar:30}] epoch {msg} {pos}/{len} steps, {elapsed}",
                    )
                    .expect("a valid template")
                    .progress_chars("=> "),
                );
                bar.set_prefix(variant.to_string());
                self.steps_per_epoch = steps_per_epoch as u64;
                self.bar = Some(bar);
            }
            Event::Step { epoch, step, .. } => {
                if let Some(bar) = &self.bar {
                    bar.set_position((epoch as u64 - 1) * self.steps_per_epoch + step as u64);
                }
            }
            Event::Epoch { stats, .. } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(format!("{} loss {:.4}", stats.epoch, stats.total));
                }
            }
            Event::RunFinished { .. } => {
                if let Some(bar) = self.bar.take() {
                    bar.finish();
                }
            }
        }
    }
}
