//! SAs both BSD kernels refuse although their setkey sends them: an ESP or AH SPI below 256,
//! and only one of the hard and soft lifetimes. Each is a compile-time error naming the
//! kernel rule under `--target netbsd|freebsd`; Linux's af_key takes both.
//!
//! Sources: NetBSD sys/netipsec/key.c (key_mature: "illegal range of SPI"; key_add and
//! key_update: "invalid message is passed" for one lifetime; also answered EINVAL by the
//! NetBSD kernel harness); FreeBSD sys/netipsec/key.c (sobomax/freebsd14_vendor
//! 0f7ff3427c99: key_newsav, key_add, key_updatelifetimes).

use std::process::Command;

/// Exit status and stderr of `setkey -n --target TARGET -c` on `statement`.
fn check(target: &str, statement: &str) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_setkey"))
        .args(["-n", "--target", target, "-c"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{statement}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const KEY: &str = "0x00112233445566778899aabbccddeeff";

#[test]
fn reserved_spis_are_refused_for_esp_and_ah_on_both_bsds() {
    for (target, rule) in [
        ("netbsd", "key_mature: illegal range of SPI"),
        ("freebsd", "key_newsav: illegal range of SPI"),
    ] {
        for statement in [
            format!("add 10.0.0.1 10.0.0.2 esp 255 -E aes-cbc {KEY};"),
            format!("add 10.0.0.1 10.0.0.2 esp 0x10 -E aes-cbc {KEY};"),
            format!(
                "add 10.0.0.1 10.0.0.2 ah 1 -A hmac-sha256 {KEY}{};",
                &KEY[2..]
            ),
        ] {
            let (status, stderr) = check(target, &statement);
            assert_eq!(status, Some(1), "{target}: {statement}");
            assert!(stderr.contains(rule), "{target}: {statement}: {stderr}");
            assert!(stderr.contains("(stdin):1:"), "{stderr}");
        }
        let (status, stderr) = check(
            target,
            &format!("add 10.0.0.1 10.0.0.2 esp 256 -E aes-cbc {KEY};"),
        );
        assert_eq!(status, Some(0), "{target}: SPI 256: {stderr}");
        // The SPI of an IPComp SA is its CPI: no such range there.
        let (status, stderr) = check(target, "add 10.0.0.1 10.0.0.2 ipcomp 5 -C deflate;");
        assert_eq!(status, Some(0), "{target}: ipcomp 5: {stderr}");
    }
    let (status, stderr) = check(
        "linux",
        &format!("add 10.0.0.1 10.0.0.2 esp 255 -E aes-cbc {KEY};"),
    );
    assert_eq!(status, Some(0), "linux: {stderr}");
}

#[test]
fn a_lone_hard_or_soft_lifetime_is_refused_on_both_bsds() {
    for target in ["netbsd", "freebsd"] {
        for (options, at) in [("-lh 60", 34), ("-ls 30", 34), ("-lh 0 -ls 30", 40)] {
            let statement = format!("add 10.0.0.1 10.0.0.2 esp 0x1000 {options} -E aes-cbc {KEY};");
            let (status, stderr) = check(target, &statement);
            assert_eq!(status, Some(1), "{target}: {statement}");
            assert!(
                stderr.contains(&format!("(stdin):1:{at}: error: "))
                    && stderr.contains("hard and soft lifetimes together or not at all"),
                "{target}: {statement}: {stderr}"
            );
        }
        let both = format!("add 10.0.0.1 10.0.0.2 esp 0x1000 -lh 60 -ls 30 -E aes-cbc {KEY};");
        let (status, stderr) = check(target, &both);
        assert_eq!(status, Some(0), "{target}: {stderr}");
    }
    // NetBSD's byte lifetimes pair up the same way.
    let (status, stderr) = check(
        "netbsd",
        &format!("add 10.0.0.1 10.0.0.2 esp 0x1000 -bh 1000 -E aes-cbc {KEY};"),
    );
    assert_eq!(status, Some(1), "{stderr}");
    let (status, stderr) = check(
        "linux",
        &format!("add 10.0.0.1 10.0.0.2 esp 0x1000 -lh 60 -E aes-cbc {KEY};"),
    );
    assert_eq!(status, Some(0), "linux: {stderr}");
}
