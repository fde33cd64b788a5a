//! The PF_KEY socket layer against a real Linux kernel, with hand-built messages.
//!
//! These tests change the kernel's IPsec databases, so they are ignored by a plain
//! `cargo test`; vm-tests/linux/run.sh runs them with `--include-ignored` inside a VM.
#![cfg(target_os = "linux")]

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use setkey::kernel::PfKeySocket;

const SADB_ADD: u8 = 3;
const SADB_REGISTER: u8 = 7;
const SADB_FLUSH: u8 = 9;
const SADB_DUMP: u8 = 10;
const SADB_X_SPDADD: u8 = 14;
const SADB_X_SPDDUMP: u8 = 18;
const SADB_X_SPDFLUSH: u8 = 19;

const SATYPE_UNSPEC: u8 = 0;
const SATYPE_ESP: u8 = 3;

const EXT_SA: u16 = 1;
const EXT_ADDRESS_SRC: u16 = 5;
const EXT_ADDRESS_DST: u16 = 6;
const EXT_KEY_AUTH: u16 = 8;
const EXT_KEY_ENCRYPT: u16 = 9;
const EXT_SUPPORTED_AUTH: u16 = 14;
const EXT_SUPPORTED_ENCRYPT: u16 = 15;
const EXT_X_POLICY: u16 = 18;
const EXT_X_SA2: u16 = 19;

const AALG_SHA256_HMAC: u8 = 5;
const EALG_AES_CBC: u8 = 12;
const IPPROTO_ESP: u16 = 50;
const ULPROTO_ANY: u8 = 255;
const MODE_TRANSPORT: u8 = 1;
const LEVEL_REQUIRE: u8 = 2;
const POLICY_IPSEC: u16 = 2;
const DIR_OUTBOUND: u8 = 2;

const ENOENT: u8 = 2;
const EEXIST: u8 = 17;

const TIMEOUT: Duration = Duration::from_secs(20);
const HOST_A: [u8; 4] = [192, 0, 2, 1];
const HOST_B: [u8; 4] = [192, 0, 2, 2];

/// The tests share the kernel's databases: one at a time.
static KERNEL: Mutex<()> = Mutex::new(());
static NEXT_SEQ: AtomicU32 = AtomicU32::new(1);

/// A message under construction: header fields, then extensions in order.
struct Builder {
    bytes: Vec<u8>,
}

fn message(msg_type: u8, satype: u8) -> Builder {
    let seq = NEXT_SEQ.fetch_add(1, Ordering::Relaxed);
    let mut bytes = vec![2, msg_type, 0, satype, 0, 0, 0, 0];
    bytes.extend_from_slice(&seq.to_le_bytes());
    bytes.extend_from_slice(&PfKeySocket::pid().to_le_bytes());
    Builder { bytes }
}

impl Builder {
    /// Appends an extension: its 4-byte header, `body`, zero padding to 8 bytes.
    fn ext(mut self, ext_type: u16, body: &[u8]) -> Builder {
        let padded = (4 + body.len()).div_ceil(8) * 8;
        self.bytes
            .extend_from_slice(&((padded / 8) as u16).to_le_bytes());
        self.bytes.extend_from_slice(&ext_type.to_le_bytes());
        self.bytes.extend_from_slice(body);
        self.bytes
            .resize(self.bytes.len() + padded - 4 - body.len(), 0);
        self
    }

    fn build(mut self) -> Vec<u8> {
        let words = (self.bytes.len() / 8) as u16;
        self.bytes[4..6].copy_from_slice(&words.to_le_bytes());
        self.bytes
    }
}

fn sa_body(spi: u32, auth: u8, encrypt: u8) -> Vec<u8> {
    let mut body = spi.to_be_bytes().to_vec();
    body.extend_from_slice(&[0, 1, auth, encrypt, 0, 0, 0, 0]); // replay, state MATURE
    body
}

/// `sadb_address` body with a Linux `sockaddr_in` (u16 family, no length byte).
fn address_body(ip: [u8; 4], proto: u8) -> Vec<u8> {
    let mut body = vec![proto, 32, 0, 0];
    body.extend_from_slice(&2u16.to_le_bytes());
    body.extend_from_slice(&[0, 0]);
    body.extend_from_slice(&ip);
    body.extend_from_slice(&[0; 8]);
    body
}

fn key_body(key: &[u8]) -> Vec<u8> {
    let mut body = ((key.len() * 8) as u16).to_le_bytes().to_vec();
    body.extend_from_slice(&[0, 0]);
    body.extend_from_slice(key);
    body
}

fn sa2_body(mode: u8, reqid: u32) -> Vec<u8> {
    let mut body = vec![mode, 0, 0, 0, 0, 0, 0, 0];
    body.extend_from_slice(&reqid.to_le_bytes());
    body
}

/// `sadb_x_policy` with one Linux `sadb_x_ipsecrequest` (16 bytes, reqid u32 at 8).
fn esp_transport_require_policy(dir: u8) -> Vec<u8> {
    let mut body = POLICY_IPSEC.to_le_bytes().to_vec();
    body.extend_from_slice(&[dir, 0]);
    body.extend_from_slice(&[0; 8]); // id, priority
    body.extend_from_slice(&16u16.to_le_bytes());
    body.extend_from_slice(&IPPROTO_ESP.to_le_bytes());
    body.extend_from_slice(&[MODE_TRANSPORT, LEVEL_REQUIRE, 0, 0]);
    body.extend_from_slice(&[0; 8]); // reqid, reserved
    body
}

fn esp_sa_add(spi: u32) -> Vec<u8> {
    message(SADB_ADD, SATYPE_ESP)
        .ext(EXT_KEY_ENCRYPT, &key_body(&[0x11; 16]))
        .ext(EXT_KEY_AUTH, &key_body(&[0x22; 32]))
        .ext(EXT_SA, &sa_body(spi, AALG_SHA256_HMAC, EALG_AES_CBC))
        .ext(EXT_X_SA2, &sa2_body(MODE_TRANSPORT, 0))
        .ext(EXT_ADDRESS_SRC, &address_body(HOST_A, ULPROTO_ANY))
        .ext(EXT_ADDRESS_DST, &address_body(HOST_B, ULPROTO_ANY))
        .build()
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn errno(msg: &[u8]) -> u8 {
    msg[2]
}

/// The extensions of a received message, each as (type, whole extension bytes).
fn extensions(msg: &[u8]) -> Vec<(u16, &[u8])> {
    let mut found = Vec::new();
    let mut at = 16;
    while at < msg.len() {
        let len = usize::from(u16_at(msg, at)) * 8;
        assert!(len >= 8 && at + len <= msg.len(), "bad extension at {at}");
        found.push((u16_at(msg, at + 2), &msg[at..at + len]));
        at += len;
    }
    found
}

fn extension(msg: &[u8], ext_type: u16) -> &[u8] {
    extensions(msg)
        .into_iter()
        .find(|(t, _)| *t == ext_type)
        .unwrap_or_else(|| panic!("no extension {ext_type} in {msg:02x?}"))
        .1
}

/// The algorithm ids of a SUPPORTED extension (8-byte header, then 8-byte `sadb_alg`s).
fn supported_ids(ext: &[u8]) -> BTreeSet<u8> {
    ext[8..].chunks_exact(8).map(|alg| alg[0]).collect()
}

fn spi_of(msg: &[u8]) -> u32 {
    let sa = extension(msg, EXT_SA);
    u32::from_be_bytes([sa[4], sa[5], sa[6], sa[7]])
}

/// Sends a dump request and collects our replies up to the one with seq 0; an errno ends it.
fn dump(socket: &PfKeySocket, msg_type: u8) -> Result<Vec<Vec<u8>>, u8> {
    socket
        .send(&message(msg_type, SATYPE_UNSPEC).build())
        .unwrap();
    let mut entries = Vec::new();
    loop {
        let reply = socket.recv(TIMEOUT).unwrap();
        if reply[1] != msg_type || u32_at(&reply, 12) != PfKeySocket::pid() {
            continue;
        }
        if errno(&reply) != 0 {
            return Err(errno(&reply));
        }
        let last = u32_at(&reply, 8) == 0;
        entries.push(reply);
        if last {
            return Ok(entries);
        }
    }
}

fn request_ok(socket: &PfKeySocket, msg: &[u8]) -> Vec<u8> {
    let reply = socket.request(msg, TIMEOUT).unwrap();
    assert_eq!(errno(&reply), 0, "kernel rejected message type {}", msg[1]);
    reply
}

/// Locks the kernel for one test and starts it from empty databases.
fn clean_kernel() -> (std::sync::MutexGuard<'static, ()>, PfKeySocket) {
    let guard = KERNEL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let socket = PfKeySocket::open().expect("PF_KEY must open in the VM");
    request_ok(&socket, &message(SADB_FLUSH, SATYPE_UNSPEC).build());
    request_ok(&socket, &message(SADB_X_SPDFLUSH, SATYPE_UNSPEC).build());
    (guard, socket)
}

#[test]
#[ignore = "needs a PF_KEY kernel: run by vm-tests/linux/run.sh"]
fn open_succeeds() {
    let _guard = KERNEL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    assert!(PfKeySocket::open().is_ok());
}

#[test]
#[ignore = "needs a PF_KEY kernel: run by vm-tests/linux/run.sh"]
fn register_esp_lists_supported_algorithms() {
    let (_guard, socket) = clean_kernel();
    let request = message(SADB_REGISTER, SATYPE_ESP).build();
    let reply = request_ok(&socket, &request);
    assert_eq!(reply[..4], [2, SADB_REGISTER, 0, SATYPE_ESP]);
    assert_eq!(reply[8..16], request[8..16], "seq and pid echoed");
    let auth = supported_ids(extension(&reply, EXT_SUPPORTED_AUTH));
    let encrypt = supported_ids(extension(&reply, EXT_SUPPORTED_ENCRYPT));
    assert!(auth.contains(&AALG_SHA256_HMAC), "{auth:?}");
    assert!(encrypt.contains(&EALG_AES_CBC), "{encrypt:?}");
}

#[test]
#[ignore = "needs a PF_KEY kernel: run by vm-tests/linux/run.sh"]
fn dump_of_an_empty_database_answers_enoent() {
    let (_guard, socket) = clean_kernel();
    let request = message(SADB_DUMP, SATYPE_UNSPEC).build();
    let reply = socket.request(&request, TIMEOUT).unwrap();
    assert_eq!(errno(&reply), ENOENT);
    assert_eq!(reply[8..16], request[8..16]);
}

#[test]
#[ignore = "needs a PF_KEY kernel: run by vm-tests/linux/run.sh"]
fn added_sa_is_dumped_once_and_cannot_be_added_twice() {
    let (_guard, socket) = clean_kernel();
    let reply = request_ok(&socket, &esp_sa_add(0x1000));
    assert_eq!(spi_of(&reply), 0x1000);
    assert_eq!(extension(&reply, EXT_ADDRESS_SRC)[12..16], HOST_A);

    let entries = dump(&socket, SADB_DUMP).unwrap();
    assert_eq!(entries.len(), 1);
    let sa = extension(&entries[0], EXT_SA);
    assert_eq!(
        sa[4..12],
        [0, 0, 0x10, 0, 0, 1, AALG_SHA256_HMAC, EALG_AES_CBC]
    );
    assert_eq!(extension(&entries[0], EXT_ADDRESS_DST)[12..16], HOST_B);
    assert_eq!(extension(&entries[0], EXT_KEY_ENCRYPT)[8..24], [0x11; 16]);

    let again = socket.request(&esp_sa_add(0x1000), TIMEOUT).unwrap();
    assert_eq!(errno(&again), EEXIST);
}

#[test]
#[ignore = "needs a PF_KEY kernel: run by vm-tests/linux/run.sh"]
fn policy_is_added_dumped_and_flushed() {
    let (_guard, socket) = clean_kernel();
    let add = message(SADB_X_SPDADD, SATYPE_UNSPEC)
        .ext(EXT_X_POLICY, &esp_transport_require_policy(DIR_OUTBOUND))
        .ext(EXT_ADDRESS_SRC, &address_body(HOST_A, ULPROTO_ANY))
        .ext(EXT_ADDRESS_DST, &address_body(HOST_B, ULPROTO_ANY))
        .build();
    request_ok(&socket, &add);

    let entries = dump(&socket, SADB_X_SPDDUMP).unwrap();
    assert_eq!(entries.len(), 1);
    let policy = extension(&entries[0], EXT_X_POLICY);
    assert_eq!(u16_at(policy, 4), POLICY_IPSEC);
    assert_eq!(policy[6], DIR_OUTBOUND);
    let request = policy.get(16..32).expect("one ipsecrequest");
    assert_eq!(u16_at(request, 0), 16);
    assert_eq!(u16_at(request, 2), IPPROTO_ESP);
    assert_eq!(request[4..6], [MODE_TRANSPORT, LEVEL_REQUIRE]);
    assert_eq!(extension(&entries[0], EXT_ADDRESS_SRC)[12..16], HOST_A);

    request_ok(&socket, &message(SADB_X_SPDFLUSH, SATYPE_UNSPEC).build());
    assert_eq!(dump(&socket, SADB_X_SPDDUMP), Err(ENOENT));
}

#[test]
#[ignore = "needs a PF_KEY kernel: run by vm-tests/linux/run.sh"]
fn a_dump_of_2000_sas_returns_every_one() {
    let (_guard, socket) = clean_kernel();
    let spis: BTreeSet<u32> = (0x2000..0x2000 + 2000).collect();
    for &spi in &spis {
        request_ok(&socket, &esp_sa_add(spi));
    }
    let entries = dump(&socket, SADB_DUMP).unwrap();
    assert_eq!(entries.len(), 2000);
    let dumped: BTreeSet<u32> = entries.iter().map(|e| spi_of(e)).collect();
    assert_eq!(dumped, spis);
    request_ok(&socket, &message(SADB_FLUSH, SATYPE_UNSPEC).build());
    assert_eq!(dump(&socket, SADB_DUMP), Err(ENOENT));
}
