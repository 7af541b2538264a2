//! Notices a training worker that died without a word. A worker that panics says so
//! ([`crate::protocol::Event::Crashed`]); one that runs out of memory, hangs or is closed says
//! nothing — its training loop then stops answering the page's pings. Pure: the app feeds it
//! the clock and what the worker said, and does what [`Watchdog::check`] tells it.

/// How often the page asks whether the worker is alive (ms).
pub const PING_EVERY_MS: f64 = 2_000.0;

/// Silence after a ping that means the worker is gone (ms). The worker answers between two
/// ticks of training, and a tick may be long: WebGPU compiles its shaders on first use (tens
/// of seconds on a software adapter), a burst of 500 CNN steps on a slow CPU takes as long.
pub const DEADLINE_MS: f64 = 90_000.0;

/// What the page should do now.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Nothing.
    Wait,
    /// Send the worker this ping.
    Ping(u32),
    /// The worker has not answered a ping for this long (ms): start another.
    Gone(f64),
}

/// The page's watch over one worker.
#[derive(Debug, Default)]
pub struct Watchdog {
    /// The worker has said something: it started, so silence now means something.
    armed: bool,
    /// The next ping's number.
    next: u32,
    /// The ping not answered yet and when it left (ms).
    waiting: Option<(u32, f64)>,
}

impl Watchdog {
    /// A watch over a worker that is starting (silent until its module has loaded).
    pub fn new() -> Self {
        Self::default()
    }

    /// The worker said something: `Some(n)` when it answered ping `n`.
    pub fn heard(&mut self, answer: Option<u32>) {
        self.armed = true;
        if let (Some(n), Some((waiting, _))) = (answer, self.waiting)
            && n == waiting
        {
            self.waiting = None;
        }
    }

    /// What to do at `now` (ms).
    pub fn check(&mut self, now: f64) -> Verdict {
        if !self.armed {
            return Verdict::Wait;
        }
        match self.waiting {
            Some((_, sent)) if now - sent > DEADLINE_MS => {
                // Gone once: the next worker gets a watch of its own.
                *self = Self::new();
                Verdict::Gone(now - sent)
            }
            Some(_) => Verdict::Wait,
            None => {
                let n = self.next;
                self.next = self.next.wrapping_add(1);
                self.waiting = Some((n, now));
                Verdict::Ping(n)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_starting_worker_is_not_pinged() {
        let mut dog = Watchdog::new();
        assert_eq!(dog.check(0.0), Verdict::Wait);
        assert_eq!(dog.check(60_000.0), Verdict::Wait, "loading the module may take long");
    }

    #[test]
    fn an_answering_worker_is_pinged_again_and_never_gone() {
        let mut dog = Watchdog::new();
        dog.heard(None);
        let mut now = 0.0;
        for expected in 0..20 {
            assert_eq!(dog.check(now), Verdict::Ping(expected));
            assert_eq!(dog.check(now + 1_000.0), Verdict::Wait, "one ping at a time");
            dog.heard(Some(expected));
            now += PING_EVERY_MS;
        }
    }

    #[test]
    fn silence_past_the_deadline_is_a_lost_worker() {
        let mut dog = Watchdog::new();
        dog.heard(None);
        assert_eq!(dog.check(0.0), Verdict::Ping(0));
        dog.heard(None);
        assert_eq!(dog.check(DEADLINE_MS), Verdict::Wait, "other events do not answer the ping");
        dog.heard(Some(7));
        assert_eq!(dog.check(DEADLINE_MS + 1.0), Verdict::Gone(DEADLINE_MS + 1.0), "nor does another number");
        assert_eq!(
            dog.check(DEADLINE_MS + 2.0),
            Verdict::Wait,
            "reported once; the next worker starts silent"
        );
    }
}
