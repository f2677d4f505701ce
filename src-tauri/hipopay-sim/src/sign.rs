//! HipoPay request signatures, verified side.
//!
//! Written independently of the client's signer on purpose: the encoder is a
//! hand-rolled byte loop rather than the `percent-encoding` crate the client
//! uses, so a mistake in one cannot be mirrored by the other and go unnoticed.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};

/// Percent-encode like Python 2 `urllib.quote(s, safe="")` on UTF-8 bytes:
/// only `A-Z a-z 0-9 _ . -` stay literal; everything else (including `~`,
/// which Python 2 encodes and Python 3 does not) becomes `%XX`, uppercase hex.
pub(crate) fn python2_quote(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-' {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// The exact string the agent signed: params sorted by raw key (byte order,
/// as Python sorts the dict items before quoting), each side quoted, joined
/// `k=v` with `&`, then `,` and the Timestamp header verbatim.
pub(crate) fn string_to_sign(params: &[(String, String)], timestamp: &str) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    // Tuple order: key first, then value, so duplicate keys still sort deterministically.
    sorted.sort();
    let mut out = String::new();
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&python2_quote(k));
        out.push('=');
        out.push_str(&python2_quote(v));
    }
    out.push(',');
    out.push_str(timestamp);
    out
}

/// RSA PKCS#1 v1.5 / SHA-256 check of a base64 (standard alphabet) signature.
/// Undecodable base64 is simply a bad signature.
pub(crate) fn verify(key: &RsaPublicKey, message: &str, signature_b64: &str) -> bool {
    let Ok(signature) = STANDARD.decode(signature_b64) else {
        return false;
    };
    let digest = Sha256::digest(message.as_bytes());
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &signature)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoder_matches_python2_quote() {
        let cases = [
            ("abc", "abc"),
            ("a b", "a%20b"),
            ("&=+/%#~*!'()", "%26%3D%2B%2F%25%23%7E%2A%21%27%28%29"),
            ("中文", "%E4%B8%AD%E6%96%87"),
            ("", ""),
            ("A-Z_.-09", "A-Z_.-09"),
        ];
        for (input, expected) in cases {
            assert_eq!(python2_quote(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn string_to_sign_sorts_raw_keys_and_keeps_empty_values() {
        let params = vec![
            ("b".to_string(), "x y".to_string()),
            ("a~".to_string(), "1".to_string()),
            ("a_".to_string(), "".to_string()),
        ];
        // Raw order: "a_" (0x5F) < "a~" (0x7E), though encoded "a%7E" would sort first.
        assert_eq!(
            string_to_sign(&params, "1700000000"),
            "a_=&a%7E=1&b=x%20y,1700000000"
        );
    }

    #[test]
    fn empty_params_sign_just_the_timestamp() {
        assert_eq!(string_to_sign(&[], "17"), ",17");
    }
}
