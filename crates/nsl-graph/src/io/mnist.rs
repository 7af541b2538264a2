//! MNIST in the raw-bytes layout of `../shared/data/mnist`: `images-NAME.u8` (`n × 784` bytes,
//! row-major 28×28 grey levels) and `labels-NAME.u8` (`n` bytes, 0…9).
//!
//! Read into a node set `images` with a dense [`PIXELS_FEATURE`] feature scaled to `[0, 1]` and
//! a [`LABEL`] feature with classes `"0"…"9"`, and no edges (build one with `build_graph`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::lines::{self, Limits};
use crate::error::{GraphError, Result};
use crate::typed::{FEATURES, Feature, Graph, LABEL, NodeSet};

/// Pixels per image.
pub const PIXELS: usize = 28 * 28;
/// Node set name of MNIST graphs.
pub const IMAGES: &str = "images";
/// Dense feature name of the pixels.
pub const PIXELS_FEATURE: &str = "pixels";

/// Decoded images: `n × 784` values in `[0, 1]` and `n` digit labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Digits {
    /// Row-major pixels, `n × PIXELS`, scaled by 1/255.
    pub pixels: Vec<f32>,
    /// Digit of each image.
    pub labels: Vec<u8>,
}

impl Digits {
    /// The typed graph (node set [`IMAGES`], no edges).
    pub fn into_graph(self) -> Graph {
        let mut nodes = NodeSet::new(self.labels.len());
        nodes.features.insert(PIXELS_FEATURE.into(), Feature::Dense { dim: PIXELS, values: self.pixels });
        nodes.features.insert(
            LABEL.into(),
            Feature::Labels {
                classes: (0..10).map(|d: u8| d.to_string()).collect(),
                values: self.labels.iter().map(|&l| Some(u32::from(l))).collect(),
            },
        );
        let mut graph = Graph::default();
        graph.node_sets.insert(IMAGES.into(), nodes);
        graph
    }
}

/// Decodes image and label bytes; `file` names the pair in errors.
pub fn decode(file: &str, images: &[u8], labels: &[u8]) -> Result<Digits> {
    if !images.len().is_multiple_of(PIXELS) {
        return Err(GraphError::parse(
            file,
            format!("image bytes ({}) are not a multiple of {PIXELS}", images.len()),
        ));
    }
    let n = images.len() / PIXELS;
    if labels.len() != n {
        return Err(GraphError::parse(file, format!("{n} images but {} labels", labels.len())));
    }
    if let Some(pos) = labels.iter().position(|&l| l > 9) {
        return Err(GraphError::parse(file, format!("label {} of image {pos} is not a digit", labels[pos])));
    }
    Ok(Digits { pixels: images.iter().map(|&p| f32::from(p) / 255.0).collect(), labels: labels.to_vec() })
}

/// Reads and decodes the two inputs, each at most `limits.max_bytes`.
pub fn read(images: (&str, impl Read), labels: (&str, impl Read), limits: &Limits) -> Result<Digits> {
    let image_bytes = lines::read_all(images.0, images.1, limits)?;
    let label_bytes = lines::read_all(labels.0, labels.1, limits)?;
    decode(&format!("{} + {}", images.0, labels.0), &image_bytes, &label_bytes)
}

/// `images-NAME.u8` and `labels-NAME.u8` for either path of the pair.
pub fn pair_paths(path: &Path) -> Result<(PathBuf, PathBuf)> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let rest = name
        .strip_prefix("images-")
        .or_else(|| name.strip_prefix("labels-"))
        .filter(|r| r.ends_with(".u8"))
        .ok_or_else(|| {
            GraphError::parse(
                path.display().to_string(),
                "MNIST files are named images-NAME.u8 and labels-NAME.u8",
            )
        })?;
    Ok((path.with_file_name(format!("images-{rest}")), path.with_file_name(format!("labels-{rest}"))))
}

/// Reads the pair named like `path`.
pub fn read_path(path: &Path, limits: &Limits) -> Result<Digits> {
    let (images, labels) = pair_paths(path)?;
    let name = |p: &Path| p.display().to_string();
    read((&name(&images), lines::open(&images)?), (&name(&labels), lines::open(&labels)?), limits)
}

/// Encodes a graph's single node set with a 784-wide dense feature and labels 0…9 back to bytes
/// (pixels rounded to the nearest of 256 levels).
pub fn encode(graph: &Graph) -> Result<(Vec<u8>, Vec<u8>)> {
    let (_, nodes) = graph.single_node_set()?;
    let pixels = [PIXELS_FEATURE, FEATURES]
        .iter()
        .find_map(|name| nodes.dense(name).filter(|(dim, _)| *dim == PIXELS))
        .map(|(_, values)| values)
        .ok_or_else(|| {
            GraphError::Invalid(format!(
                "MNIST needs a dense \"{PIXELS_FEATURE}\" node feature of width {PIXELS}"
            ))
        })?;
    let (_, labels) = nodes
        .labels(LABEL)
        .ok_or_else(|| GraphError::Invalid("MNIST needs a \"label\" node feature".into()))?;
    let labels = labels
        .iter()
        .enumerate()
        .map(|(i, l)| match l {
            Some(d) if *d <= 9 => Ok(*d as u8),
            _ => Err(GraphError::Invalid(format!("image {i} has no digit label"))),
        })
        .collect::<Result<Vec<u8>>>()?;
    let images = pixels.iter().map(|&p| (p.clamp(0.0, 1.0) * 255.0).round() as u8).collect();
    Ok((images, labels))
}

/// Writes the pair named like `path`.
pub fn write_path(graph: &Graph, path: &Path) -> Result<()> {
    let (images, labels) = encode(graph)?;
    let (image_path, label_path) = pair_paths(path)?;
    for (path, bytes) in [(image_path, images), (label_path, labels)] {
        let name = path.display().to_string();
        let mut out = lines::create(&path)?;
        out.write_all(&bytes).and_then(|()| out.flush()).map_err(lines::write_err(&name))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_encodes_and_rejects() {
        let mut images = vec![0u8; PIXELS * 2];
        images[5] = 255;
        images[PIXELS + 1] = 128;
        let digits = decode("m", &images, &[3, 7]).unwrap();
        assert_eq!(digits.pixels[5], 1.0);
        let graph = digits.into_graph();
        graph.validate().unwrap();
        assert_eq!(encode(&graph).unwrap(), (images.clone(), vec![3, 7]));
        assert_eq!(decode("m", &images, &[3]).unwrap_err().to_string(), "m: 2 images but 1 labels");
        assert!(
            decode("m", &images[1..], &[3, 7]).unwrap_err().to_string().contains("not a multiple of 784")
        );
        assert!(
            decode("m", &images, &[3, 10])
                .unwrap_err()
                .to_string()
                .contains("label 10 of image 1 is not a digit")
        );
        let (i, l) = pair_paths(Path::new("/d/labels-10k.u8")).unwrap();
        assert_eq!((i, l), (PathBuf::from("/d/images-10k.u8"), PathBuf::from("/d/labels-10k.u8")));
        assert!(pair_paths(Path::new("/d/digits.u8")).is_err());
    }
}
