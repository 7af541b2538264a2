//! The runtime's graph explorer commands: open a graph (files or the current data) and lay it
//! out, sample subgraphs of it, write it as a file.

use nsl::spec::DataSpec;

use super::Runtime;
use super::explorer::{self, ExplorerGraph};
use crate::protocol::{Event, GraphFormat, GraphInput, SampleRequest};

impl Runtime {
    /// Opens the explorer's graph, lays it out and sends it (or why it could not be opened); a
    /// setup waiting for these files starts.
    pub(super) async fn open_graph(&mut self, input: GraphInput) {
        let started = js_sys::Date::now();
        let parsed = match &input {
            GraphInput::Files(files) => explorer::parse_files(files),
            GraphInput::Current => match &self.spec {
                Some(spec) => explorer::current_graph(spec),
                None => Err("no setup is loaded yet".into()),
            },
        };
        let opened = parsed.and_then(|(name, graph)| ExplorerGraph::new(name, graph)).map(|explorer| {
            let parse_ms = js_sys::Date::now() - started;
            let edges = explorer.edges_once();
            let laid_out = js_sys::Date::now();
            let positions = explorer.layout(&edges);
            let view = explorer.view(edges, positions, parse_ms, js_sys::Date::now() - laid_out);
            self.explorer = Some(explorer);
            view
        });
        let reopened = opened.is_ok();
        (self.send)(Event::GraphOpened(opened));
        // A setup that trains on these files (a link from an earlier visit) can start now.
        let waiting = match self.spec.as_ref().map(|s| &s.data) {
            Some(DataSpec::Graph { graph: nsl::spec::GraphSource::Loaded(wanted) }) => {
                self.explorer.as_ref().is_some_and(|e| e.name() == wanted.name)
            }
            _ => false,
        };
        if reopened && waiting && self.engine.is_none() {
            self.rebuild().await;
        }
    }

    /// Samples the explorer's graph and sends the subgraphs.
    pub(super) fn sample(&mut self, request: &SampleRequest) {
        let sampled = match &self.explorer {
            Some(explorer) => explorer.sample(request),
            None => Err("open a graph first".into()),
        };
        (self.send)(Event::Sampled(sampled));
    }

    /// Sends the explorer's graph as a file.
    pub(super) fn export_graph(&mut self, format: GraphFormat) {
        match self.explorer.as_ref().map(|e| e.export(format)) {
            Some(Ok((name, text))) => (self.send)(Event::GraphExport { name, text }),
            Some(Err(e)) => (self.send)(Event::GraphOpened(Err(e))),
            None => (self.send)(Event::GraphOpened(Err("open a graph first".into()))),
        }
    }
}
