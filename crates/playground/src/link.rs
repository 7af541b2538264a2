//! The URL hash: the whole setup, so that a link reproduces it. The spec is encoded by
//! [`crate::fragment`]; the page adds what only the page knows — the controls a teacher hid for a
//! lesson (classroom mode) and the explorer's subgraph sampling: `#v1.<spec>`,
//! `#v1.<spec>~hide=data,model`, `#v1.<spec>~hops=10r.5t~seeds=12~rng=0`.

use std::collections::BTreeSet;

use nsl::spec::ExperimentSpec;
use serde::{Deserialize, Serialize};

use crate::sampling::SamplingSetup;

/// A group of controls that a lesson link can hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Section {
    /// The data picker and data knobs.
    Data,
    /// Hidden layers, activation, dropout.
    Model,
    /// Regularization kind and knobs.
    Regularization,
    /// Learning rate, batch size, epochs, seed.
    Optimizer,
    /// Evaluation (attack ε) and the base-model comparison.
    Evaluation,
    /// Backend choice.
    Backend,
    /// Export buttons.
    Export,
}

/// Every section, its URL key and its label.
pub const SECTIONS: [(Section, &str, &str); 7] = [
    (Section::Data, "data", "Data"),
    (Section::Model, "model", "Model"),
    (Section::Regularization, "regularization", "Regularization"),
    (Section::Optimizer, "optimizer", "Optimizer"),
    (Section::Evaluation, "evaluation", "Evaluation"),
    (Section::Backend, "backend", "Backend"),
    (Section::Export, "export", "Export"),
];

impl Section {
    /// The key used in the URL.
    pub fn key(self) -> &'static str {
        SECTIONS.iter().find(|(s, ..)| *s == self).map(|(_, key, _)| *key).expect("listed")
    }

    /// The label shown.
    pub fn label(self) -> &'static str {
        SECTIONS.iter().find(|(s, ..)| *s == self).map(|(.., label)| *label).expect("listed")
    }
}

/// What a link carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The experiment.
    pub spec: ExperimentSpec,
    /// Controls hidden for a lesson.
    pub hidden: BTreeSet<Section>,
    /// The explorer's sampling, if the user built one.
    pub sampling: Option<SamplingSetup>,
}

const HIDE: &str = "~hide=";

/// The hash (without `#`) of `link`.
pub fn encode(link: &Link) -> String {
    let mut hash = crate::fragment::to_fragment(&link.spec);
    if !link.hidden.is_empty() {
        let keys: Vec<&str> = link.hidden.iter().map(|s| s.key()).collect();
        hash.push_str(HIDE);
        hash.push_str(&keys.join(","));
    }
    if let Some(sampling) = &link.sampling {
        hash.push_str(&sampling.encode());
    }
    hash
}

/// The link a hash (with or without `#`) encodes.
pub fn decode(hash: &str) -> Result<Link, String> {
    let hash = hash.trim_start_matches('#');
    // The spec is base64url (no `~`); each part after it is `~key=value`.
    let mut parts = hash.split('~');
    let spec = crate::fragment::from_fragment(parts.next().unwrap_or_default()).map_err(|e| e.to_string())?;
    let pairs: Vec<(&str, &str)> = parts.filter_map(|p| p.split_once('=')).collect();
    let hidden = pairs
        .iter()
        .filter(|(key, _)| *key == "hide")
        .flat_map(|(_, h)| h.split(','))
        .filter(|k| !k.is_empty())
        .map(|k| {
            SECTIONS
                .iter()
                .find(|(_, key, _)| *key == k)
                .map(|(s, ..)| *s)
                .ok_or_else(|| format!("the link hides an unknown section {k:?}"))
        })
        .collect::<Result<_, _>>()?;
    let sampling = SamplingSetup::decode(pairs.iter().copied())?;
    Ok(Link { spec, hidden, sampling })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::{FAMILIES, preset};

    #[test]
    fn links_round_trip_with_and_without_a_lesson() {
        for (family, _) in FAMILIES {
            let plain = Link { spec: preset(family, 5), hidden: BTreeSet::new(), sampling: None };
            assert_eq!(decode(&encode(&plain)).unwrap(), plain);
            let lesson = Link { hidden: [Section::Data, Section::Optimizer].into(), ..plain };
            let hash = encode(&lesson);
            assert!(hash.ends_with("~hide=data,optimizer"), "{hash}");
            assert_eq!(decode(&format!("#{hash}")).unwrap(), lesson);
            let sampled =
                Link { sampling: Some(SamplingSetup { seeds: vec![3, 7], ..Default::default() }), ..lesson };
            assert_eq!(decode(&encode(&sampled)).unwrap(), sampled);
        }
        assert!(decode("#v1.AAAA").is_err());
        let spec = crate::fragment::to_fragment(&preset(crate::presets::Family::Karate, 0));
        assert!(decode(&format!("{spec}~hide=everything")).unwrap_err().contains("\"everything\""));
    }
}
