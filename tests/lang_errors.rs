//! Every kind of malformed input, with the full rendered error text as a snapshot.

use setkey::lang::{diag, parse};

fn render(src: &str) -> String {
    match parse(src) {
        Ok(statements) => panic!("expected errors, parsed {statements:?}"),
        Err(errors) => diag::render("test.conf", src, &errors),
    }
}

macro_rules! cases {
    ($($name:ident: $src:expr;)*) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), render($src));
        }
    )*};
}

cases! {
    // Lexical errors.
    unknown_command: "foo 10.0.0.1;";
    misspelled_command: "addd 10.0.0.1 10.0.0.2 esp 1000 -E null;";
    stray_character: "add 10.0.0.1 10.0.0.2 esp 1000 -E null @;";
    unterminated_quote: "add 10.0.0.1 10.0.0.2 esp 1000 -E aes-cbc \"abc;\n";
    keyword_case_sensitive: "ADD 10.0.0.1 10.0.0.2 esp 1000 -E null;";
    bad_hex_digit_in_key: "add 10.0.0.1 10.0.0.2 esp 1000 -E aes-cbc 0x12zz;";
    empty_hex_key: "add 10.0.0.1 10.0.0.2 esp 1000 -E aes-cbc 0x;";
    lone_semicolon: ";";
    // Bad values.
    bad_sa_protocol: "add 10.0.0.1 10.0.0.2 espp 0x1000 -E null;";
    spi_too_big: "add 10.0.0.1 10.0.0.2 esp 0x1ffffffff -E null;";
    decimal_spi_too_big: "delete 10.0.0.1 10.0.0.2 esp 4294967296;";
    spi_not_a_number: "add 10.0.0.1 10.0.0.2 esp abc -E null;";
    ipv4_prefix_too_long: "spdadd 10.0.0.1/33 10.0.0.2 any -P out none;";
    ipv6_prefix_too_long: "spdadd fe80::1/129 fe80::2 any -P out none;";
    port_too_big: "spdadd 10.0.0.1[65536] 10.0.0.2 any -P out none;";
    service_name_port: "spdadd 10.0.0.1[http] 10.0.0.2 any -P out none;";
    host_name: "add host.example.org 10.0.0.2 esp 1000 -E null;";
    bad_ipv4_literal: "add 10.0.0.256 10.0.0.2 esp 1000 -E null;";
    mixed_families: "add 10.0.0.1 fe80::2 esp 1000 -E null;";
    mixed_selector_families: "spdadd 10.0.0.0/8 ::/0 any -P out none;";
    flag_family_mismatch: "add -6 10.0.0.1 10.0.0.2 esp 1000 -E null;";
    reqid_too_big: "add 10.0.0.1 10.0.0.2 esp 1000 -u 4294967296 -E null;";
    lifetime_too_big: "add 10.0.0.1 10.0.0.2 esp 1000 -lh 18446744073709551616 -E null;";
    natt_mtu_too_big: "add 10.0.0.1 10.0.0.2 esp 1000 -natt_mtu 70000 -E null;";
    bad_sa_mode: "add 10.0.0.1 10.0.0.2 esp 1000 -m sideways -E null;";
    bad_pad_flag: "add 10.0.0.1 10.0.0.2 esp 1000 -f big-pad -E null;";
    unknown_option: "add 10.0.0.1 10.0.0.2 esp 1000 -x 5 -E null;";
    unknown_encryption: "add 10.0.0.1 10.0.0.2 esp 1000 -E aes-gcm-17 0x00;";
    unknown_auth: "add 10.0.0.1 10.0.0.2 ah 1000 -A hmac-sha3 0x00;";
    unknown_compression: "add 10.0.0.1 10.0.0.2 ipcomp 1000 -C zstd;";
    unknown_upper_protocol: "spdadd 10.0.0.1 10.0.0.2 nosuchproto -P out none;";
    upper_protocol_too_big: "spdadd 10.0.0.1 10.0.0.2 256 -P out none;";
    misc_on_tcp: "spdadd 10.0.0.1 10.0.0.2 tcp 80 -P out none;";
    icmp_type_too_big: "spdadd 10.0.0.1 10.0.0.2 icmp 300,0 -P out none;";
    // Missing parts.
    missing_destination: "add 10.0.0.1 esp 1000 -E null;";
    missing_spi: "add 10.0.0.1 10.0.0.2 esp -E null;";
    missing_key: "add 10.0.0.1 10.0.0.2 esp 1000 -E aes-cbc;";
    key_for_null: "add 10.0.0.1 10.0.0.2 ah 1000 -A null 0x00;";
    missing_option_value: "add 10.0.0.1 10.0.0.2 esp 1000 -u -E null;";
    missing_policy: "spdadd 10.0.0.1 10.0.0.2 any;";
    missing_upper_spec: "spdadd 10.0.0.1 10.0.0.2 -P out none;";
    missing_direction: "spdadd 10.0.0.1 10.0.0.2 any -P;";
    missing_semicolon_at_eof: "add 10.0.0.1 10.0.0.2 esp 1000 -E null\n";
    // Wrong order and wrong combinations.
    option_after_algorithm: "add 10.0.0.1 10.0.0.2 esp 1000 -E null -m tunnel;";
    policy_before_upper: "spdadd 10.0.0.1 10.0.0.2 -P out none any;";
    ah_without_auth: "add 10.0.0.1 10.0.0.2 ah 1000;";
    ah_with_encryption: "add 10.0.0.1 10.0.0.2 ah 1000 -E null -A null;";
    esp_without_encryption: "add 10.0.0.1 10.0.0.2 esp 1000 -A hmac-sha1 0x00;";
    ipcomp_with_auth: "add 10.0.0.1 10.0.0.2 ipcomp 1000 -C deflate -A null;";
    raw_cpi_without_ipcomp: "add 10.0.0.1 10.0.0.2 esp 1000 -E null -R;";
    tcp_needs_tcp_md5: "add 10.0.0.1 10.0.0.2 tcp 1000 -A hmac-sha1 0x00;";
    encryption_twice: "add 10.0.0.1 10.0.0.2 esp 1000 -E null -E null;";
    get_with_algorithm: "get 10.0.0.1 10.0.0.2 esp 1000 -E null;";
    replay_with_old_esp: "add 10.0.0.1 10.0.0.2 esp-old 1000 -r 4 -E des-cbc 0x00;";
    des_deriv_with_old: "add 10.0.0.1 10.0.0.2 esp-old 1000 -E des-deriv 0x00;";
    des_32iv_with_new: "add 10.0.0.1 10.0.0.2 esp 1000 -E des-32iv 0x00;";
    // Bad policy text.
    bad_direction: "spdadd 10.0.0.1 10.0.0.2 any -P sideways none;";
    bad_action: "spdadd 10.0.0.1 10.0.0.2 any -P out maybe;";
    bad_request_protocol: "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec espp/transport//require;";
    request_without_mode: "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp;";
    request_mode_any: "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/any//require;";
    bad_level: "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//always;";
    unique_reqid_too_big: "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//unique:4294967296;";
    tunnel_without_endpoints: "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel//require;";
    tunnel_endpoint_missing_dash: "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/10.0.0.1/require;";
    tunnel_family_mismatch: "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/10.0.0.1-fe80::1/require;";
    tunnel_host_name: "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/tunnel/gw-10.0.0.2/require;";
    priority_offset_too_big: "spdadd 10.0.0.1 10.0.0.2 any -P out prio 2147483649 none;";
    priority_base_offset_too_big: "spdadd 10.0.0.1 10.0.0.2 any -P out prio low + 1073741825 none;";
    bad_priority: "spdadd 10.0.0.1 10.0.0.2 any -P out prio medium none;";
    // Several errors in one file: all are reported, each on its own line.
    multiple_errors: "flush;\nadd 10.0.0.1 10.0.0.2 espp 1000 -E null;\nspdflush;\nspdadd 10.0.0.1/40 10.0.0.2 any -P out none;\n# fine\nadd 10.0.0.1 10.0.0.2 esp 1000 -E null;\nspdadd 10.0.0.1 10.0.0.2 any -P in ipsec esp/any//use;\nbogus;\n";
}
