//! `nsl conformance FILE`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use nsl::device::Backend;

/// Checks every case of the vectors file; prints the failing ones and the tally.
pub fn run(file: &Path, backend: Backend) -> anyhow::Result<ExitCode> {
    let json = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let device = nsl::device::device(backend)?;
    let results = nsl_conformance::run(&json, &device)?;
    let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
    for case in &failed {
        println!("FAIL {}: error {:.3e} ({})", case.name, case.max_error, case.worst);
    }
    let worst = results.iter().map(|r| r.max_error).fold(0.0, f64::max);
    eprintln!("largest error over all cases: {worst:.3e} (tolerance {:.0e})", nsl_conformance::TOLERANCE);
    println!("{} passed, {} failed", results.len() - failed.len(), failed.len());
    Ok(if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
