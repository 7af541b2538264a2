//! What the page and its training worker post to each other: JSON strings (the spec's serde
//! attributes — `skip_serializing_if`, internally tagged enums — need a self-describing
//! format, and strings read plainly in the browser's devtools). The page posts [`Command`]s;
//! the worker posts [`FromWorker`]s. The training worker and its twin post each other CBOR
//! bytes instead ([`encode_exact`]): what the twin measures reaches the page through the
//! training worker with the very numbers it would have had trained there.
//!
//! [`Command`]: crate::protocol::Command

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::protocol::Event;

/// What the worker posts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// Its module has loaded and it listens: commands posted before this would have been lost.
    Listening,
    /// An event for the page.
    Event(Box<Event>),
    /// Start a twin numbered so, and join it to the worker (`crate::worker::twin::link`).
    WantTwin(u32),
    /// Stop the twin numbered so.
    DropTwin(u32),
}

/// `message` as a JSON string.
pub fn encode<T: Serialize>(message: &T) -> JsValue {
    // Messages are plain data (no maps with non-string keys): serialising cannot fail.
    JsValue::from_str(&serde_json::to_string(message).expect("worker messages serialise to JSON"))
}

/// The message a JSON string holds.
///
/// # Panics
/// If `data` is not a JSON string of a `T`: page and worker are built from one library and one
/// protocol, so anything else is a fault of the program (the worker's panic is reported to
/// the page, which starts another).
pub fn decode<T: DeserializeOwned>(data: &JsValue) -> T {
    let text = data.as_string().expect("worker messages are JSON strings");
    parse(&text).expect("both ends are built from the same protocol")
}

/// `message` as CBOR bytes (a `Uint8Array`): every float as it is, bit for bit.
pub fn encode_exact<T: Serialize>(message: &T) -> JsValue {
    js_sys::Uint8Array::from(to_cbor(message).as_slice()).into()
}

/// The message CBOR bytes hold.
///
/// # Panics
/// If `data` is not the CBOR bytes of a `T` (both ends are built from one protocol).
pub fn decode_exact<T: DeserializeOwned>(data: &JsValue) -> T {
    let bytes = js_sys::Uint8Array::new(data).to_vec();
    from_cbor(&bytes).expect("both ends are built from the same protocol")
}

/// `message` in CBOR.
pub fn to_cbor<T: Serialize>(message: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing plain data into a vector cannot fail.
    ciborium::into_writer(message, &mut bytes).expect("worker messages serialise to CBOR");
    bytes
}

/// The message CBOR `bytes` hold.
///
/// # Errors
/// When they are not the CBOR of a `T`.
pub fn from_cbor<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    ciborium::from_reader(bytes).map_err(|e| e.to_string())
}

/// The message `text` holds.
fn parse<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_str(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Command;

    #[test]
    fn what_the_worker_posts_reads_back() {
        let messages = [
            FromWorker::Listening,
            FromWorker::Event(Box::new(Event::Alive(7))),
            FromWorker::WantTwin(2),
            FromWorker::DropTwin(2),
        ];
        for message in messages {
            let text = serde_json::to_string(&message).unwrap();
            assert_eq!(parse::<FromWorker>(&text).unwrap(), message);
        }
    }

    #[test]
    fn a_command_reads_back() {
        let text = serde_json::to_string(&Command::Ping(3)).unwrap();
        assert_eq!(parse::<Command>(&text).unwrap(), Command::Ping(3));
        assert!(parse::<Command>("{\"NoSuchCommand\":1}").is_err());
        let failed = Command::TwinFailed { twin: 4, reason: "its script did not load".into() };
        assert_eq!(parse::<Command>(&serde_json::to_string(&failed).unwrap()).unwrap(), failed);
    }
}
