//! MNIST in the raw-bytes layout of `shared/data/mnist` (`images-10k.u8`, `labels-10k.u8`),
//! decoded by [`nsl_graph::io::mnist`] into [`Examples`].

use std::path::{Path, PathBuf};

use nsl_graph::io::{Limits, mnist};

pub use nsl_graph::io::mnist::PIXELS;

use super::examples::Examples;
use crate::error::{NslError, Result};

/// Reads the `images-NAME.u8`/`labels-NAME.u8` pair in `dir` (`images-10k.u8` if present,
/// else the only `images-*.u8`, as the playground's bundled subset); pixels scaled to `[0, 1]`.
pub fn load_dir(dir: &Path) -> Result<Examples> {
    Ok(from_digits(mnist::read_path(&images_file(dir)?, &Limits::default())?))
}

fn images_file(dir: &Path) -> Result<PathBuf> {
    let full = dir.join("images-10k.u8");
    if full.exists() {
        return Ok(full);
    }
    let err = |reason: String| NslError::Data { path: dir.display().to_string(), reason };
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| err(e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("images-") && n.ends_with(".u8"))
        })
        .collect();
    match found.len() {
        1 => Ok(found.remove(0)),
        n => Err(err(format!("{n} images-*.u8 files; expected images-10k.u8 or exactly one pair"))),
    }
}

/// Decoded digits as training examples.
pub fn from_digits(digits: mnist::Digits) -> Examples {
    Examples {
        features: digits.pixels,
        dim: PIXELS,
        labels: digits.labels.iter().map(|&l| u32::from(l)).collect(),
        classes: 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_become_examples() {
        let digits = mnist::decode("m", &vec![255u8; PIXELS * 2], &[3, 7]).unwrap();
        let ex = from_digits(digits);
        assert_eq!((ex.len(), ex.dim, ex.classes, ex.labels.clone()), (2, PIXELS, 10, vec![3, 7]));
        assert_eq!(ex.features[0], 1.0);
    }
}
