//! What FreeBSD 14's kernel refuses although its setkey sends it: each such statement is an
//! error under `--target freebsd` naming the kernel rule, and still compiles where it is valid.
//!
//! Sources (sobomax/freebsd14_vendor 0f7ff3427c99): sys/netipsec/key.c supported_aalgs
//! (no aes-xcbc-mac), supported_calgs (deflate only), key_spdadd/key_spddelete (discard,
//! none and ipsec only); sys/netipsec/xform_ah.c ah_init0 (no authentication key: EINVAL);
//! sys/net/pfkeyv2.h and sbin/setkey/token.l (no chacha20-poly1305).

use std::process::Command;

fn compile(target: &str, statement: &str) -> (Option<i32>, String) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("freebsd14_rules");
    std::fs::create_dir_all(&dir).unwrap();
    // The two tests run at once and share statements: the target keeps their files apart.
    let file = dir.join(format!("{target}-{:x}.conf", fxhash(statement)));
    std::fs::write(&file, format!("{statement}\n")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_setkey"))
        .args(["-n", "--target", target, "-f"])
        .arg(&file)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

const REFUSED: &[(&str, &str)] = &[
    (
        r#"add 10.0.0.1 10.0.0.2 ah 1000 -A aes-xcbc-mac "1234567890123456";"#,
        "FreeBSD 14's kernel refuses aes-xcbc-mac",
    ),
    (
        r#"add 10.0.0.1 10.0.0.2 esp 1000 -E aes-cbc "1234567890123456" -A aes-xcbc-mac "1234567890123456";"#,
        "FreeBSD 14's kernel refuses aes-xcbc-mac",
    ),
    (
        "add 10.0.0.1 10.0.0.2 ipcomp 1000 -C oui;",
        "deflate only (key.c supported_calgs)",
    ),
    (
        "add 10.0.0.1 10.0.0.2 ipcomp 1000 -C lzs;",
        "deflate only (key.c supported_calgs)",
    ),
    (
        "add 10.0.0.1 10.0.0.2 ah 1000 -A null;",
        "ah_init0 wants an authentication key",
    ),
    (
        r#"add 10.0.0.1 10.0.0.2 esp 1000 -E null "" -A null;"#,
        "ah_init0 wants an authentication key",
    ),
    (
        r#"add 10.0.0.1 10.0.0.2 esp 1000 -E chacha20-poly1305 "123456789012345678901234567890123456";"#,
        "FreeBSD 14 has no chacha20-poly1305",
    ),
    (
        "spdadd 10.0.0.1 10.0.0.2 any -P out bypass;",
        "key_spdadd and key_spddelete take only discard, none and ipsec",
    ),
    (
        "spdadd 10.0.0.1 10.0.0.2 any -P in entrust;",
        "key_spdadd and key_spddelete take only discard, none and ipsec",
    ),
    (
        "spddelete 10.0.0.1 10.0.0.2 any -P in bypass;",
        "key_spdadd and key_spddelete take only discard, none and ipsec",
    ),
];

#[test]
fn freebsd_refuses_what_its_kernel_refuses() {
    for (statement, why) in REFUSED {
        let (code, stderr) = compile("freebsd", statement);
        assert_eq!(code, Some(1), "{statement}: {stderr}");
        assert!(
            stderr.contains(why),
            "{statement}: want {why:?}, got {stderr}"
        );
    }
}

#[test]
fn the_same_statements_compile_where_the_kernel_takes_them() {
    for statement in [
        r#"add 10.0.0.1 10.0.0.2 ah 1000 -A aes-xcbc-mac "1234567890123456";"#,
        "add 10.0.0.1 10.0.0.2 ipcomp 1000 -C oui;",
        "spdadd 10.0.0.1 10.0.0.2 any -P out bypass;",
    ] {
        let (code, stderr) = compile("netbsd", statement);
        assert_eq!(code, Some(0), "{statement}: {stderr}");
    }
    let (code, stderr) = compile("freebsd", "add 10.0.0.1 10.0.0.2 ipcomp 1000 -C deflate;");
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stderr) = compile("freebsd", "spdadd 10.0.0.1 10.0.0.2 any -P out none;");
    assert_eq!(code, Some(0), "{stderr}");
}
