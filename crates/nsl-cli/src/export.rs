//! `nsl export`: an experiment as files another tool can run — its JSON spec (what
//! `nsl train --spec` runs), an equivalent TensorFlow NSL (Keras) script, and for 2D sets the
//! drawn points as CSV for that script.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use nsl::spec::DataSpec;

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

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `spec.json`, `NAME.py` and, for 2D sets, `train.csv` and `test.csv`.
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
    let script = nsl::tensorflow::python_script(&spec)?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let name = if spec.name.is_empty() { "experiment".to_string() } else { spec.name.clone() };
    write(&args.out.join("spec.json"), &serde_json::to_string_pretty(&spec)?)?;
    write(&args.out.join(format!("{name}.py")), &script)?;
    if let DataSpec::Toy(toy) = &spec.data {
        let (train, test) = nsl::data::toy::generate(toy);
        for (file, examples) in nsl::tensorflow::TOY_FILES.iter().zip([&train, &test]) {
            write(&args.out.join(file), &nsl::tensorflow::toy_csv(examples))?;
        }
    }
    eprintln!("wrote spec.json and {name}.py to {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
