//! The running kernel's algorithms (its SADB_REGISTER reply), checked against a compiled
//! script before anything is sent, as the C setkey checks each key with ipsec_check_keylen2.

use setkey::compile::algorithms;
use setkey::lang::Diagnostic;
use setkey::pfkey::consts::*;
use setkey::pfkey::{Algorithm, Dialect, Extension, KeyKind, Message, SupportedKind};

use super::script::Step;
use super::session::Session;

/// The algorithms and key sizes the kernel lists for AH/ESP authentication and ESP encryption.
#[derive(Debug, Default)]
pub struct KernelAlgorithms {
    auth: Vec<Algorithm>,
    encrypt: Vec<Algorithm>,
}

impl KernelAlgorithms {
    /// The lists of a REGISTER reply; None when it carries none (an error reply).
    pub fn from_reply(reply: &Message) -> Option<KernelAlgorithms> {
        if reply.header.errno != 0 {
            return None;
        }
        let mut algs = KernelAlgorithms::default();
        for ext in &reply.extensions {
            match ext {
                Extension::Supported(SupportedKind::Auth, list) => algs.auth.extend(list),
                Extension::Supported(SupportedKind::Encrypt, list) => algs.encrypt.extend(list),
                _ => {}
            }
        }
        (!algs.auth.is_empty() || !algs.encrypt.is_empty()).then_some(algs)
    }

    /// Why the kernel would refuse the algorithms or key sizes of an SA, if it would.
    pub fn check(&self, sa: &SaAlgorithms, dialect: Dialect) -> Result<(), String> {
        if sa.satype == SADB_SATYPE_ESP && sa.encrypt != SADB_EALG_NONE {
            let name = || algorithms::encrypt_name_of_id(sa.encrypt, dialect);
            fits(
                &self.encrypt,
                sa.encrypt,
                sa.encrypt_bits,
                "encryption",
                name,
            )?;
        }
        if sa.auth != SADB_AALG_NONE {
            let name = || algorithms::auth_name_of_id(sa.auth, dialect);
            fits(&self.auth, sa.auth, sa.auth_bits, "authentication", name)?;
        }
        Ok(())
    }
}

/// The algorithms and key sizes an AH or ESP ADD/UPDATE asks of the kernel, noted when the
/// statement is compiled so that the check need not decode the encoded message again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaAlgorithms {
    satype: u8,
    auth: u8,
    auth_bits: u16,
    encrypt: u8,
    encrypt_bits: u16,
}

impl SaAlgorithms {
    /// What `msg` asks for; None for other messages and SA types, or without an SA extension.
    pub fn of(msg: &Message) -> Option<SaAlgorithms> {
        let sa_types = [SADB_SATYPE_AH, SADB_SATYPE_ESP];
        if !matches!(msg.header.msg_type, SADB_ADD | SADB_UPDATE)
            || !sa_types.contains(&msg.header.satype)
        {
            return None;
        }
        let sa = msg.extensions.iter().find_map(|e| match e {
            Extension::Sa(sa) => Some(sa),
            _ => None,
        })?;
        let key_bits = |kind: KeyKind| {
            msg.extensions
                .iter()
                .find_map(|e| match e {
                    Extension::Key(k, key) if *k == kind => Some(key.bits),
                    _ => None,
                })
                .unwrap_or(0)
        };
        Some(SaAlgorithms {
            satype: msg.header.satype,
            auth: sa.auth,
            auth_bits: key_bits(KeyKind::Auth),
            encrypt: sa.encrypt,
            encrypt_bits: key_bits(KeyKind::Encrypt),
        })
    }
}

/// Whether the kernel lists algorithm `id` with room for `bits`; `name` is asked for only
/// to say why not.
fn fits<'a>(
    list: &[Algorithm],
    id: u8,
    bits: u16,
    kind: &str,
    name: impl Fn() -> Option<&'a str>,
) -> Result<(), String> {
    let named = || name().map_or(format!("number {id}"), str::to_string);
    let Some(alg) = list.iter().find(|a| a.id == id) else {
        return Err(format!(
            "{kind} algorithm {} is not supported by the running kernel \
             (it is missing from the kernel's SADB_REGISTER reply)",
            named()
        ));
    };
    if bits < alg.minbits || bits > alg.maxbits {
        return Err(format!(
            "the running kernel takes {} keys of {} to {} bits, not {bits}",
            named(),
            alg.minbits,
            alg.maxbits
        ));
    }
    Ok(())
}

/// Asks the kernel for its algorithms (SADB_REGISTER of satype unspec registers for nothing,
/// the kernel only lists them); None when it gives no usable answer.
pub fn query(session: &mut Session) -> Option<KernelAlgorithms> {
    let reply = session
        .transact(&Message::new(SADB_REGISTER, SADB_SATYPE_UNSPEC))
        .ok()?;
    KernelAlgorithms::from_reply(&reply)
}

/// Every SA of the script that the kernel would refuse for its algorithms, as diagnostics.
pub fn check_steps(steps: &[Step], algs: &KernelAlgorithms, dialect: Dialect) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for step in steps {
        if let Some(Err(reason)) = step.algorithms.map(|sa| algs.check(&sa, dialect)) {
            errors.push(Diagnostic::new(step.statement, reason));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use setkey::pfkey::{Key, Sa};
    use zeroize::Zeroizing;

    fn alg(id: u8, minbits: u16, maxbits: u16) -> Algorithm {
        Algorithm {
            id,
            ivlen: 0,
            minbits,
            maxbits,
            reserved: 0,
        }
    }

    /// Part of what the NetBSD rump kernel (sys/netipsec of 2016) lists: no keyed-md5 (249).
    fn netbsd_kernel() -> KernelAlgorithms {
        let mut reply = Message::new(SADB_REGISTER, 0);
        reply.extensions = vec![
            Extension::Supported(
                SupportedKind::Auth,
                vec![alg(2, 128, 128), alg(3, 160, 160)],
            ),
            Extension::Supported(
                SupportedKind::Encrypt,
                vec![alg(11, 0, 2048), alg(12, 128, 256)],
            ),
        ];
        KernelAlgorithms::from_reply(&reply).unwrap()
    }

    fn sa_add(satype: u8, auth: (u8, u16), encrypt: (u8, u16)) -> Message {
        let mut m = Message::new(SADB_ADD, satype);
        let key = |kind, bits: u16| {
            Extension::Key(
                kind,
                Key {
                    bits,
                    reserved: 0,
                    data: Zeroizing::new(vec![0; usize::from(bits / 8)]),
                },
            )
        };
        m.extensions = vec![
            key(KeyKind::Encrypt, encrypt.1),
            key(KeyKind::Auth, auth.1),
            Extension::Sa(Sa {
                spi: 0x1000,
                auth: auth.0,
                encrypt: encrypt.0,
                ..Sa::default()
            }),
        ];
        m
    }

    fn check(k: &KernelAlgorithms, msg: &Message) -> Result<(), String> {
        let sa = SaAlgorithms::of(msg).expect("an AH or ESP ADD");
        k.check(&sa, Dialect::NetBsd)
    }

    #[test]
    fn an_add_names_its_algorithms_and_key_sizes() {
        let esp = sa_add(SADB_SATYPE_ESP, (3, 160), (12, 192));
        assert_eq!(
            SaAlgorithms::of(&esp),
            Some(SaAlgorithms {
                satype: SADB_SATYPE_ESP,
                auth: 3,
                auth_bits: 160,
                encrypt: 12,
                encrypt_bits: 192,
            })
        );
        let mut keyless = esp.clone();
        keyless.header.msg_type = SADB_UPDATE;
        keyless.extensions.retain(|e| matches!(e, Extension::Sa(_)));
        let sa = SaAlgorithms::of(&keyless).unwrap();
        assert_eq!((sa.auth_bits, sa.encrypt_bits), (0, 0));
    }

    #[test]
    fn supported_algorithms_and_key_sizes_pass() {
        let k = netbsd_kernel();
        let esp = sa_add(SADB_SATYPE_ESP, (3, 160), (12, 192));
        assert_eq!(check(&k, &esp), Ok(()));
        let null = sa_add(SADB_SATYPE_ESP, (2, 128), (11, 0));
        assert_eq!(check(&k, &null), Ok(()));
    }

    #[test]
    fn an_algorithm_missing_from_the_kernel_list_is_refused() {
        let k = netbsd_kernel();
        let ah = sa_add(SADB_SATYPE_AH, (249, 128), (0, 0));
        assert_eq!(
            check(&k, &ah),
            Err(
                "authentication algorithm keyed-md5 is not supported by the running kernel \
                 (it is missing from the kernel's SADB_REGISTER reply)"
                    .into()
            )
        );
    }

    #[test]
    fn a_key_outside_the_kernel_range_is_refused() {
        let k = netbsd_kernel();
        let esp = sa_add(SADB_SATYPE_ESP, (3, 160), (12, 512));
        assert_eq!(
            check(&k, &esp),
            Err("the running kernel takes aes-cbc keys of 128 to 256 bits, not 512".into())
        );
    }

    #[test]
    fn other_messages_and_sa_types_are_not_checked() {
        let mut get = sa_add(SADB_SATYPE_ESP, (249, 1), (99, 1));
        get.header.msg_type = SADB_GET;
        assert_eq!(SaAlgorithms::of(&get), None);
        let ipcomp = sa_add(SADB_X_SATYPE_IPCOMP, (0, 0), (2, 0));
        assert_eq!(SaAlgorithms::of(&ipcomp), None);
        let mut no_sa = sa_add(SADB_SATYPE_ESP, (249, 1), (99, 1));
        no_sa.extensions.retain(|e| !matches!(e, Extension::Sa(_)));
        assert_eq!(SaAlgorithms::of(&no_sa), None);
    }

    #[test]
    fn an_error_reply_gives_no_lists() {
        let mut reply = Message::new(SADB_REGISTER, 0);
        reply.header.errno = 22;
        assert!(KernelAlgorithms::from_reply(&reply).is_none());
        assert!(KernelAlgorithms::from_reply(&Message::new(SADB_REGISTER, 0)).is_none());
    }
}
