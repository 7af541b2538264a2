//! Presentational components: they render props and send actions, nothing else.

mod backend_badge;
mod distance_explorer;
mod header;

pub use backend_badge::BackendBadge;
pub use distance_explorer::DistanceExplorer;
pub use header::Header;
