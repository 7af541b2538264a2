//! A spec as a URL fragment, so that a link reproduces a whole setup: `v1.` followed by the
//! spec's JSON, deflated and base64url-encoded without padding. Reading checks the version,
//! caps the inflated size and validates the spec.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use nsl::spec::ExperimentSpec;
use nsl::{NslError, Result};

/// Prefix of the current fragment format.
const PREFIX: &str = "v1.";
/// Largest inflated spec accepted (a spec is a few hundred bytes; a drawn graph of the most
/// nodes with typed features a few tens of kilobytes).
const MAX_JSON: usize = 64 * 1024;
/// Longest fragment read: the base64 of a deflated `MAX_JSON` (deflate can add a little to
/// data that does not compress). Longer ones are refused before anything is decoded.
const MAX_FRAGMENT: usize = (MAX_JSON + 1024) * 4 / 3;

/// The fragment (without `#`) that [`from_fragment`] turns back into `spec`.
pub fn to_fragment(spec: &ExperimentSpec) -> String {
    let json = serde_json::to_vec(spec).expect("a spec serialises");
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// The spec a fragment (with or without its leading `#`) encodes.
pub fn from_fragment(fragment: &str) -> Result<ExperimentSpec> {
    let bad = |why: String| NslError::Config(format!("the link's setup cannot be read: {why}"));
    let body = fragment.trim_start_matches('#');
    if body.len() > MAX_FRAGMENT {
        return Err(bad(format!(
            "it is {} characters long; a setup's link has at most {MAX_FRAGMENT}",
            body.len()
        )));
    }
    let encoded = body.strip_prefix(PREFIX).ok_or_else(|| bad("it does not start with v1.".into()))?;
    let deflated = URL_SAFE_NO_PAD.decode(encoded).map_err(|e| bad(format!("not base64url ({e})")))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_JSON)
        .map_err(|e| bad(format!("not deflated data, or over {MAX_JSON} bytes ({e:?})")))?;
    let spec: ExperimentSpec =
        serde_json::from_slice(&json).map_err(|e| bad(format!("not an experiment spec ({e})")))?;
    spec.validate()?;
    page_trains(&spec)?;
    Ok(spec)
}

/// Nodes of the largest MAG-like graph the page lays out and trains (the built-in of `nsl
/// train` has 3,410; its full-size one a third of a million, for native code).
pub const PAGE_MAG_NODES: usize = 20_000;

/// Whether the page can train `spec`: every valid spec but TF-GNN's model on the MAG-like
/// graph trained on sampled subgraphs, with link prediction beside, or on a graph of more than
/// [`PAGE_MAG_NODES`] nodes, which `nsl train` runs. Links and lessons are checked here, so
/// that the page never holds a setup it cannot show.
pub fn page_trains(spec: &ExperimentSpec) -> Result<()> {
    let sampled = matches!(&spec.model, nsl::spec::ModelSpec::Hetero { sampling: Some(_), .. });
    match &spec.data {
        nsl::spec::DataSpec::Mag(mag) => {
            let nodes = mag.papers + mag.authors + mag.institutions + mag.fields;
            let why = if sampled {
                Some("trains on sampled subgraphs".to_string())
            } else if spec.task.link_prediction().is_some() {
                Some("predicts links beside".to_string())
            } else if nodes > PAGE_MAG_NODES {
                Some(format!("has {nodes} nodes (the page lays out and trains up to {PAGE_MAG_NODES})"))
            } else {
                None
            };
            why.map_or(Ok(()), |why| Err(not_on_the_page(spec, &why)))
        }
        _ => Ok(()),
    }
}

/// Why the page does not train `spec`, a MAG-like graph that `why`.
fn not_on_the_page(spec: &ExperimentSpec, why: &str) -> NslError {
    NslError::Config(format!(
        "“{}”: TF-GNN's model on a MAG-like graph that {why}: run it with `nsl train --spec`; the page trains the MAG-like graph full batch, with Deep Graph Infomax beside or alone",
        spec.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nsl::spec::builtin::{BUILTINS, builtin};

    #[test]
    fn every_builtin_survives_a_link_and_links_stay_short() {
        for (name, _) in BUILTINS {
            let spec = builtin(name, None, 7).unwrap();
            let fragment = to_fragment(&spec);
            if page_trains(&spec).is_err() {
                let refusal = from_fragment(&fragment).unwrap_err().to_string();
                assert!(refusal.contains("nsl train --spec") && refusal.contains(name), "{refusal}");
                assert!(name.ends_with("-sampled") || name.ends_with("-joint"), "{name}: the page trains it");
                assert!(
                    refusal.contains("sampled subgraphs") || refusal.contains("predicts links"),
                    "{refusal}"
                );
                continue;
            }
            // The longest: MtAlbis' specs (MtAlbis names every one of its knobs).
            assert!(fragment.len() < 800, "{name}: {} characters", fragment.len());
            assert!(fragment.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)), "{fragment}");
            assert_eq!(from_fragment(&format!("#{fragment}")).unwrap(), spec, "{name}");
        }
    }

    #[test]
    fn a_mag_like_graph_too_large_for_the_page_is_refused_with_its_size() {
        let mut spec = builtin("mag-mtalbis", None, 0).unwrap();
        page_trains(&spec).expect("3,410 nodes train on the page");
        if let nsl::spec::DataSpec::Mag(mag) = &mut spec.data {
            mag.papers = 200_000;
        }
        let refusal = page_trains(&spec).unwrap_err().to_string();
        assert!(refusal.contains("has 201410 nodes") && refusal.contains("nsl train --spec"), "{refusal}");
    }

    #[test]
    fn broken_links_say_why() {
        let fragment = to_fragment(&builtin("moons-adv", None, 0).unwrap());
        assert!(from_fragment("v2.abc").unwrap_err().to_string().contains("does not start with v1."));
        assert!(from_fragment("v1.*").unwrap_err().to_string().contains("not base64url"));
        let truncated = &fragment[..fragment.len() - 8];
        assert!(from_fragment(truncated).is_err());
        let bomb = format!(
            "{PREFIX}{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&vec![b' '; MAX_JSON * 4], 9))
        );
        assert!(from_fragment(&bomb).unwrap_err().to_string().contains("over 65536 bytes"));
        let huge = format!("{PREFIX}{}", "A".repeat(5 << 20));
        assert!(from_fragment(&huge).unwrap_err().to_string().contains("5242883 characters long"));
        let mut spec = builtin("moons-adv", None, 0).unwrap();
        spec.epochs = 0;
        assert!(from_fragment(&to_fragment(&spec)).unwrap_err().to_string().contains("epochs"));
    }
}
