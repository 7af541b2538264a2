//! MNIST in the raw-bytes layout of `shared/data/mnist` (`images-10k.u8`, `labels-10k.u8`),
//! decoded by [`nsl_graph::io::mnist`] into [`Examples`].

use std::path::Path;

use nsl_graph::io::{Limits, mnist};

pub use nsl_graph::io::mnist::PIXELS;

use super::Examples;
use crate::error::Result;

/// Reads `images-10k.u8` and `labels-10k.u8` from `dir`; pixels are scaled to `[0, 1]`.
pub fn load_dir(dir: &Path) -> Result<Examples> {
    Ok(from_digits(mnist::read_path(&dir.join("images-10k.u8"), &Limits::default())?))
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
