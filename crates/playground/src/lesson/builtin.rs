//! The lessons that ship with the page: `assets/lessons/<id>.toml`, compiled in (they are a few
//! kilobytes each and must open without a request), in the order the lesson index shows them.

use std::rc::Rc;

use super::{Lesson, parse};

/// Each built-in lesson's file name and text.
pub const FILES: [(&str, &str); 10] = [
    ("adversarial-examples.toml", include_str!("../../../../assets/lessons/adversarial-examples.toml")),
    (
        "adversarial-regularization.toml",
        include_str!("../../../../assets/lessons/adversarial-regularization.toml"),
    ),
    ("graph-regularization.toml", include_str!("../../../../assets/lessons/graph-regularization.toml")),
    ("graphs-from-data.toml", include_str!("../../../../assets/lessons/graphs-from-data.toml")),
    ("neural-graph-machines.toml", include_str!("../../../../assets/lessons/neural-graph-machines.toml")),
    ("inside-the-model.toml", include_str!("../../../../assets/lessons/inside-the-model.toml")),
    ("message-passing.toml", include_str!("../../../../assets/lessons/message-passing.toml")),
    ("subgraph-sampling.toml", include_str!("../../../../assets/lessons/subgraph-sampling.toml")),
    ("heterogeneous-graphs.toml", include_str!("../../../../assets/lessons/heterogeneous-graphs.toml")),
    ("virtual-adversarial.toml", include_str!("../../../../assets/lessons/virtual-adversarial.toml")),
];

/// Every built-in lesson, parsed (a test proves they all parse; a lesson that failed would be
/// left out of the index rather than break the page).
pub fn all() -> Vec<Rc<Lesson>> {
    FILES.iter().filter_map(|(name, text)| parse(name, text).ok()).map(Rc::new).collect()
}

/// The built-in lesson `id`.
pub fn find(id: &str) -> Option<Rc<Lesson>> {
    FILES
        .iter()
        .find(|(name, _)| name.strip_suffix(".toml") == Some(id))
        .and_then(|(name, text)| parse(name, text).ok())
        .map(Rc::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::prose;

    /// Every file parses — so every spec its steps build validates and every control, panel,
    /// metric and setting it names exists — its id is its file name, and its prose renders
    /// (every formula becomes MathML).
    #[test]
    fn every_built_in_lesson_parses_and_its_formulas_render() {
        for (name, text) in FILES {
            let lesson = parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(format!("{}.toml", lesson.id), name);
            assert!(lesson.steps.len() >= 3, "{name}: a lesson walks through an argument");
            for (i, step) in lesson.steps.iter().enumerate() {
                let prose: Vec<&str> = [Some(step.text.as_str()), step.reveal.as_deref()]
                    .into_iter()
                    .flatten()
                    .chain(step.task.iter().flat_map(|t| [t.prompt.as_str(), t.success.as_str()]))
                    .collect();
                for text in prose {
                    let mut formulas = Vec::new();
                    collect_math(&prose::parse(text), &mut formulas);
                    for (tex, ok) in formulas {
                        assert!(ok, "{name} step {}: the formula {tex} does not render", i + 1);
                    }
                }
            }
        }
        assert_eq!(all().len(), FILES.len());
        assert_eq!(
            find("graph-regularization").map(|l| l.id.clone()).as_deref(),
            Some("graph-regularization")
        );
        assert!(find("nothing").is_none());
    }

    fn collect_math(nodes: &[prose::Node], out: &mut Vec<(String, bool)>) {
        for node in nodes {
            match node {
                prose::Node::Math { tex, mathml, .. } => out.push((tex.clone(), mathml.is_some())),
                prose::Node::Element(_, children) | prose::Node::Link(_, children) => {
                    collect_math(children, out)
                }
                _ => {}
            }
        }
    }
}
