//! TensorBoard's `Event` and `Summary` protobufs, decoded by hand: scalars (TF1 `simple_value`
//! and TF2 rank-0 float tensors) and the hparams plugin's session start info (as params).

use std::collections::BTreeSet;

use crate::proto::{Field, fields};

/// What the decoder remembers between records (and between reads of a growing file): the tags
/// whose first event declared them scalars, since TF2 writes that metadata only once per tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventDecoder {
    /// Tags declared scalars by their plugin metadata, sorted.
    pub scalar_tags: BTreeSet<String>,
}

/// One scalar point.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalarPoint {
    /// The summary tag, e.g. `loss/val`.
    pub tag: String,
    /// Step.
    pub step: i64,
    /// Wall time, epoch milliseconds.
    pub wall_time_ms: i64,
    /// Value.
    pub value: f64,
}

/// Everything read from one event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecodedEvents {
    /// Scalar points, in file order.
    pub scalars: Vec<ScalarPoint>,
    /// Hyperparameters from the hparams plugin, as (name, value text).
    pub hparams: Vec<(String, String)>,
    /// Records that were not an `Event` message (bad protobuf wire format, or a known field
    /// with the wrong wire type); skipped.
    pub malformed_events: u64,
}

const DT_FLOAT: u64 = 1;
const DT_DOUBLE: u64 = 2;

impl EventDecoder {
    /// The state saved in the index (the scalar tags, one per line).
    pub fn save(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for tag in &self.scalar_tags {
            out.extend_from_slice(tag.as_bytes());
            out.push(b'\n');
        }
        out
    }

    /// Restores a state written by [`EventDecoder::save`].
    pub fn load(state: &[u8]) -> EventDecoder {
        let text = String::from_utf8_lossy(state);
        EventDecoder {
            scalar_tags: text
                .split('\n')
                .filter(|tag| !tag.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }

    /// Decodes one `Event` record into `out`. A record that is not an `Event` (its wire format
    /// or its summary's is broken, or a known field has the wrong wire type) is counted in
    /// `out.malformed_events` and skipped; malformed parts deeper inside are ignored.
    pub fn decode(&mut self, event: &[u8], out: &mut DecodedEvents) {
        let mut wall_time = 0f64;
        let mut step = 0i64;
        let mut summary = None;
        let mut wrong_type = false;
        let mut event_fields = fields(event);
        for (number, field) in &mut event_fields {
            match (number, field) {
                (1, Field::Fixed64(bits)) => wall_time = f64::from_bits(bits),
                (2, Field::Varint(value)) => step = value as i64,
                (5, Field::Bytes(bytes)) => summary = Some(bytes),
                (3..=10, Field::Bytes(_)) => {}
                (1..=10, _) => wrong_type = true,
                _ => {}
            }
        }
        let summary_broken = summary.is_some_and(|summary| {
            let mut summary_fields = fields(summary);
            let wrong = summary_fields
                .by_ref()
                .any(|(number, field)| number == 1 && !matches!(field, Field::Bytes(_)));
            wrong || summary_fields.is_malformed()
        });
        if wrong_type || event_fields.is_malformed() || summary_broken {
            out.malformed_events += 1;
            return;
        }
        let Some(summary) = summary else {
            return;
        };
        let wall_time_ms = if wall_time.is_finite() && wall_time > 0.0 {
            (wall_time * 1000.0).round() as i64
        } else {
            0
        };
        for (number, field) in fields(summary) {
            if let (1, Field::Bytes(value)) = (number, field) {
                self.decode_value(value, step, wall_time_ms, out);
            }
        }
    }

    fn decode_value(
        &mut self,
        value: &[u8],
        step: i64,
        wall_time_ms: i64,
        out: &mut DecodedEvents,
    ) {
        let mut tag: &[u8] = b"";
        let mut simple_value = None;
        let mut tensor = None;
        let mut plugin_name: &[u8] = b"";
        let mut plugin_content: &[u8] = b"";
        let mut data_class = 0;
        for (number, field) in fields(value) {
            match (number, field) {
                (1, Field::Bytes(bytes)) => tag = bytes,
                (2, Field::Fixed32(bits)) => simple_value = Some(f32::from_bits(bits)),
                (8, Field::Bytes(bytes)) => tensor = Some(bytes),
                (9, Field::Bytes(metadata)) => {
                    for (number, field) in fields(metadata) {
                        match (number, field) {
                            (1, Field::Bytes(plugin_data)) => {
                                for (number, field) in fields(plugin_data) {
                                    match (number, field) {
                                        (1, Field::Bytes(name)) => plugin_name = name,
                                        (2, Field::Bytes(content)) => plugin_content = content,
                                        _ => {}
                                    }
                                }
                            }
                            (4, Field::Varint(class)) => data_class = class,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let tag = String::from_utf8_lossy(tag);
        if plugin_name == b"hparams" {
            decode_hparams(plugin_content, &mut out.hparams);
            return;
        }
        if let Some(value) = simple_value {
            out.scalars.push(ScalarPoint {
                tag: tag.into_owned(),
                step,
                wall_time_ms,
                value: f64::from(value),
            });
            return;
        }
        let Some(tensor) = tensor else {
            return;
        };
        let declared_scalar = plugin_name == b"scalars" || data_class == 1;
        if declared_scalar && !self.scalar_tags.contains(tag.as_ref()) {
            self.scalar_tags.insert(tag.to_string());
        }
        if !self.scalar_tags.contains(tag.as_ref()) {
            return;
        }
        if let Some(value) = scalar_tensor_value(tensor) {
            out.scalars.push(ScalarPoint {
                tag: tag.into_owned(),
                step,
                wall_time_ms,
                value,
            });
        }
    }
}

/// The value of a rank-0 DT_FLOAT or DT_DOUBLE `TensorProto`; `None` for any other shape.
fn scalar_tensor_value(tensor: &[u8]) -> Option<f64> {
    let mut dtype = 0;
    let mut rank = 0usize;
    let mut content: &[u8] = b"";
    let mut float_val = None;
    let mut double_val = None;
    for (number, field) in fields(tensor) {
        match (number, field) {
            (1, Field::Varint(value)) => dtype = value,
            (2, Field::Bytes(shape)) => {
                rank = fields(shape).filter(|(number, _)| *number == 2).count();
            }
            (4, Field::Bytes(bytes)) => content = bytes,
            (5, Field::Fixed32(bits)) => float_val = float_val.or(Some(f32::from_bits(bits))),
            (5, Field::Bytes(packed)) if packed.len() >= 4 => {
                float_val = float_val.or(Some(f32::from_le_bytes([
                    packed[0], packed[1], packed[2], packed[3],
                ])));
            }
            (6, Field::Fixed64(bits)) => double_val = double_val.or(Some(f64::from_bits(bits))),
            (6, Field::Bytes(packed)) if packed.len() >= 8 => {
                let mut array = [0u8; 8];
                array.copy_from_slice(&packed[..8]);
                double_val = double_val.or(Some(f64::from_le_bytes(array)));
            }
            _ => {}
        }
    }
    if rank != 0 {
        return None;
    }
    match dtype {
        DT_FLOAT => float_val.map(f64::from).or_else(|| {
            let bytes = content.get(..4)?;
            (content.len() == 4)
                .then(|| f64::from(f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])))
        }),
        DT_DOUBLE => double_val.or_else(|| {
            let bytes = content.get(..8)?;
            let mut array = [0u8; 8];
            array.copy_from_slice(bytes);
            (content.len() == 8).then(|| f64::from_le_bytes(array))
        }),
        _ => None,
    }
}

/// Reads `HParamsPluginData.session_start_info.hparams` (a map of `google.protobuf.Value`).
fn decode_hparams(content: &[u8], out: &mut Vec<(String, String)>) {
    for (number, field) in fields(content) {
        let (3, Field::Bytes(start_info)) = (number, field) else {
            continue;
        };
        for (number, field) in fields(start_info) {
            let (1, Field::Bytes(entry)) = (number, field) else {
                continue;
            };
            let mut key = String::new();
            let mut value = None;
            for (number, field) in fields(entry) {
                match (number, field) {
                    (1, Field::Bytes(bytes)) => key = String::from_utf8_lossy(bytes).into_owned(),
                    (2, Field::Bytes(bytes)) => value = protobuf_value_text(bytes),
                    _ => {}
                }
            }
            if let (false, Some(value)) = (key.is_empty(), value) {
                out.push((key, value));
            }
        }
    }
}

fn protobuf_value_text(value: &[u8]) -> Option<String> {
    for (number, field) in fields(value) {
        match (number, field) {
            (2, Field::Fixed64(bits)) => return Some(format_number(f64::from_bits(bits))),
            (3, Field::Bytes(text)) => return Some(String::from_utf8_lossy(text).into_owned()),
            (4, Field::Varint(flag)) => return Some((flag != 0).to_string()),
            _ => {}
        }
    }
    None
}

/// A number as Python would print it for the common cases (`0.001`, `12`, `1e-05`).
pub fn format_number(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}
