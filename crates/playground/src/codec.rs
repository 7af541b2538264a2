//! JSON on the worker wire. gloo-worker's default (bincode) cannot carry the spec: serde
//! attributes like `skip_serializing_if` and internally tagged enums need a self-describing
//! format. JSON strings also show up readably in the browser's devtools.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// gloo-worker codec: values travel as JSON strings.
#[derive(Debug)]
pub struct Json;

impl gloo_worker::Codec for Json {
    fn encode<I: Serialize>(input: I) -> JsValue {
        // Messages are plain data (no maps with non-string keys): serialising cannot fail.
        JsValue::from_str(&serde_json::to_string(&input).expect("worker messages serialise to JSON"))
    }

    fn decode<O: for<'de> Deserialize<'de>>(input: JsValue) -> O {
        let text = input.as_string().expect("worker messages are JSON strings");
        serde_json::from_str(&text).expect("both ends are built from the same protocol")
    }
}
