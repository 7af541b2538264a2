//! MNIST in the raw-bytes layout of `shared/data/mnist`: `images-10k.u8` (`n × 784` bytes,
//! row-major 28×28) and `labels-10k.u8` (`n` bytes, 0..9).

use std::path::Path;

use super::Examples;
use crate::error::{NslError, Result};

/// Pixels per image.
pub const PIXELS: usize = 28 * 28;
/// Largest file accepted (bytes): far above the 7.8 MB of 10k images, far below a mistake.
const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// Reads `images-10k.u8` and `labels-10k.u8` from `dir`; pixels are scaled to `[0, 1]`.
pub fn load_dir(dir: &Path) -> Result<Examples> {
    let images = read_limited(&dir.join("images-10k.u8"))?;
    let labels = read_limited(&dir.join("labels-10k.u8"))?;
    from_bytes(&images, &labels).map_err(|reason| NslError::Data { path: dir.display().to_string(), reason })
}

/// Decodes raw image and label bytes.
pub fn from_bytes(images: &[u8], labels: &[u8]) -> std::result::Result<Examples, String> {
    if !images.len().is_multiple_of(PIXELS) {
        return Err(format!("image bytes ({}) are not a multiple of {PIXELS}", images.len()));
    }
    let n = images.len() / PIXELS;
    if labels.len() != n {
        return Err(format!("{n} images but {} labels", labels.len()));
    }
    if let Some(pos) = labels.iter().position(|&l| l > 9) {
        return Err(format!("label {} of image {pos} is not a digit", labels[pos]));
    }
    Ok(Examples {
        features: images.iter().map(|&p| f32::from(p) / 255.0).collect(),
        dim: PIXELS,
        labels: labels.iter().map(|&l| u32::from(l)).collect(),
        classes: 10,
    })
}

fn read_limited(path: &Path) -> Result<Vec<u8>> {
    let err = |reason: String| NslError::Data { path: path.display().to_string(), reason };
    let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
    if meta.len() > MAX_BYTES {
        return Err(err(format!("{} bytes is over the {MAX_BYTES}-byte limit", meta.len())));
    }
    std::fs::read(path).map_err(|e| err(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_rejects() {
        let images = vec![255u8; PIXELS * 2];
        let ex = from_bytes(&images, &[3, 7]).unwrap();
        assert_eq!((ex.len(), ex.dim, ex.classes), (2, PIXELS, 10));
        assert_eq!(ex.features[0], 1.0);
        assert!(from_bytes(&images, &[3]).unwrap_err().contains("2 images but 1 labels"));
        assert!(from_bytes(&images[1..], &[3, 7]).is_err());
        assert!(from_bytes(&images, &[3, 10]).unwrap_err().contains("not a digit"));
    }
}
