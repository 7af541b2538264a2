//! The runtime's measurements besides training: the adversary card's probe, the inspected
//! graph node, and the robustness curves point by point.

use super::Runtime;
use super::engine::NextPoint;
use super::twin::{self, FromTwin, ToTwin, TwinError};
use crate::protocol::{Event, RobustnessProgress};
use nsl::spec::Variant;

impl Runtime {
    /// Asks the twin `request` if it trains one of the models (its answer comes when awaited).
    fn elsewhere(&self, request: &ToTwin) -> Option<impl Future<Output = Result<FromTwin, String>> + use<>> {
        let engine = self.engine.as_ref()?;
        engine.elsewhere()?;
        Some(self.twin.as_ref()?.ask(request))
    }

    /// `here` with the twin's result for its model merged in, in the order of the spec's
    /// variants (`answer`: to the request asked of it, if one was; `pick` takes the request's
    /// kind of answer apart, as [`twin::received`]).
    pub(super) async fn merged<T>(
        &self,
        here: Vec<(Variant, T)>,
        answer: Option<impl Future<Output = Result<FromTwin, String>>>,
        pick: impl FnOnce(FromTwin) -> Result<Result<T, TwinError>, FromTwin>,
    ) -> nsl::Result<Vec<(Variant, T)>> {
        let away = twin::received(answer, pick).await?;
        Ok(match &self.engine {
            Some(engine) => engine.merge(here, away),
            None => here,
        })
    }

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
        let elsewhere = self.elsewhere(&ToTwin::Probe(spec.clone()));
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
                return (self.send)(Event::Probed(Vec::new()));
            }
        };
        let merged = self.merged(measured, elsewhere, |a| match a {
            FromTwin::Probed(result) => Ok(result.map(|r| *r)),
            other => Err(other),
        });
        match merged.await {
            Ok(measured) => (self.send)(Event::Probed(measured)),
            Err(e) => self.fail(e),
        }
    }

    /// Inspects the chosen graph node on every model and sends what it found.
    pub(super) async fn inspect_now(&mut self) {
        self.inspect_due = false;
        let (Some(engine), Some(node)) = (&self.engine, self.inspected) else { return };
        let step = engine.steps_done();
        let elsewhere = self.elsewhere(&ToTwin::Inspect(node as usize));
        let pending = match engine.inspect_node(node as usize) {
            Ok(pending) => pending,
            Err(e) => {
                web_sys::console::warn_1(&format!("inspect: {e}").into());
                return;
            }
        };
        let mut models = Vec::with_capacity(pending.len() + 1);
        for (variant, inspection) in pending {
            match inspection.read_async().await {
                Ok(found) => models.push((variant, found)),
                Err(e) => return self.fail(e),
            }
        }
        let merged = self.merged(models, elsewhere, |a| match a {
            FromTwin::Inspected(found) => Ok(found.map(|f| *f)),
            other => Err(other),
        });
        match merged.await {
            Ok(models) => (self.send)(Event::Inspected { step, models }),
            Err(e) => self.fail(e),
        }
    }

    /// Measures the next point of the robustness curves and reports all so far.
    pub(super) async fn measure_robustness(&mut self) {
        let (Some(engine), Some(job)) = (&self.engine, &mut self.robustness) else {
            self.robustness = None;
            return;
        };
        match engine.next_robustness_point(job) {
            Ok(Some(NextPoint::Here(readout))) => match readout.read_async().await {
                Ok(values) => job.record(&values),
                Err(e) => job.fail(e.to_string()),
            },
            Ok(Some(NextPoint::Elsewhere(attack))) => {
                let answer = self.twin.as_ref().map(|twin| twin.ask(&ToTwin::Attack(attack)));
                let attacked = twin::received(answer, |a| match a {
                    FromTwin::Attacked(correct) => Ok(correct),
                    other => Err(other),
                });
                match attacked.await {
                    Ok(Some(correct)) => job.record(&[correct]),
                    Ok(None) => job.fail(twin::lost("it is gone").to_string()),
                    Err(e) => job.fail(e.to_string()),
                }
            }
            Ok(None) => {}
            Err(e) => job.fail(e.to_string()),
        }
        (self.send)(Event::Robustness(job.progress().clone()));
        if job.done() {
            self.robustness = None;
        }
    }
}
