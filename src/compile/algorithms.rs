//! Per-target algorithm tables: the number each kernel uses and the key sizes it accepts.

use crate::lang::{AuthAlgorithm, CompressAlgorithm, EncryptAlgorithm};
use crate::pfkey::consts::*;
use crate::pfkey::Dialect;

/// What key an algorithm takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRule {
    /// No key at all (no key extension is sent).
    Keyless,
    /// No key, but a key extension of 0 bits is sent, as the C setkey sends it: kernels
    /// refuse an ESP SA without a KEY_ENCRYPT extension, also for the null cipher
    /// (NetBSD sys/netipsec/key.c key_add: "invalid message is passed").
    EmptyKey,
    /// Known to the language, but the target's kernel refuses every SA that uses it this
    /// way; the text says why.
    Refused(&'static str),
    /// One of these sizes, in bits.
    Sizes(&'static [u16]),
    /// Any size in this range, in bits.
    Range(u16, u16),
}

/// One algorithm on one target: its number, its key, and the SA flags it implies.
#[derive(Debug, Clone, Copy)]
pub struct Support {
    pub id: u8,
    pub key: KeyRule,
    pub flags: u32,
    /// Taken, with this warning, as the C setkey warns of it.
    pub warning: Option<&'static str>,
}

const fn on(id: u8, key: KeyRule) -> Option<Support> {
    with_flags(id, key, 0)
}

/// An obsolete name the C setkey still takes, warning of it.
const fn obsolete(id: u8, key: KeyRule, warning: &'static str) -> Option<Support> {
    Some(Support {
        id,
        key,
        flags: 0,
        warning: Some(warning),
    })
}

/// Known to the language but absent from the target, which has no number for it.
const fn absent(why: &'static str) -> Option<Support> {
    Some(Support {
        id: 0,
        key: KeyRule::Refused(why),
        flags: 0,
        warning: None,
    })
}

const fn with_flags(id: u8, key: KeyRule, flags: u32) -> Option<Support> {
    Some(Support {
        id,
        key,
        flags,
        warning: None,
    })
}

const SIMPLE: &str =
    "obsolete algorithm simple: sent as null encryption with an empty key, as setkey does";

const AES: KeyRule = KeyRule::Sizes(&[128, 192, 256]);
/// AES key plus a 32-bit nonce or salt.
const AES_SALTED: KeyRule = KeyRule::Sizes(&[160, 224, 288]);

/// Rows: algorithm, then its support on NetBSD, FreeBSD, Linux.
type Row<A> = (A, [Option<Support>; 3]);

const ENCRYPT: &[Row<EncryptAlgorithm>] = {
    use EncryptAlgorithm::*;
    use KeyRule::*;
    &[
        (DesCbc, [on(2, Sizes(&[64])), None, on(2, Sizes(&[64]))]),
        (
            TripleDesCbc,
            [on(3, Sizes(&[192])), None, on(3, Sizes(&[192]))],
        ),
        (
            Null,
            [
                on(11, KeyRule::EmptyKey),
                on(11, Range(0, 2048)),
                on(11, KeyRule::EmptyKey),
            ],
        ),
        // The obsolete keyless cipher: setkey's token.l reads it as SADB_EALG_NULL and parse.y
        // sends an empty key, with "WARNING: obsolete algorithm" (ipsec-tools and FreeBSD).
        (
            Simple,
            [
                obsolete(11, KeyRule::EmptyKey, SIMPLE),
                obsolete(11, KeyRule::EmptyKey, SIMPLE),
                obsolete(11, KeyRule::EmptyKey, SIMPLE),
            ],
        ),
        (
            BlowfishCbc,
            [on(7, Range(40, 448)), None, on(7, Range(40, 448))],
        ),
        (
            Cast128Cbc,
            [on(6, Range(40, 128)), None, on(6, Range(40, 128))],
        ),
        (
            DesDeriv,
            [
                with_flags(2, Sizes(&[64]), SADB_X_EXT_DERIV),
                None,
                with_flags(2, Sizes(&[64]), SADB_X_EXT_DERIV),
            ],
        ),
        (
            Des32Iv,
            [
                with_flags(2, Sizes(&[64]), SADB_X_EXT_IV4B),
                None,
                with_flags(2, Sizes(&[64]), SADB_X_EXT_IV4B),
            ],
        ),
        // Linux net/xfrm/xfrm_algo.c: cbc(twofish), SADB_X_EALG_TWOFISHCBC, 128 to 256 bits.
        (TwofishCbc, [None, None, on(253, Range(128, 256))]),
        (AesCbc, [on(12, AES), on(12, AES), on(12, AES)]),
        (RijndaelCbc, [on(12, AES), on(12, AES), on(12, AES)]),
        (
            AesCtr,
            [on(13, AES_SALTED), on(13, AES_SALTED), on(13, AES_SALTED)],
        ),
        (CamelliaCbc, [on(22, AES), None, on(22, AES)]),
        // NetBSD's pfkeyv2.h: SADB_X_EALG_AESGCM16 20, SADB_X_EALG_AESGMAC 23 (ESP with GMAC
        // authentication and no encryption, RFC 4543); the NetBSD kernel harness lists both
        // with 160 to 288-bit keys (an AES key and a 32-bit salt).
        (AesGcm16, [on(20, AES_SALTED), on(20, AES_SALTED), None]),
        (AesGmac, [on(23, AES_SALTED), None, None]),
        (Chacha20Poly1305, [None, absent(CHACHA_ON_FREEBSD), None]),
    ]
};

const AUTH: &[Row<AuthAlgorithm>] = {
    use AuthAlgorithm::*;
    use KeyRule::*;
    &[
        (HmacMd5, [on(2, Sizes(&[128])), None, on(2, Sizes(&[128]))]),
        (
            HmacSha1,
            [
                on(3, Sizes(&[160])),
                on(3, Sizes(&[160])),
                on(3, Sizes(&[160])),
            ],
        ),
        (KeyedMd5, [on(249, Sizes(&[128])), None, None]),
        (KeyedSha1, [on(250, Sizes(&[160])), None, None]),
        (
            HmacSha256,
            [
                on(5, Sizes(&[256])),
                on(5, Sizes(&[256])),
                on(5, Sizes(&[256])),
            ],
        ),
        (
            HmacSha384,
            [
                on(6, Sizes(&[384])),
                on(6, Sizes(&[384])),
                on(6, Sizes(&[384])),
            ],
        ),
        (
            HmacSha512,
            [
                on(7, Sizes(&[512])),
                on(7, Sizes(&[512])),
                on(7, Sizes(&[512])),
            ],
        ),
        (
            HmacRipemd160,
            [on(8, Sizes(&[160])), None, on(8, Sizes(&[160]))],
        ),
        (
            AesXcbcMac,
            [
                on(9, Sizes(&[128])),
                on(9, XCBC_ON_FREEBSD),
                on(9, Sizes(&[128])),
            ],
        ),
        (
            TcpMd5,
            [on(252, Range(8, 640)), on(252, Range(8, 640)), None],
        ),
        (
            Null,
            [
                on(251, NULL_AUTH_ON_NETBSD),
                on(251, NULL_AUTH_ON_FREEBSD),
                on(251, KeyRule::Keyless),
            ],
        ),
        (Chacha20Poly1305, [None, None, None]),
    ]
};

/// NetBSD's kernel wants an authentication key with every authentication algorithm, and
/// null takes none: key_add refuses AH without a KEY_AUTH extension, and ESP's ah_init0
/// (sys/netipsec/xform_ah.c 1.111) refuses "no authentication key for NULL-HMAC algorithm".
const NULL_AUTH_ON_NETBSD: KeyRule = KeyRule::Refused(
    "NetBSD's kernel refuses authentication null: it needs an authentication key, and null \
     takes none (leave out -A for ESP without authentication)",
);

/// FreeBSD 14's kernel (sys/netipsec/key.c, sobomax/freebsd14_vendor 0f7ff3427c99):
/// `supported_aalgs` holds null, hmac-sha1, hmac-sha2-256/384/512 and the AES-GMAC ones;
/// `supported_ealgs` null, aes-cbc, aes-ctr, aes-gcm-16 and aes-gmac; `supported_calgs`
/// deflate alone. Its setkey (sbin/setkey/token.l, same tree) still spells aes-xcbc-mac, oui
/// and lzs, and the kernel refuses the SA.
const XCBC_ON_FREEBSD: KeyRule = KeyRule::Refused(
    "FreeBSD 14's kernel refuses aes-xcbc-mac: key.c's supported_aalgs lacks it (it offers \
     hmac-sha1, hmac-sha2-256, hmac-sha2-384 and hmac-sha2-512)",
);

/// FreeBSD 14's ah_init0 (sys/netipsec/xform_ah.c, sobomax/freebsd14_vendor 0f7ff3427c99)
/// refuses an SA without an authentication key, null included, for AH and for ESP with -A.
const NULL_AUTH_ON_FREEBSD: KeyRule = KeyRule::Refused(
    "FreeBSD's kernel refuses authentication null: ah_init0 wants an authentication key, and \
     null takes none (leave out -A for ESP without authentication)",
);

/// Neither FreeBSD 14's setkey (token.l) nor its kernel (key.c supported_ealgs, pfkeyv2.h has
/// no SADB_X_EALG_CHACHA20POLY1305) knows it, in sobomax/freebsd14_vendor 0f7ff3427c99.
const CHACHA_ON_FREEBSD: &str = "FreeBSD 14 has no chacha20-poly1305: neither its setkey nor \
     its kernel (key.c supported_ealgs, pfkeyv2.h) knows it";

const COMPRESS_ON_FREEBSD: KeyRule =
    KeyRule::Refused("FreeBSD's kernel compresses with deflate only (key.c supported_calgs)");

const COMPRESS: &[Row<CompressAlgorithm>] = {
    use CompressAlgorithm::*;
    use KeyRule::Keyless as NoKey;
    &[
        (Oui, [on(1, NoKey), on(1, COMPRESS_ON_FREEBSD), None]),
        (Deflate, [on(2, NoKey), on(2, NoKey), on(2, NoKey)]),
        // Linux: net/xfrm/xfrm_algo.c calg_list has lzs (SADB_X_CALG_LZS, pfkey_supported),
        // and ipsec-tools' token.l takes the name; whether the kernel can run it is its
        // SADB_REGISTER reply's to say.
        (
            Lzs,
            [on(3, NoKey), on(3, COMPRESS_ON_FREEBSD), on(3, NoKey)],
        ),
    ]
};

fn column(dialect: Dialect) -> usize {
    match dialect {
        Dialect::NetBsd => 0,
        Dialect::FreeBsd => 1,
        Dialect::Linux => 2,
    }
}

fn find<A: PartialEq + Copy>(rows: &[Row<A>], alg: A, dialect: Dialect) -> Option<Support> {
    rows.iter()
        .find(|(a, _)| *a == alg)
        .and_then(|(_, support)| support[column(dialect)])
}

pub fn encrypt(alg: EncryptAlgorithm, dialect: Dialect) -> Option<Support> {
    find(ENCRYPT, alg, dialect)
}

pub fn auth(alg: AuthAlgorithm, dialect: Dialect) -> Option<Support> {
    find(AUTH, alg, dialect)
}

pub fn compress(alg: CompressAlgorithm, dialect: Dialect) -> Option<Support> {
    find(COMPRESS, alg, dialect)
}

fn name_of_id<A: Copy>(
    rows: &[Row<A>],
    id: u8,
    dialect: Dialect,
    name: fn(A) -> &'static str,
) -> Option<&'static str> {
    rows.iter()
        .find(|(_, support)| support[column(dialect)].is_some_and(|s| s.id == id && !is_absent(s)))
        .map(|(alg, _)| name(*alg))
}

/// A row made by [`absent`]: no number on that target.
fn is_absent(s: Support) -> bool {
    s.id == 0 && matches!(s.key, KeyRule::Refused(_))
}

/// The setkey name of encryption algorithm number `id` on `dialect` (the first of aliases).
pub fn encrypt_name_of_id(id: u8, dialect: Dialect) -> Option<&'static str> {
    name_of_id(ENCRYPT, id, dialect, encrypt_name)
}

/// The setkey name of authentication algorithm number `id` on `dialect`.
pub fn auth_name_of_id(id: u8, dialect: Dialect) -> Option<&'static str> {
    name_of_id(AUTH, id, dialect, auth_name)
}

pub fn encrypt_name(alg: EncryptAlgorithm) -> &'static str {
    use EncryptAlgorithm::*;
    match alg {
        DesCbc => "des-cbc",
        TripleDesCbc => "3des-cbc",
        Null => "null",
        Simple => "simple",
        BlowfishCbc => "blowfish-cbc",
        Cast128Cbc => "cast128-cbc",
        DesDeriv => "des-deriv",
        Des32Iv => "des-32iv",
        TwofishCbc => "twofish-cbc",
        AesCbc => "aes-cbc",
        RijndaelCbc => "rijndael-cbc",
        AesCtr => "aes-ctr",
        CamelliaCbc => "camellia-cbc",
        AesGcm16 => "aes-gcm-16",
        AesGmac => "aes-gmac",
        Chacha20Poly1305 => "chacha20-poly1305",
    }
}

pub fn auth_name(alg: AuthAlgorithm) -> &'static str {
    use AuthAlgorithm::*;
    match alg {
        HmacMd5 => "hmac-md5",
        HmacSha1 => "hmac-sha1",
        KeyedMd5 => "keyed-md5",
        KeyedSha1 => "keyed-sha1",
        HmacSha256 => "hmac-sha256",
        HmacSha384 => "hmac-sha384",
        HmacSha512 => "hmac-sha512",
        HmacRipemd160 => "hmac-ripemd160",
        AesXcbcMac => "aes-xcbc-mac",
        TcpMd5 => "tcp-md5",
        Null => "null",
        Chacha20Poly1305 => "chacha20-poly1305",
    }
}

pub fn compress_name(alg: CompressAlgorithm) -> &'static str {
    match alg {
        CompressAlgorithm::Oui => "oui",
        CompressAlgorithm::Deflate => "deflate",
        CompressAlgorithm::Lzs => "lzs",
    }
}

/// Checks a key of `bytes` bytes against `rule`; the error says what the algorithm wants.
#[inline]
pub fn check_key(name: &str, rule: KeyRule, bytes: usize) -> Result<(), String> {
    let bits = bytes * 8;
    let ok = match rule {
        KeyRule::Keyless | KeyRule::EmptyKey => bytes == 0,
        KeyRule::Refused(_) => false,
        KeyRule::Sizes(sizes) => sizes.iter().any(|s| usize::from(*s) == bits),
        KeyRule::Range(min, max) => (usize::from(min)..=usize::from(max)).contains(&bits),
    };
    if ok {
        return Ok(());
    }
    let wanted = match rule {
        KeyRule::Keyless | KeyRule::EmptyKey | KeyRule::Refused(_) => "no key".to_string(),
        KeyRule::Sizes([one]) => format!("{one} bits"),
        KeyRule::Sizes(sizes) => {
            let list: Vec<String> = sizes.iter().map(u16::to_string).collect();
            match list.split_last() {
                Some((last, rest)) => format!("{} or {last} bits", rest.join(", ")),
                None => "no key".to_string(),
            }
        }
        KeyRule::Range(min, max) => format!("{min} to {max} bits"),
    };
    let unit = if bytes == 1 { "byte" } else { "bytes" };
    Err(format!(
        "{name} key must be {wanted}, got {bits} bits ({bytes} {unit})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_errors_say_what_is_wanted() {
        assert_eq!(
            check_key("aes-cbc", AES, 15),
            Err("aes-cbc key must be 128, 192 or 256 bits, got 120 bits (15 bytes)".into())
        );
        assert_eq!(
            check_key("hmac-sha1", KeyRule::Sizes(&[160]), 16),
            Err("hmac-sha1 key must be 160 bits, got 128 bits (16 bytes)".into())
        );
        assert!(check_key("tcp-md5", KeyRule::Range(8, 640), 80).is_ok());
        assert!(check_key("tcp-md5", KeyRule::Range(8, 640), 81).is_err());
    }

    #[test]
    fn names_of_numbers_per_target() {
        assert_eq!(auth_name_of_id(249, Dialect::NetBsd), Some("keyed-md5"));
        assert_eq!(auth_name_of_id(249, Dialect::Linux), None);
        assert_eq!(encrypt_name_of_id(12, Dialect::FreeBsd), Some("aes-cbc"));
        assert_eq!(encrypt_name_of_id(253, Dialect::Linux), Some("twofish-cbc"));
    }

    #[test]
    fn freebsd_dropped_the_old_ciphers() {
        assert!(encrypt(EncryptAlgorithm::DesCbc, Dialect::FreeBsd).is_none());
        assert!(encrypt(EncryptAlgorithm::DesCbc, Dialect::NetBsd).is_some());
        assert_eq!(
            encrypt(EncryptAlgorithm::TwofishCbc, Dialect::Linux).map(|s| s.id),
            Some(253)
        );
        assert_eq!(
            encrypt(EncryptAlgorithm::AesGcm16, Dialect::FreeBsd).map(|s| s.id),
            Some(20)
        );
    }
}
