//! Every input the fuzzers of `fuzz/` stopped on, replayed through the same checks: the
//! files of `fuzz/regressions/TARGET/`, and the structured messages of `roundtrip` below.

#[path = "../fuzz/checks.rs"]
mod checks;

use setkey::pfkey::*;

fn replay_dir(target: &str, check: fn(&[u8])) -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == ".gitkeep") {
            continue;
        }
        check(&std::fs::read(&path).unwrap());
        count += 1;
    }
    count
}

#[test]
fn script_inputs_found_by_the_fuzzer() {
    replay_dir("script", checks::script);
}

#[test]
fn decode_inputs_found_by_the_fuzzer() {
    replay_dir("decode", checks::decode);
}

#[test]
fn replay_inputs_found_by_the_fuzzer() {
    replay_dir("replay", checks::replay);
}

fn message(extensions: Vec<Extension>) -> Message {
    Message {
        header: Header {
            version: 255,
            reserved: 65407,
            seq: u32::MAX,
            pid: 4294967073,
            ..Header::default()
        },
        extensions,
    }
}

/// An unknown extension carrying the number of a typed one (10 is IDENTITY_SRC everywhere)
/// was written, then refused by the decoder as a too-short identity: the encoder now refuses
/// it, naming the extension that number is.
#[test]
fn roundtrip_unknown_extension_with_a_known_number_is_refused() {
    let msg = message(vec![Extension::Unknown {
        ext_type: 10,
        body: vec![],
    }]);
    for selector in 0..3 {
        checks::roundtrip(selector, &msg);
    }
    let err = emit(&msg, Dialect::NetBsd).unwrap_err();
    assert_eq!(
        err.to_string(),
        "extension type 10 is the identity_src extension on netbsd, not an unknown one"
    );
}

/// Identity text ending in NUL emitted as text + padding, and read back without the NUL
/// (the decoder strips the padding): 24 bytes became 16. The encoder now refuses it.
#[test]
fn roundtrip_identity_text_ending_in_nul_is_refused() {
    let msg = message(vec![Extension::Identity(
        IdentityKind::Src,
        Identity {
            ident_type: 0x4e4e,
            reserved: 0x4e4e,
            id: 0xcbf9_4f4e_4e4e_4e4e,
            text: vec![0],
        },
    )]);
    for selector in 0..3 {
        checks::roundtrip(selector, &msg);
    }
    assert!(emit(&msg, Dialect::Linux).is_err());
    let mut fine = msg.clone();
    let Extension::Identity(_, id) = &mut fine.extensions[0] else {
        unreachable!()
    };
    id.text = b"host.example".to_vec();
    checks::roundtrip(0, &fine);
}
