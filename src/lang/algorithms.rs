//! Algorithm names of both setkey dialects (a token's bytes) mapped to the `ast` algorithm enums.

use super::ast::{AuthAlgorithm, CompressAlgorithm, EncryptAlgorithm};

pub(crate) fn encrypt(name: &[u8]) -> Option<EncryptAlgorithm> {
    use EncryptAlgorithm::*;
    Some(match name {
        b"des-cbc" => DesCbc,
        b"3des-cbc" => TripleDesCbc,
        b"null" => Null,
        b"simple" => Simple,
        b"blowfish-cbc" => BlowfishCbc,
        b"cast128-cbc" => Cast128Cbc,
        b"des-deriv" => DesDeriv,
        b"des-32iv" => Des32Iv,
        b"twofish-cbc" => TwofishCbc,
        b"aes-cbc" => AesCbc,
        b"rijndael-cbc" => RijndaelCbc,
        b"aes-ctr" => AesCtr,
        b"camellia-cbc" => CamelliaCbc,
        b"aes-gcm-16" => AesGcm16,
        b"aes-gmac" => AesGmac,
        b"chacha20-poly1305" => Chacha20Poly1305,
        _ => return None,
    })
}

pub(crate) fn auth(name: &[u8]) -> Option<AuthAlgorithm> {
    use AuthAlgorithm::*;
    Some(match name {
        b"hmac-md5" => HmacMd5,
        b"hmac-sha1" => HmacSha1,
        b"keyed-md5" => KeyedMd5,
        b"keyed-sha1" => KeyedSha1,
        b"hmac-sha2-256" | b"hmac-sha256" => HmacSha256,
        b"hmac-sha2-384" | b"hmac-sha384" => HmacSha384,
        b"hmac-sha2-512" | b"hmac-sha512" => HmacSha512,
        b"hmac-ripemd160" => HmacRipemd160,
        b"aes-xcbc-mac" => AesXcbcMac,
        b"tcp-md5" => TcpMd5,
        b"null" => Null,
        b"chacha20-poly1305" => Chacha20Poly1305,
        _ => return None,
    })
}

pub(crate) fn compress(name: &[u8]) -> Option<CompressAlgorithm> {
    use CompressAlgorithm::*;
    Some(match name {
        b"oui" => Oui,
        b"deflate" => Deflate,
        b"lzs" => Lzs,
        _ => return None,
    })
}

/// Whether an encryption algorithm is used without key material.
pub(crate) fn encrypt_takes_key(alg: EncryptAlgorithm) -> bool {
    !matches!(alg, EncryptAlgorithm::Null | EncryptAlgorithm::Simple)
}

/// Whether an authentication algorithm is used without key material.
pub(crate) fn auth_takes_key(alg: AuthAlgorithm) -> bool {
    alg != AuthAlgorithm::Null
}
