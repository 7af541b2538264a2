//! TensorFlow's `tf.train.Example` messages and the TFRecord files that hold them — the form in
//! which TF-GNN reads graphs (its unigraph tables and its serialized `GraphTensor`s).
//!
//! The messages are TensorFlow's `example.proto` and `feature.proto`, declared with prost's
//! derive so that no `protoc` is needed. A TFRecord file is a sequence of records, each
//! `length: u64 LE`, `masked_crc32c(length)`, the bytes, `masked_crc32c(bytes)`.

use std::collections::BTreeMap;

use prost::Message;

use crate::error::{GraphError, Result};

/// `tf.train.Example`: named features.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Example {
    /// The features.
    #[prost(message, optional, tag = "1")]
    pub features: Option<Features>,
}

/// `tf.train.Features` (a map; a `BTreeMap` so that the bytes written are deterministic).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Features {
    /// Features by name.
    #[prost(btree_map = "string, message", tag = "1")]
    pub feature: BTreeMap<String, Feature>,
}

/// `tf.train.Feature`: a list of byte strings, floats or integers.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Feature {
    /// The list.
    #[prost(oneof = "Values", tags = "1, 2, 3")]
    pub kind: Option<Values>,
}

/// The three kinds of `tf.train.Feature`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Values {
    /// `bytes_list`.
    #[prost(message, tag = "1")]
    Bytes(BytesList),
    /// `float_list`.
    #[prost(message, tag = "2")]
    Float(FloatList),
    /// `int64_list`.
    #[prost(message, tag = "3")]
    Int64(Int64List),
}

/// `tf.train.BytesList`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct BytesList {
    /// The values.
    #[prost(bytes = "vec", repeated, tag = "1")]
    pub value: Vec<Vec<u8>>,
}

/// `tf.train.FloatList` (packed).
#[derive(Clone, PartialEq, prost::Message)]
pub struct FloatList {
    /// The values.
    #[prost(float, repeated, tag = "1")]
    pub value: Vec<f32>,
}

/// `tf.train.Int64List` (packed).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Int64List {
    /// The values.
    #[prost(int64, repeated, tag = "1")]
    pub value: Vec<i64>,
}

impl Feature {
    /// Byte strings.
    pub fn bytes<S: AsRef<[u8]>>(values: impl IntoIterator<Item = S>) -> Self {
        let value = values.into_iter().map(|v| v.as_ref().to_vec()).collect();
        Self { kind: Some(Values::Bytes(BytesList { value })) }
    }

    /// Floats.
    pub fn floats(values: impl Into<Vec<f32>>) -> Self {
        Self { kind: Some(Values::Float(FloatList { value: values.into() })) }
    }

    /// Integers.
    pub fn ints(values: impl Into<Vec<i64>>) -> Self {
        Self { kind: Some(Values::Int64(Int64List { value: values.into() })) }
    }
}

impl Example {
    /// An example of `features`.
    pub fn new(features: BTreeMap<String, Feature>) -> Self {
        Self { features: Some(Features { feature: features }) }
    }

    /// The feature `name`.
    pub fn get(&self, name: &str) -> Option<&Values> {
        self.features.as_ref()?.feature.get(name)?.kind.as_ref()
    }
}

/// TFRecord's checksum: CRC32C rotated right by 15 bits plus a constant, so that a CRC of
/// data holding CRCs stays well distributed.
fn masked_crc(bytes: &[u8]) -> u32 {
    let crc = crc32c::crc32c(bytes);
    crc.rotate_right(15).wrapping_add(0xa282_ead8)
}

/// Appends one record holding `data` to `out`.
pub fn append_record(out: &mut Vec<u8>, data: &[u8]) {
    let length = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&length);
    out.extend_from_slice(&masked_crc(&length).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc(data).to_le_bytes());
}

/// A TFRecord file of `examples`.
pub fn write_examples<'a>(examples: impl IntoIterator<Item = &'a Example>) -> Vec<u8> {
    let mut out = Vec::new();
    for example in examples {
        append_record(&mut out, &example.encode_to_vec());
    }
    out
}

/// The records of a TFRecord file, every checksum checked.
pub fn read_records<'a>(file: &str, mut bytes: &'a [u8]) -> Result<Vec<&'a [u8]>> {
    let mut records = Vec::new();
    while !bytes.is_empty() {
        let at = records.len();
        let bad = |why: &str| GraphError::parse(file, format!("record {at}: {why}"));
        let (head, rest) = bytes.split_at_checked(12).ok_or_else(|| bad("truncated header"))?;
        let length = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
        if masked_crc(&head[..8]) != u32::from_le_bytes(head[8..].try_into().expect("4 bytes")) {
            return Err(bad("the length's checksum does not match"));
        }
        let length = usize::try_from(length).map_err(|_| bad("length beyond memory"))?;
        let (data, rest) = rest.split_at_checked(length).ok_or_else(|| bad("truncated data"))?;
        let (crc, rest) = rest.split_at_checked(4).ok_or_else(|| bad("truncated checksum"))?;
        if masked_crc(data) != u32::from_le_bytes(crc.try_into().expect("4 bytes")) {
            return Err(bad("the data's checksum does not match"));
        }
        records.push(data);
        bytes = rest;
    }
    Ok(records)
}

/// The examples of a TFRecord file.
pub fn read_examples(file: &str, bytes: &[u8]) -> Result<Vec<Example>> {
    read_records(file, bytes)?
        .into_iter()
        .enumerate()
        .map(|(i, record)| {
            Example::decode(record).map_err(|e| GraphError::parse(file, format!("record {i}: {e}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_tensorflow() {
        // CRC32C of "123456789" is 0xe3069283 (the standard check value); TensorFlow's mask
        // of it, as `tensorflow/tsl/lib/hash/crc32c.h` computes.
        assert_eq!(crc32c::crc32c(b"123456789"), 0xe306_9283);
        assert_eq!(masked_crc(b"123456789"), 0xe306_9283u32.rotate_right(15).wrapping_add(0xa282_ead8));
    }

    #[test]
    fn examples_round_trip_and_encode_as_tensorflow_does() {
        let example = Example::new(BTreeMap::from([
            ("#id".to_string(), Feature::bytes(["p7"])),
            ("x".to_string(), Feature::floats(vec![1.0, -2.5])),
            ("label".to_string(), Feature::ints(vec![3])),
        ]));
        let file = write_examples([&example, &example]);
        let back = read_examples("t.tfrecords", &file).unwrap();
        assert_eq!(back, vec![example.clone(), example.clone()]);
        assert_eq!(back[0].get("label"), Some(&Values::Int64(Int64List { value: vec![3] })));
        // Example{features{feature{key:"label" value{int64_list{value:3}}}}} as protobuf bytes.
        let small = Example::new(BTreeMap::from([("label".to_string(), Feature::ints(vec![3]))]));
        // The packed int64 list holds one varint (3): `0a 01 03`.
        let bytes = small.encode_to_vec();
        #[rustfmt::skip]
        let expected = [
            0x0a, 0x10, 0x0a, 0x0e, 0x0a, 0x05, b'l', b'a', b'b', b'e', b'l',
            0x12, 0x05, 0x1a, 0x03, 0x0a, 0x01, 0x03,
        ];
        assert_eq!(bytes, expected);
    }

    #[test]
    fn damaged_files_are_refused_with_the_record() {
        let example = Example::new(BTreeMap::from([("x".to_string(), Feature::floats(vec![1.0]))]));
        let mut file = write_examples([&example, &example]);
        let last = file.len() - 1;
        file[last] ^= 1;
        let err = read_examples("t.tfrecords", &file).unwrap_err().to_string();
        assert!(err.contains("t.tfrecords") && err.contains("record 1") && err.contains("checksum"), "{err}");
        let err = read_records("t.tfrecords", &file[..5]).unwrap_err().to_string();
        assert!(err.contains("record 0: truncated header"), "{err}");
    }
}
