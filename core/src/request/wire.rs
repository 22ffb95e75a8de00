//! The wire body: the request's fields in byte order of their wire names (the order a `serde_json::Map` prints,
//! which the service has always been sent), with `ExtraParams` merged in at their places, written straight from
//! the typed request into the bytes that are signed.

use super::CreateAiCallRequest;
use crate::schema::{MapSink, Record, Sink};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::iter::Peekable;

/// The compact JSON body.
pub(super) fn body(request: &CreateAiCallRequest) -> serde_json::Result<String> {
    serde_json::to_string(request)
}

/// The length in bytes of the body [`body`] would write, without writing it.
pub(super) fn len(request: &CreateAiCallRequest) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing to a counter cannot fail; a value serde cannot write would fail the real serialisation too.
    let _ = serde_json::to_writer(&mut count, request);
    count.0
}

/// The request as it would be sent, without validation or normalisation: what `to_wire_body` signs once the
/// request is valid.
impl Serialize for CreateAiCallRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut sink = Merged { map: MapSink(s.serialize_map(None)?), extra: self.extra.iter().peekable() };
        self.write_fields(true, &mut sink)?;
        sink.end()
    }
}

/// A map whose entries are given in key order, with `extra`'s entries merged in at their places. As in a map
/// built from both, an `extra` key equal to a field's replaces it, and `null` entries are left out.
struct Merged<'a, M> {
    map: MapSink<M>,
    extra: Peekable<serde_json::map::Iter<'a>>,
}

impl<M: SerializeMap> Sink for Merged<'_, M> {
    type Error = M::Error;

    fn entry<V: Serialize + ?Sized>(&mut self, key: &str, value: &V) -> Result<(), M::Error> {
        while let Some((k, v)) = self.extra.next_if(|(k, _)| k.as_str() <= key) {
            if !v.is_null() {
                self.map.entry(k, v)?;
            }
            if k == key {
                return Ok(());
            }
        }
        self.map.entry(key, value)
    }
}

impl<M: SerializeMap> Merged<'_, M> {
    fn end(mut self) -> Result<M::Ok, M::Error> {
        for (k, v) in self.extra {
            if !v.is_null() {
                self.map.entry(k, v)?;
            }
        }
        self.map.0.end()
    }
}
