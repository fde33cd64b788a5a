//! get, delete, getspi, deleteall, flush, dump, spdflush, spddump and exit per target.

mod compile_support;

use compile_support::*;
use setkey::compile::Operation;
use setkey::lang::*;
use setkey::pfkey::consts::*;
use setkey::pfkey::{Dialect, Extension, SpiRange};

#[test]
fn get_is_sa_sa2_src_dst_and_printed() {
    let s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x1000);
    let [src, dst] = sa_addrs("10.0.0.1", "10.0.0.2");
    let expected = message(
        SADB_GET,
        SADB_SATYPE_ESP,
        vec![sa_ext(0x1000, 0, 0, 0x40), sa2_ext(0, 0), src, dst],
    );
    for d in Dialect::ALL {
        let ops = ops(StatementKind::Get(s.clone()), d).unwrap();
        assert_eq!(ops, vec![Operation::Get(expected.clone())], "{d}");
    }
}

#[test]
fn delete_is_sa_sa2_src_dst() {
    let s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Ah, 0x1001);
    let [src, dst] = sa_addrs("10.0.0.1", "10.0.0.2");
    let expected = message(
        SADB_DELETE,
        SADB_SATYPE_AH,
        vec![sa_ext(0x1001, 0, 0, 0x40), sa2_ext(0, 0), src, dst],
    );
    for d in Dialect::ALL {
        assert_eq!(send(StatementKind::Delete(s.clone()), d), expected, "{d}");
    }
}

#[test]
fn freebsd_delete_with_big_replay_carries_sa_replay() {
    let mut s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x1002);
    s.options.replay = Some(at(1000, 33, 40));
    let m = send(StatementKind::Delete(s), Dialect::FreeBsd);
    assert_eq!(m.extensions[2], Extension::SaReplay { replay: 8000 });
    assert_eq!(m.extensions.len(), 5);
}

#[test]
fn getspi_pins_the_spi_with_a_range_first() {
    let s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0x2000);
    let [src, dst] = sa_addrs("10.0.0.1", "10.0.0.2");
    let expected = message(
        SADB_GETSPI,
        SADB_SATYPE_ESP,
        vec![
            Extension::SpiRange(SpiRange {
                min: 0x2000,
                max: 0x2000,
                reserved: 0,
            }),
            sa_ext(0x2000, 0, 0, 0x40),
            sa2_ext(0, 0),
            src,
            dst,
        ],
    );
    for d in [Dialect::NetBsd, Dialect::Linux] {
        assert_eq!(send(StatementKind::GetSpi(s.clone()), d), expected, "{d}");
    }
}

#[test]
fn getspi_with_spi_0_has_no_range() {
    let s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0);
    let m = send(StatementKind::GetSpi(s), Dialect::Linux);
    assert_eq!(m.extensions[0], sa_ext(0, 0, 0, 0x40));
    assert_eq!(m.extensions.len(), 4);
}

fn deleteall() -> DeleteAll {
    let s = sa("10.0.0.1", "10.0.0.2", SaProtocol::Esp, 0);
    DeleteAll {
        flags: AddressFlags::default(),
        src: s.src,
        dst: s.dst,
        protocol: s.protocol,
        other_pairs: Vec::new(),
    }
}

#[test]
fn deleteall_on_bsd_is_a_delete_without_sa() {
    let [src, dst] = sa_addrs("10.0.0.1", "10.0.0.2");
    let expected = message(SADB_DELETE, SADB_SATYPE_ESP, vec![src, dst]);
    for d in [Dialect::NetBsd, Dialect::FreeBsd] {
        assert_eq!(
            send(StatementKind::DeleteAll(deleteall()), d),
            expected,
            "{d}"
        );
    }
}

#[test]
fn deleteall_on_linux_dumps_then_deletes() {
    let ops = ops(StatementKind::DeleteAll(deleteall()), Dialect::Linux).unwrap();
    assert_eq!(
        ops,
        vec![Operation::DeleteAllByDump {
            dump: message(SADB_DUMP, SADB_SATYPE_ESP, vec![]),
            satype: SADB_SATYPE_ESP,
            src: sockaddr("10.0.0.1", 0),
            dst: sockaddr("10.0.0.2", 0),
        }]
    );
}

#[test]
fn flush_and_dump_with_and_without_protocol() {
    for d in Dialect::ALL {
        assert_eq!(
            ops(StatementKind::Flush(None), d).unwrap(),
            vec![Operation::Send(message(SADB_FLUSH, 0, vec![]))]
        );
        assert_eq!(
            ops(StatementKind::Flush(Some(at(SaProtocol::Ah, 6, 8))), d).unwrap(),
            vec![Operation::Send(message(SADB_FLUSH, SADB_SATYPE_AH, vec![]))]
        );
        assert_eq!(
            ops(StatementKind::Dump(None), d).unwrap(),
            vec![Operation::Dump(message(SADB_DUMP, 0, vec![]))]
        );
        assert_eq!(
            ops(StatementKind::Dump(Some(at(SaProtocol::IpComp, 5, 11))), d).unwrap(),
            vec![Operation::Dump(message(
                SADB_DUMP,
                SADB_X_SATYPE_IPCOMP,
                vec![]
            ))]
        );
    }
}

#[test]
fn spdflush_spddump_and_exit() {
    for d in Dialect::ALL {
        assert_eq!(
            ops(StatementKind::SpdFlush, d).unwrap(),
            vec![Operation::Send(message(SADB_X_SPDFLUSH, 0, vec![]))]
        );
        assert_eq!(
            ops(StatementKind::SpdDump, d).unwrap(),
            vec![Operation::Dump(message(SADB_X_SPDDUMP, 0, vec![]))]
        );
        assert_eq!(ops(StatementKind::Exit, d).unwrap(), vec![Operation::Exit]);
    }
}
