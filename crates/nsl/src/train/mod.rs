//! Training: the minibatch [`trainer`] (MLPs and CNNs), evaluation ([`eval`]), robustness
//! curves ([`robustness`]) and whole runs of a spec ([`experiment`]).

pub mod eval;
pub mod experiment;
pub mod robustness;
pub mod trainer;
