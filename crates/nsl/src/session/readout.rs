//! One read-back for many device values: segments (losses, counts, probabilities) are
//! concatenated on the device and copied to the host at once. In the browser WebGPU allows
//! only asynchronous read-back, and every read-back is a round trip, so a UI tick reads once.

use std::ops::Range;

use burn::tensor::Tensor;

use crate::error::{NslError, Result};

/// Device values waiting to be read back together.
#[derive(Debug, Default)]
pub struct Readout {
    parts: Vec<Tensor<1>>,
    len: usize,
}

impl Readout {
    /// Adds a segment (flattened); returns where its values will be in the read-back.
    pub fn push<const D: usize>(&mut self, tensor: Tensor<D>) -> Range<usize> {
        let n = tensor.shape().num_elements();
        let flat: Tensor<1> = tensor.reshape([n]);
        self.parts.push(flat);
        let start = self.len;
        self.len += n;
        start..self.len
    }

    /// Values read so far would span `0..len()`.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn joined(self) -> Option<Tensor<1>> {
        (!self.parts.is_empty()).then(|| Tensor::cat(self.parts, 0))
    }

    /// Reads every segment synchronously (native code, and the CPU backend in the browser).
    pub fn read(self) -> Result<Vec<f32>> {
        match self.joined() {
            None => Ok(Vec::new()),
            Some(t) => {
                t.try_into_data().map_err(|e| NslError::Device(format!("read-back: {e:?}"))).and_then(floats)
            }
        }
    }

    /// Reads every segment asynchronously (what WebGPU in a browser requires).
    pub async fn read_async(self) -> Result<Vec<f32>> {
        match self.joined() {
            None => Ok(Vec::new()),
            Some(t) => t
                .into_data_async()
                .await
                .map_err(|e| NslError::Device(format!("read-back: {e:?}")))
                .and_then(floats),
        }
    }
}

fn floats(data: burn::tensor::TensorData) -> Result<Vec<f32>> {
    data.convert::<f32>().try_into_vec::<f32>().map_err(|e| NslError::Device(format!("read-back: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Device;

    #[test]
    fn segments_come_back_in_order() {
        let device = Device::flex();
        let mut readout = Readout::default();
        let a = readout.push(crate::tensor::matrix(vec![1.0, 2.0, 3.0, 4.0], 2, 2, &device));
        let b = readout.push(Tensor::<1>::from_floats([5.0], &device));
        assert_eq!((a.clone(), b.clone(), readout.len()), (0..4, 4..5, 5));
        let values = readout.read().unwrap();
        assert_eq!((&values[a], &values[b]), (&[1.0, 2.0, 3.0, 4.0][..], &[5.0][..]));
        assert!(Readout::default().read().unwrap().is_empty());
    }
}
