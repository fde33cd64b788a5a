//! Algorithm names of both setkey dialects mapped to the `ast` algorithm enums.

use super::ast::{AuthAlgorithm, CompressAlgorithm, EncryptAlgorithm};

pub(crate) fn encrypt(name: &str) -> Option<EncryptAlgorithm> {
    use EncryptAlgorithm::*;
    Some(match name {
        "des-cbc" => DesCbc,
        "3des-cbc" => TripleDesCbc,
        "null" => Null,
        "simple" => Simple,
        "blowfish-cbc" => BlowfishCbc,
        "cast128-cbc" => Cast128Cbc,
        "des-deriv" => DesDeriv,
        "des-32iv" => Des32Iv,
        "twofish-cbc" => TwofishCbc,
        "aes-cbc" => AesCbc,
        "rijndael-cbc" => RijndaelCbc,
        "aes-ctr" => AesCtr,
        "camellia-cbc" => CamelliaCbc,
        "aes-gcm-16" => AesGcm16,
        "aes-gmac" => AesGmac,
        "chacha20-poly1305" => Chacha20Poly1305,
        _ => return None,
    })
}

pub(crate) fn auth(name: &str) -> Option<AuthAlgorithm> {
    use AuthAlgorithm::*;
    Some(match name {
        "hmac-md5" => HmacMd5,
        "hmac-sha1" => HmacSha1,
        "keyed-md5" => KeyedMd5,
        "keyed-sha1" => KeyedSha1,
        "hmac-sha2-256" | "hmac-sha256" => HmacSha256,
        "hmac-sha2-384" | "hmac-sha384" => HmacSha384,
        "hmac-sha2-512" | "hmac-sha512" => HmacSha512,
        "hmac-ripemd160" => HmacRipemd160,
        "aes-xcbc-mac" => AesXcbcMac,
        "tcp-md5" => TcpMd5,
        "null" => Null,
        "chacha20-poly1305" => Chacha20Poly1305,
        _ => return None,
    })
}

pub(crate) fn compress(name: &str) -> Option<CompressAlgorithm> {
    use CompressAlgorithm::*;
    Some(match name {
        "oui" => Oui,
        "deflate" => Deflate,
        "lzs" => Lzs,
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
