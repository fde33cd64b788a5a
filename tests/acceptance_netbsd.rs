//! Acceptance: every setkey statement of NetBSD's own IPsec test suite compiles with
//! `setkey -n --target netbsd`, and every one that suite expects setkey or the kernel to refuse
//! is refused.
//!
//! The statements live in `tests/acceptance/netbsd/`, one file per script of NetBSD/src
//! `tests/net/ipsec/` (the revision read heads each file): `t_xxx.conf` holds what the script
//! sends with `setkey -c` and expects to succeed, `t_xxx.fail.conf` what it expects to fail,
//! each after a `# expect:` line with the verdict the script checks for. The scripts' loops over
//! algorithms and address families are expanded as `algorithms.sh` 1.6 does it (one key of each
//! valid length, `"aaa..."` of length/8 bytes), shell variables replaced by the addresses the
//! scripts assign, the statement text kept as they write it.
//!
//! Each statement is compiled on its own, from a file with `-f`, by the built binary. A
//! statement whose outcome differs from what NetBSD's suite expects must be listed in
//! [`KNOWN_GAPS`]; one that is listed but behaves fails the test too, so the list stays true.

mod acceptance_support;

use acceptance_support::Suite;

/// Statements whose outcome under `-n --target netbsd` is not yet what NetBSD's suite expects:
/// (a substring of the statement with its blanks collapsed to one space, the reason). Every entry
/// must match at least one statement that misbehaves, and every statement that misbehaves must
/// match an entry.
const KNOWN_GAPS: &[(&str, &str)] = &[
    // AH with -A null and no key: t_ipsec_ah_keys.sh 1.4 (valid keys), t_ipsec_transport.sh
    // 1.8, t_ipsec_tunnel.sh 1.11, t_ipsec_tunnel_odd.sh 1.5, t_ipsec_tunnel_ipcomp.sh 1.4,
    // t_ipsec_misc.sh 1.21, t_ipsec_gif.sh 1.2, t_ipsec_l2tp.sh 1.5.2.1, t_ipsec_sockopt.sh
    // 1.2.2.2 and t_ipsec_tcp.sh 1.2.2.2 expect it to be added (AH_AUTHENTICATION_ALGORITHMS
    // and _MINIMUM of algorithms.sh 1.6 hold null). setkey-rs refuses it for netbsd before
    // sending, from a rump kernel's EINVAL and ah_init0 in sys/netipsec/xform_ah.c 1.111
    // (no key_auth). The C setkey sends no KEY_AUTH for -A null either (parse.y: ALG_AUTH_NOKEY
    // leaves p_key_auth NULL, setkeymsg_add adds KEY_AUTH only when it is set), so which side
    // is right depends on the kernel these tests run against.
    (
        "-A null ;",
        "NetBSD's kernel refuses authentication null: it needs an authentication key",
    ),
];

/// The setkey-rs diagnostic for a verdict the scripts expect: the C setkey's parser says
/// `syntax error` for a key after `null`; the kernel says `Invalid argument` (or `Invalid key
/// length`) for a key of the wrong size, which setkey-rs finds before sending.
fn refusal(expect: &str) -> &'static str {
    if expect.starts_with("syntax error") {
        "takes no key"
    } else if expect.starts_with("Invalid (key length|argument)") {
        " key must be "
    } else {
        panic!("no setkey-rs diagnostic known for '# expect: {expect}'")
    }
}

#[test]
fn netbsd_ipsec_suite_statements() {
    Suite {
        dir: "tests/acceptance/netbsd",
        target: "netbsd",
        counts: (677, 60),
        known_gaps: KNOWN_GAPS,
        refusal,
    }
    .run();
}
