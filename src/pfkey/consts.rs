//! PF_KEY v2 numbers shared by all three dialects (message types, SA types, policy values).

pub const PF_KEY_V2: u8 = 2;

pub const SADB_RESERVED: u8 = 0;
pub const SADB_GETSPI: u8 = 1;
pub const SADB_UPDATE: u8 = 2;
pub const SADB_ADD: u8 = 3;
pub const SADB_DELETE: u8 = 4;
pub const SADB_GET: u8 = 5;
pub const SADB_ACQUIRE: u8 = 6;
pub const SADB_REGISTER: u8 = 7;
pub const SADB_EXPIRE: u8 = 8;
pub const SADB_FLUSH: u8 = 9;
pub const SADB_DUMP: u8 = 10;
pub const SADB_X_PROMISC: u8 = 11;
pub const SADB_X_PCHANGE: u8 = 12;
pub const SADB_X_SPDUPDATE: u8 = 13;
pub const SADB_X_SPDADD: u8 = 14;
pub const SADB_X_SPDDELETE: u8 = 15;
pub const SADB_X_SPDGET: u8 = 16;
pub const SADB_X_SPDACQUIRE: u8 = 17;
pub const SADB_X_SPDDUMP: u8 = 18;
pub const SADB_X_SPDFLUSH: u8 = 19;
pub const SADB_X_SPDSETIDX: u8 = 20;
pub const SADB_X_SPDEXPIRE: u8 = 21;
pub const SADB_X_SPDDELETE2: u8 = 22;
pub const SADB_X_NAT_T_NEW_MAPPING: u8 = 23;
pub const SADB_X_MIGRATE: u8 = 24;

pub const SADB_SATYPE_UNSPEC: u8 = 0;
pub const SADB_SATYPE_AH: u8 = 2;
pub const SADB_SATYPE_ESP: u8 = 3;
pub const SADB_SATYPE_RSVP: u8 = 5;
pub const SADB_SATYPE_OSPFV2: u8 = 6;
pub const SADB_SATYPE_RIPV2: u8 = 7;
pub const SADB_SATYPE_MIP: u8 = 8;
pub const SADB_X_SATYPE_IPCOMP: u8 = 9;
pub const SADB_X_SATYPE_TCPSIGNATURE: u8 = 11;

/// "No algorithm" in sadb_sa_auth and sadb_sa_encrypt (RFC 2367).
pub const SADB_AALG_NONE: u8 = 0;
pub const SADB_EALG_NONE: u8 = 0;

pub const SADB_SASTATE_LARVAL: u8 = 0;
pub const SADB_SASTATE_MATURE: u8 = 1;
pub const SADB_SASTATE_DYING: u8 = 2;
pub const SADB_SASTATE_DEAD: u8 = 3;

pub const SADB_X_EXT_OLD: u32 = 0x0001;
pub const SADB_X_EXT_IV4B: u32 = 0x0010;
pub const SADB_X_EXT_DERIV: u32 = 0x0020;
pub const SADB_X_EXT_CYCSEQ: u32 = 0x0040;
pub const SADB_X_EXT_RAWCPI: u32 = 0x0080;
pub const SADB_X_EXT_PRAND: u32 = 0x0100;
pub const SADB_X_EXT_PZERO: u32 = 0x0200;
pub const SADB_X_SAFLAGS_ESN: u32 = 0x0400;

pub const IPSEC_MODE_ANY: u8 = 0;
pub const IPSEC_MODE_TRANSPORT: u8 = 1;
pub const IPSEC_MODE_TUNNEL: u8 = 2;

pub const IPSEC_DIR_ANY: u8 = 0;
pub const IPSEC_DIR_INBOUND: u8 = 1;
pub const IPSEC_DIR_OUTBOUND: u8 = 2;
/// Linux only.
pub const IPSEC_DIR_FWD: u8 = 3;

pub const IPSEC_POLICY_DISCARD: u16 = 0;
pub const IPSEC_POLICY_NONE: u16 = 1;
pub const IPSEC_POLICY_IPSEC: u16 = 2;
pub const IPSEC_POLICY_ENTRUST: u16 = 3;
pub const IPSEC_POLICY_BYPASS: u16 = 4;

pub const IPSEC_LEVEL_DEFAULT: u8 = 0;
pub const IPSEC_LEVEL_USE: u8 = 1;
pub const IPSEC_LEVEL_REQUIRE: u8 = 2;
pub const IPSEC_LEVEL_UNIQUE: u8 = 3;

pub const IPSEC_MANUAL_REQID_MAX: u32 = 0x3fff;
pub const IPSEC_ULPROTO_ANY: u8 = 255;
pub const IPSEC_PORT_ANY: u16 = 0;

pub const IPPROTO_TCP: u8 = 6;
pub const IPPROTO_ICMP: u8 = 1;
pub const IPPROTO_ICMPV6: u8 = 58;
pub const IPPROTO_ESP: u8 = 50;
pub const IPPROTO_AH: u8 = 51;
pub const IPPROTO_IPCOMP: u8 = 108;

/// `UDP_ENCAP_ESPINUDP`, the NAT-T type setkey sends.
pub const UDP_ENCAP_ESPINUDP: u8 = 2;

/// Linux policy priority default (`def` in ipsec-tools).
pub const PRIORITY_DEFAULT: u32 = 0x8000_0000;
