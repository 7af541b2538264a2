//! The page's components: they render state and send actions, nothing else.

pub mod adversary;
pub mod charts;
pub mod classroom;
pub mod controls;
pub mod data_view;
pub mod downloads;
pub mod explorer;
pub mod graph_builder;
pub mod graph_editor;
pub mod graph_paint;
pub mod graph_viewer;
pub mod header;
pub mod knob;
pub mod lesson;
pub mod lesson_index;
pub mod metrics;
pub mod node_inspector;
pub mod palette;
pub mod plot_frame;
pub mod prose;
pub mod raster;
pub mod robustness;
pub mod toolbar;
