//! `nsl export`: an experiment as files another tool can run — its JSON spec (what
//! `nsl train --spec` runs), the equivalent program (TensorFlow GNN 1.0 for typed graphs,
//! TensorFlow NSL's Keras API otherwise) and the data files that program reads.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

/// Arguments of `nsl export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// A built-in experiment.
    #[arg(long, conflicts_with = "spec", required_unless_present = "spec")]
    builtin: Option<String>,
    /// A JSON experiment spec file.
    #[arg(long)]
    spec: Option<PathBuf>,
    /// Data directory for a built-in.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Seed (overrides the spec's).
    #[arg(long)]
    seed: Option<u64>,
    /// Directory to write into (created if missing).
    #[arg(long)]
    out: PathBuf,
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `spec.json`, `NAME.py` and the data files `NAME.py` reads.
pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let mut spec = crate::train::load_spec(
        args.builtin.as_deref(),
        args.spec.as_deref(),
        args.data_dir.as_deref(),
        args.seed,
    )?;
    if let Some(seed) = args.seed {
        spec.seed = seed;
    }
    let export = nsl::tensorflow::export(&spec)?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let name = if spec.name.is_empty() { "experiment".to_string() } else { spec.name.clone() };
    write(&args.out.join("spec.json"), serde_json::to_string_pretty(&spec)?.as_bytes())?;
    write(&args.out.join(format!("{name}.py")), export.program.as_bytes())?;
    for (file, bytes) in &export.files {
        let path = args.out.join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        write(&path, bytes)?;
    }
    eprintln!(
        "wrote spec.json, {name}.py ({}) and {} data file(s) to {}",
        export.tool,
        export.files.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
