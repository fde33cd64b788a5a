//! Byte reader/writer for the codec; the one place that decides host and network byte order.

/// A problem found while decoding one extension, relative to the extension's first byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub at: usize,
    pub reason: String,
}

impl FieldError {
    pub fn new(at: usize, reason: impl Into<String>) -> Self {
        FieldError {
            at,
            reason: reason.into(),
        }
    }
}

// PF_KEY "host order" fields are written little-endian: every supported target
// (amd64, arm64) is little-endian. A big-endian port changes only these two functions.
fn host_bytes<const N: usize>(be: [u8; N]) -> [u8; N] {
    let mut out = be;
    out.reverse();
    out
}

fn from_host_bytes<const N: usize>(host: [u8; N]) -> [u8; N] {
    host_bytes(host)
}

/// A host-order u16 as it is written, for fields assembled before they are appended.
pub(crate) fn host16(v: u16) -> [u8; 2] {
    host_bytes(v.to_be_bytes())
}

/// A host-order u32 as it is written.
pub(crate) fn host32(v: u32) -> [u8; 4] {
    host_bytes(v.to_be_bytes())
}

/// Copies `part` into `out` at `at` (fixed layouts assembled on the stack).
pub(crate) fn put<const N: usize>(out: &mut [u8], at: usize, part: [u8; N]) {
    if let Some(slot) = out.get_mut(at..at + N) {
        slot.copy_from_slice(&part);
    }
}

/// Appends fields to a growing buffer.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&host_bytes(v.to_be_bytes()));
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&host_bytes(v.to_be_bytes()));
    }

    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&host_bytes(v.to_be_bytes()));
    }

    pub fn be16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub fn be32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// Appends fields assembled beforehand, at once.
    pub fn array<const N: usize>(&mut self, b: [u8; N]) {
        self.buf.extend_from_slice(&b);
    }

    pub fn zeros(&mut self, n: usize) {
        self.buf.resize(self.buf.len() + n, 0);
    }

    /// Zero-pads the buffer to a multiple of 8 bytes.
    pub fn pad8(&mut self) {
        let padded = align8(self.buf.len());
        self.buf.resize(padded, 0);
    }

    /// Overwrites a host-order u16 already written at `at`.
    pub fn patch_u16(&mut self, at: usize, v: u16) {
        if let Some(slot) = self.buf.get_mut(at..at + 2) {
            slot.copy_from_slice(&host_bytes(v.to_be_bytes()));
        }
    }
}

/// "1 byte", "8 bytes".
pub(crate) fn n_bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{n} bytes")
    }
}

/// Rounds up to a multiple of 8.
pub(crate) fn align8(n: usize) -> usize {
    n.div_ceil(8) * 8
}

/// Reads fields from one extension (or the header); positions are relative to its start.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8], pos: usize) -> Self {
        Reader { buf, pos }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// Fails with a message naming `what` unless `n` more bytes are available.
    #[inline]
    pub fn need(&self, n: usize, what: &str) -> Result<(), FieldError> {
        if self.remaining() < n {
            return Err(self.short(n, what));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn short(&self, n: usize, what: &str) -> FieldError {
        FieldError::new(
            self.pos,
            format!(
                "{what} needs {}, only {} left",
                n_bytes(n),
                n_bytes(self.remaining())
            ),
        )
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], FieldError> {
        self.need(n, "field")?;
        let out = self.buf.get(self.pos..self.pos + n).unwrap_or_default();
        self.pos += n;
        Ok(out)
    }

    /// A reader over the next `n` bytes (positions unchanged); `self` skips past them.
    pub fn sub(&mut self, n: usize) -> Result<Reader<'a>, FieldError> {
        let start = self.pos;
        self.take(n)?;
        let buf = self.buf.get(..start + n).unwrap_or_default();
        Ok(Reader::new(buf, start))
    }

    pub fn rest(&mut self) -> &'a [u8] {
        let out = self.buf.get(self.pos..).unwrap_or_default();
        self.pos = self.buf.len();
        out
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FieldError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, FieldError> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u16(&mut self) -> Result<u16, FieldError> {
        Ok(u16::from_be_bytes(from_host_bytes(self.array()?)))
    }

    pub fn u32(&mut self) -> Result<u32, FieldError> {
        Ok(u32::from_be_bytes(from_host_bytes(self.array()?)))
    }

    pub fn u64(&mut self) -> Result<u64, FieldError> {
        Ok(u64::from_be_bytes(from_host_bytes(self.array()?)))
    }

    pub fn be16(&mut self) -> Result<u16, FieldError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub fn be32(&mut self) -> Result<u32, FieldError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub fn skip(&mut self, n: usize) -> Result<(), FieldError> {
        self.take(n).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_order_is_little_endian_and_network_order_big_endian() {
        let mut w = Writer::default();
        w.u16(0x0102);
        w.u32(0x0304_0506);
        w.be16(0x0102);
        w.be32(0x0304_0506);
        assert_eq!(w.buf, [2, 1, 6, 5, 4, 3, 1, 2, 3, 4, 5, 6]);
        let mut r = Reader::new(&w.buf, 0);
        assert_eq!(r.u16(), Ok(0x0102));
        assert_eq!(r.u32(), Ok(0x0304_0506));
        assert_eq!(r.be16(), Ok(0x0102));
        assert_eq!(r.be32(), Ok(0x0304_0506));
        assert_eq!(
            r.u8(),
            Err(FieldError::new(12, "field needs 1 byte, only 0 bytes left"))
        );
    }
}
