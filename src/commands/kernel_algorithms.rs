//! The running kernel's algorithms (its SADB_REGISTER reply), checked against a compiled
//! script before anything is sent, as the C setkey checks each key with ipsec_check_keylen2.

use setkey::compile::algorithms;
use setkey::lang::Diagnostic;
use setkey::pfkey::consts::*;
use setkey::pfkey::{self, Algorithm, Dialect, Extension, KeyKind, Message, SupportedKind};

use super::script::{Action, Step};
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

    /// Why the kernel would refuse the algorithms or key sizes of an ADD/UPDATE, if it would.
    pub fn check(&self, msg: &Message, dialect: Dialect) -> Result<(), String> {
        let sa_types = [SADB_SATYPE_AH, SADB_SATYPE_ESP];
        if !matches!(msg.header.msg_type, SADB_ADD | SADB_UPDATE)
            || !sa_types.contains(&msg.header.satype)
        {
            return Ok(());
        }
        let Some(sa) = msg.extensions.iter().find_map(|e| match e {
            Extension::Sa(sa) => Some(sa),
            _ => None,
        }) else {
            return Ok(());
        };
        let key_bits = |kind: KeyKind| {
            msg.extensions
                .iter()
                .find_map(|e| match e {
                    Extension::Key(k, key) if *k == kind => Some(key.bits),
                    _ => None,
                })
                .unwrap_or(0)
        };
        let named =
            |name: Option<&str>, id: u8| name.map_or(format!("number {id}"), str::to_string);
        if msg.header.satype == SADB_SATYPE_ESP && sa.encrypt != SADB_EALG_NONE {
            let name = named(
                algorithms::encrypt_name_of_id(sa.encrypt, dialect),
                sa.encrypt,
            );
            fits(
                &self.encrypt,
                sa.encrypt,
                key_bits(KeyKind::Encrypt),
                "encryption",
                &name,
            )?;
        }
        if sa.auth != SADB_AALG_NONE {
            let name = named(algorithms::auth_name_of_id(sa.auth, dialect), sa.auth);
            fits(
                &self.auth,
                sa.auth,
                key_bits(KeyKind::Auth),
                "authentication",
                &name,
            )?;
        }
        Ok(())
    }
}

fn fits(list: &[Algorithm], id: u8, bits: u16, kind: &str, name: &str) -> Result<(), String> {
    let Some(alg) = list.iter().find(|a| a.id == id) else {
        return Err(format!(
            "{kind} algorithm {name} is not supported by the running kernel \
             (it is missing from the kernel's SADB_REGISTER reply)"
        ));
    };
    if bits < alg.minbits || bits > alg.maxbits {
        return Err(format!(
            "the running kernel takes {name} keys of {} to {} bits, not {bits}",
            alg.minbits, alg.maxbits
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
        let Action::Send(bytes) = &step.action else {
            continue;
        };
        if !matches!(bytes.get(1), Some(&SADB_ADD | &SADB_UPDATE)) {
            continue;
        }
        let Ok(msg) = pfkey::parse(bytes, dialect) else {
            continue;
        };
        if let Err(reason) = algs.check(&msg, dialect) {
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

    #[test]
    fn supported_algorithms_and_key_sizes_pass() {
        let k = netbsd_kernel();
        let esp = sa_add(SADB_SATYPE_ESP, (3, 160), (12, 192));
        assert_eq!(k.check(&esp, Dialect::NetBsd), Ok(()));
        let null = sa_add(SADB_SATYPE_ESP, (2, 128), (11, 0));
        assert_eq!(k.check(&null, Dialect::NetBsd), Ok(()));
    }

    #[test]
    fn an_algorithm_missing_from_the_kernel_list_is_refused() {
        let k = netbsd_kernel();
        let ah = sa_add(SADB_SATYPE_AH, (249, 128), (0, 0));
        assert_eq!(
            k.check(&ah, Dialect::NetBsd),
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
            k.check(&esp, Dialect::NetBsd),
            Err("the running kernel takes aes-cbc keys of 128 to 256 bits, not 512".into())
        );
    }

    #[test]
    fn other_messages_and_sa_types_are_not_checked() {
        let k = netbsd_kernel();
        let mut get = sa_add(SADB_SATYPE_ESP, (249, 1), (99, 1));
        get.header.msg_type = SADB_GET;
        assert_eq!(k.check(&get, Dialect::NetBsd), Ok(()));
        let ipcomp = sa_add(SADB_X_SATYPE_IPCOMP, (0, 0), (2, 0));
        assert_eq!(k.check(&ipcomp, Dialect::NetBsd), Ok(()));
    }

    #[test]
    fn an_error_reply_gives_no_lists() {
        let mut reply = Message::new(SADB_REGISTER, 0);
        reply.header.errno = 22;
        assert!(KernelAlgorithms::from_reply(&reply).is_none());
        assert!(KernelAlgorithms::from_reply(&Message::new(SADB_REGISTER, 0)).is_none());
    }
}
