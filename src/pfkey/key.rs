//! `sadb_key`: a bit count followed by the key bytes, padded to 8.

use zeroize::Zeroizing;

use crate::pfkey::bytes::{host16, FieldError, Reader, Writer};
use crate::pfkey::error::EmitError;
use crate::pfkey::message::Key;

/// The number of whole bytes that hold `bits` bits.
pub(crate) fn bytes_for_bits(bits: u16) -> usize {
    usize::from(bits).div_ceil(8)
}

pub(crate) fn emit(key: &Key, w: &mut Writer) -> Result<(), EmitError> {
    let len = key.data.len();
    if len > usize::from(u16::MAX) / 8 {
        return Err(EmitError::TooLong {
            what: "key".into(),
            len,
        });
    }
    if bytes_for_bits(key.bits) != len {
        return Err(EmitError::Invalid(format!(
            "key of {} bits does not match its {len} bytes of data",
            key.bits
        )));
    }
    let ([b0, b1], [r0, r1]) = (host16(key.bits), host16(key.reserved));
    w.array([b0, b1, r0, r1]);
    w.bytes(&key.data);
    Ok(())
}

pub(crate) fn parse(r: &mut Reader) -> Result<Key, FieldError> {
    r.need(4, "sadb_key")?;
    let bits = r.u16()?;
    let reserved = r.u16()?;
    let want = bytes_for_bits(bits);
    if r.remaining() < want {
        return Err(FieldError::new(
            r.pos(),
            format!(
                "key of {bits} bits needs {want} bytes, the extension holds {}",
                r.remaining()
            ),
        ));
    }
    let data = Zeroizing::new(r.take(want)?.to_vec());
    Ok(Key {
        bits,
        reserved,
        data,
    })
}
