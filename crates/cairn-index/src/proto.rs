//! A minimal protobuf wire-format reader: enough to walk TensorBoard's `Event` and `Summary`
//! messages without generated code. Every read is bounds-checked; malformed input ends the walk.

/// One field of a message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1.
    Fixed64(u64),
    /// Wire type 2: bytes, strings, sub-messages, packed repeated values.
    Bytes(&'a [u8]),
    /// Wire type 5.
    Fixed32(u32),
}

/// Iterates over `(field number, value)` of a message; stops at the first malformed byte.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    data: &'a [u8],
    position: usize,
    malformed: bool,
}

/// The fields of `data`.
pub fn fields(data: &[u8]) -> Fields<'_> {
    Fields {
        data,
        position: 0,
        malformed: false,
    }
}

impl Fields<'_> {
    /// Whether the walk stopped at a malformed byte rather than at the end of the message.
    pub fn is_malformed(&self) -> bool {
        self.malformed
    }
}

/// Reads a varint at `*position`.
pub fn read_varint(data: &[u8], position: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *data.get(*position)?;
        *position += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

impl<'a> Iterator for Fields<'a> {
    type Item = (u32, Field<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.position >= self.data.len() {
            return None;
        }
        let parsed = self.parse_one();
        if parsed.is_none() {
            self.position = self.data.len();
            self.malformed = true;
        }
        parsed
    }
}

impl<'a> Fields<'a> {
    fn parse_one(&mut self) -> Option<(u32, Field<'a>)> {
        let key = read_varint(self.data, &mut self.position)?;
        let number = u32::try_from(key >> 3).ok()?;
        let field = match key & 7 {
            0 => Field::Varint(read_varint(self.data, &mut self.position)?),
            1 => {
                let bytes = self.data.get(self.position..self.position + 8)?;
                self.position += 8;
                let mut array = [0u8; 8];
                array.copy_from_slice(bytes);
                Field::Fixed64(u64::from_le_bytes(array))
            }
            2 => {
                let length = usize::try_from(read_varint(self.data, &mut self.position)?).ok()?;
                let end = self.position.checked_add(length)?;
                let bytes = self.data.get(self.position..end)?;
                self.position = end;
                Field::Bytes(bytes)
            }
            5 => {
                let bytes = self.data.get(self.position..self.position + 4)?;
                self.position += 4;
                Field::Fixed32(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
            }
            _ => return None,
        };
        Some((number, field))
    }
}

/// Writes protobuf fields (tests and benchmarks make event files with it).
#[derive(Debug, Default, Clone)]
pub struct Writer {
    /// The encoded message so far.
    pub bytes: Vec<u8>,
}

impl Writer {
    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.bytes.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    /// A varint field.
    pub fn uint(&mut self, number: u32, value: u64) -> &mut Self {
        self.varint(u64::from(number) << 3);
        self.varint(value);
        self
    }

    /// A double field.
    pub fn double(&mut self, number: u32, value: f64) -> &mut Self {
        self.varint((u64::from(number) << 3) | 1);
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// A float field.
    pub fn float(&mut self, number: u32, value: f32) -> &mut Self {
        self.varint((u64::from(number) << 3) | 5);
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// A length-delimited field.
    pub fn bytes(&mut self, number: u32, value: &[u8]) -> &mut Self {
        self.varint((u64::from(number) << 3) | 2);
        self.varint(value.len() as u64);
        self.bytes.extend_from_slice(value);
        self
    }
}
