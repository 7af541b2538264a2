//! The runtime's measurements besides training: the adversary card's probe, the inspected
//! graph node, and the robustness curves point by point.

use super::Runtime;
use crate::protocol::{Event, RobustnessProgress};

impl Runtime {
    /// Starts measuring the robustness curves (training pauses), or says why it cannot.
    pub(super) fn start_robustness(&mut self) {
        let Some(engine) = &self.engine else { return };
        match engine.robustness_job() {
            Ok(job) => {
                if self.running {
                    self.running = false;
                    (self.send)(Event::Paused);
                }
                (self.send)(Event::Robustness(job.progress().clone()));
                self.robustness = Some(job);
            }
            Err(e) => (self.send)(Event::Robustness(RobustnessProgress {
                error: Some(e.to_string()),
                ..Default::default()
            })),
        }
    }

    /// Measures the probe in force on every model and sends it.
    pub(super) async fn probe_now(&mut self) {
        self.probe_due = false;
        self.probed_at = js_sys::Date::now();
        let (Some(engine), Some(spec)) = (&self.engine, &self.probe) else { return };
        let measured = match engine.probe(spec) {
            Ok(pending) => {
                let mut results = Vec::with_capacity(pending.len());
                for (variant, probe) in pending {
                    match probe.read_async().await {
                        Ok(result) => results.push((variant, result)),
                        Err(e) => return self.fail(e),
                    }
                }
                results
            }
            // A graph model or a row the data lacks: nothing to show.
            Err(e) => {
                web_sys::console::warn_1(&format!("probe: {e}").into());
                Vec::new()
            }
        };
        (self.send)(Event::Probed(measured));
    }

    /// Inspects the chosen graph node on every model and sends what it found.
    pub(super) async fn inspect_now(&mut self) {
        self.inspect_due = false;
        let (Some(engine), Some(node)) = (&self.engine, self.inspected) else { return };
        let step = engine.steps_done();
        let pending = match engine.inspect_node(node as usize) {
            Ok(pending) => pending,
            Err(e) => {
                web_sys::console::warn_1(&format!("inspect: {e}").into());
                return;
            }
        };
        let mut models = Vec::with_capacity(pending.len());
        for (variant, inspection) in pending {
            match inspection.read_async().await {
                Ok(found) => models.push((variant, found)),
                Err(e) => return self.fail(e),
            }
        }
        (self.send)(Event::Inspected { step, models });
    }

    /// Measures the next point of the robustness curves and reports all so far.
    pub(super) async fn measure_robustness(&mut self) {
        let (Some(engine), Some(job)) = (&self.engine, &mut self.robustness) else {
            self.robustness = None;
            return;
        };
        match engine.next_robustness_point(job) {
            Ok(Some(readout)) => match readout.read_async().await {
                Ok(values) => job.record(&values),
                Err(e) => job.fail(e.to_string()),
            },
            Ok(None) => {}
            Err(e) => job.fail(e.to_string()),
        }
        (self.send)(Event::Robustness(job.progress().clone()));
        if job.done() {
            self.robustness = None;
        }
    }
}
