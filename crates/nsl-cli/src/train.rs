//! `nsl train`.

use std::process::ExitCode;

use anyhow::{Context, bail};
use nsl::spec::ExperimentSpec;

use crate::TrainArgs;
use crate::progress::TrainingProgress;

/// Runs the experiment the arguments name and prints its results as one JSON object.
pub fn run(args: &TrainArgs) -> anyhow::Result<ExitCode> {
    if args.list {
        for (name, about) in nsl::spec::builtin::BUILTINS {
            println!("{name:16} {about}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut spec =
        load_spec(args.builtin.as_deref(), args.spec.as_deref(), args.data_dir.as_deref(), args.seed)?;
    if let Some(seed) = args.seed {
        spec.seed = seed;
    }
    if let Some(epochs) = args.epochs {
        spec.epochs = epochs;
    }
    let backend = args.backend.into();
    let device = nsl::device::device(backend)?;
    let mut progress = TrainingProgress::default();
    let outcome = nsl::train::experiment::run(&spec, &device, &mut |e| progress.on_event(e))?;
    let mut summary = outcome.summary();
    let object = summary.as_object_mut().expect("the summary is an object");
    object.insert("experiment".into(), spec.name.clone().into());
    object.insert("backend".into(), backend.to_string().into());
    object.insert("seed".into(), spec.seed.into());
    object.insert("epochs".into(), spec.epochs.into());
    if args.history {
        let history: serde_json::Map<String, serde_json::Value> = outcome
            .runs
            .iter()
            .map(|r| (r.variant.clone(), serde_json::to_value(&r.history).expect("history serialises")))
            .collect();
        object.insert("history".into(), history.into());
    }
    if let Some(path) = &args.robustness_csv {
        if spec.evaluation.robustness.is_none() {
            bail!("--robustness-csv needs a spec whose evaluation names a robustness curve");
        }
        let curves = outcome.runs.iter().map(|r| (r.variant.as_str(), r.robustness.as_slice()));
        std::fs::write(path, nsl::train::robustness::curves_csv(curves))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    println!("{}", serde_json::to_string(&summary)?);
    Ok(ExitCode::SUCCESS)
}

/// A built-in's spec (with `data_dir` and `seed`) or a spec file's.
pub fn load_spec(
    builtin: Option<&str>,
    spec: Option<&std::path::Path>,
    data_dir: Option<&std::path::Path>,
    seed: Option<u64>,
) -> anyhow::Result<ExperimentSpec> {
    match (builtin, spec) {
        (Some(name), None) => Ok(nsl::spec::builtin::builtin(name, data_dir, seed.unwrap_or(0))?),
        (None, Some(path)) => {
            if data_dir.is_some() {
                bail!("--data-dir goes with --builtin; a spec file names its own data");
            }
            let text =
                std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let spec: ExperimentSpec = serde_json::from_str(&text)
                .with_context(|| format!("parsing the spec {}", path.display()))?;
            // Sizes and consistency before any data is read or any model is built.
            spec.validate().with_context(|| format!("checking the spec {}", path.display()))?;
            Ok(spec)
        }
        _ => bail!("give --builtin NAME or --spec FILE"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_file_past_the_limits_is_refused_naming_the_field() {
        let mut spec = nsl::spec::builtin::builtin("moons-adv", None, 0).unwrap();
        spec.model = nsl::spec::ModelSpec::Mlp {
            hidden: vec![200_000, 200_000],
            activation: Default::default(),
            dropout: 0.0,
            inputs: None,
        };
        let file = std::env::temp_dir().join(format!("nsl-oversized-{}.json", std::process::id()));
        std::fs::write(&file, serde_json::to_string(&spec).unwrap()).unwrap();
        let err = format!("{:#}", load_spec(None, Some(&file), None, None).unwrap_err());
        std::fs::remove_file(&file).unwrap();
        assert!(err.contains("model.hidden[0]: 200000 units, over the limit of 2048"), "{err}");
    }
}
