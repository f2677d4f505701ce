//! Request signing and notification verification, as section 2.2 and 10.3 of
//! the HipoPay document describe.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use rsa::signature::Verifier as _;
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use std::fmt;
use std::path::Path;

/// Python 2 `urllib.quote(s, safe="")`: only letters, digits and `_.-` stay.
/// (Python 3.7+ also keeps `~`; HipoPay's reference routine is Python 2.)
const PY2_QUOTE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'_').remove(b'.').remove(b'-');

pub fn py2_quote(s: &str) -> String {
    utf8_percent_encode(s, PY2_QUOTE).to_string()
}

/// The string HipoPay signs: params sorted by key, each key and value quoted,
/// `k=v` joined by `&`, then `,` and the Timestamp header exactly as sent.
pub fn signature_string(params: &[(&str, &str)], timestamp: &str) -> String {
    let mut sorted: Vec<&(&str, &str)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(b.1)));
    let joined: Vec<String> = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", py2_quote(k), py2_quote(v)))
        .collect();
    format!("{},{}", joined.join("&"), timestamp)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the key file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("the key file {path} is not an RSA private key in PEM form (PKCS#1 \"BEGIN RSA PRIVATE KEY\" or PKCS#8 \"BEGIN PRIVATE KEY\"){hint}")]
    NotAPrivateKey { path: String, hint: String },
    #[error("the key file {path} is not an RSA public key in PEM form")]
    NotAPublicKey { path: String },
    #[error("the key in {path} is {bits} bits; HipoPay needs at least 1024")]
    TooSmall { path: String, bits: usize },
    #[error(
        "the key in {path} is {bits} bits; Cashier signs with keys of at most {MAX_KEY_BITS} bits"
    )]
    TooLarge { path: String, bits: usize },
    #[error("the key in {path} is an RSA private key whose numbers do not fit together ({reason}): it is damaged; export it again")]
    Inconsistent { path: String, reason: String },
}

/// The largest key signed with (a signature with a larger one takes long
/// enough to matter at the counter, and no acquirer asks for one).
const MAX_KEY_BITS: usize = 8192;

/// The merchant's signing key. Its Debug output never shows key material.
/// Keys are parsed (PKCS#1 or PKCS#8) with `rsa`. Signing uses `ring`,
/// whose PKCS#1 v1.5 signatures are byte-identical and twice as fast, when
/// it takes the key; it does not take every valid key (its primes must be
/// the same length, and a key made with HipoPay's own tooling, the Python
/// `rsa` package, often has unequal ones), and those are signed with `rsa`.
#[derive(Clone)]
pub struct Signer {
    key: std::sync::Arc<SigningKey>,
    public: RsaPublicKey,
}

enum SigningKey {
    /// The fast path.
    Ring(ring::rsa::KeyPair),
    /// Any other valid RSA key.
    Rsa(rsa::pkcs1v15::SigningKey<Sha256>),
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer(RSA-{}, redacted)", self.public.size() * 8)
    }
}

impl Signer {
    pub fn new(key: RsaPrivateKey) -> Result<Self, KeyError> {
        Self::checked(key, "the key")
    }

    /// A key whose numbers fit together, on the fastest path that takes it.
    fn checked(key: RsaPrivateKey, shown_as: &str) -> Result<Self, KeyError> {
        key.validate().map_err(|e| KeyError::Inconsistent {
            path: shown_as.to_string(),
            reason: crate::text::one_line(&e.to_string(), 80),
        })?;
        let public = key.to_public_key();
        let fast = key
            .to_pkcs8_der()
            .ok()
            .and_then(|der| ring::rsa::KeyPair::from_pkcs8(der.as_bytes()).ok());
        let key = match fast {
            Some(pair) => SigningKey::Ring(pair),
            None => SigningKey::Rsa(rsa::pkcs1v15::SigningKey::<Sha256>::new(key)),
        };
        Ok(Signer {
            key: std::sync::Arc::new(key),
            public,
        })
    }

    /// Whether signing takes ring's fast path (for benchmarks and tests).
    pub fn is_fast_path(&self) -> bool {
        matches!(*self.key, SigningKey::Ring(_))
    }

    /// Reads a PKCS#1 or PKCS#8 PEM private key. Errors name the file, never its content.
    pub fn from_pem_file(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let pem = read_key_file(path, &shown)?;
        Self::from_pem(&pem, &shown)
    }

    pub fn from_pem(pem: &str, shown_as: &str) -> Result<Self, KeyError> {
        let key = RsaPrivateKey::from_pkcs1_pem(pem.trim())
            .or_else(|_| RsaPrivateKey::from_pkcs8_pem(pem.trim()))
            .map_err(|_| KeyError::NotAPrivateKey {
                path: shown_as.to_string(),
                hint: pem_hint(pem),
            })?;
        let bits = key.size() * 8;
        if bits < 1024 {
            return Err(KeyError::TooSmall {
                path: shown_as.to_string(),
                bits,
            });
        }
        if bits > MAX_KEY_BITS {
            return Err(KeyError::TooLarge {
                path: shown_as.to_string(),
                bits,
            });
        }
        Self::checked(key, shown_as)
    }

    pub fn public_key(&self) -> &RsaPublicKey {
        &self.public
    }

    /// RSA PKCS#1 v1.5 over SHA-256, base64: deterministic for a given input,
    /// and the same bytes on either path.
    pub fn sign(&self, message: &str) -> String {
        match &*self.key {
            SigningKey::Ring(pair) => {
                let mut signature = vec![0u8; pair.public().modulus_len()];
                // Only fails for a buffer of the wrong size, which the line above rules out.
                let signed = pair.sign(
                    &ring::signature::RSA_PKCS1_SHA256,
                    &ring::rand::SystemRandom::new(),
                    message.as_bytes(),
                    &mut signature,
                );
                debug_assert!(signed.is_ok());
                BASE64.encode(signature)
            }
            SigningKey::Rsa(key) => {
                // Blinded (the random number hides the key's timing); the
                // signature is the same bytes with or without it.
                use rsa::signature::{RandomizedSigner as _, SignatureEncoding};
                let signature = key.sign_with_rng(&mut rand::thread_rng(), message.as_bytes());
                BASE64.encode(signature.to_bytes())
            }
        }
    }

    pub fn sign_params(&self, params: &[(&str, &str)], timestamp: &str) -> String {
        self.sign(&signature_string(params, timestamp))
    }
}

/// A PEM key is a few kilobytes; more is not a key (and `/dev/zero` would
/// otherwise be read until memory runs out).
const MAX_KEY_FILE: u64 = 64 * 1024;

/// Reads a key file as text, refusing what cannot be a PEM key before parsing.
/// Errors name the file and the reason, never the content.
fn read_key_file(path: &Path, shown: &str) -> Result<String, KeyError> {
    use std::io::Read as _;
    let unreadable = |reason: String| KeyError::Unreadable {
        path: shown.to_string(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| {
        unreadable(match e.kind() {
            std::io::ErrorKind::NotFound => "file not found".into(),
            kind => kind.to_string(),
        })
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(e.kind().to_string()))?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        return Err(unreadable(format!(
            "it is larger than {} KiB, too large for a key",
            MAX_KEY_FILE / 1024
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        unreadable("it is not text; a binary (DER) key must be converted to PEM first".into())
    })
}

/// What a PEM that is not a private key holds instead, from its BEGIN line
/// only (never the body), for a message that says what to do.
fn pem_hint(pem: &str) -> String {
    let label = pem
        .lines()
        .find_map(|l| l.trim().strip_prefix("-----BEGIN "))
        .and_then(|rest| rest.split("-----").next())
        .unwrap_or("");
    if label.contains("ENCRYPTED") {
        "; it is encrypted with a passphrase: export it without one".into()
    } else if label.contains("PUBLIC KEY") {
        "; it holds a public key: HipoPay needs the private key that goes with it".into()
    } else if label.contains("CERTIFICATE") {
        "; it holds a certificate: HipoPay needs the private key".into()
    } else if label == "RSA PRIVATE KEY" {
        "; it is damaged or incomplete".into()
    } else if label == "PRIVATE KEY" {
        "; it is damaged, incomplete or not an RSA key".into()
    } else if label.contains("PRIVATE KEY") {
        format!(
            "; it holds a {}, not an RSA key",
            crate::text::one_line(label, 40)
        )
    } else {
        String::new()
    }
}

/// Reads an RSA public key (SPKI "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY").
pub fn public_key_from_pem_file(path: &Path) -> Result<RsaPublicKey, KeyError> {
    let shown = path.display().to_string();
    let pem = read_key_file(path, &shown)?;
    RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem.trim()))
        .map_err(|_| KeyError::NotAPublicKey { path: shown })
}

/// Verifies a payment notification (section 10.3): unlike requests, the
/// notification's string is built from the **raw** values, not quoted ones.
pub fn verify_notification(
    public_key: &RsaPublicKey,
    form: &[(&str, &str)],
    timestamp: &str,
    signature_b64: &str,
) -> bool {
    let mut sorted: Vec<&(&str, &str)> = form.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(b.1)));
    let joined: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let message = format!("{},{}", joined.join("&"), timestamp);
    let Ok(raw) = BASE64.decode(signature_b64.trim()) else {
        return false;
    };
    let Ok(signature) = Signature::try_from(raw.as_slice()) else {
        return false;
    };
    VerifyingKey::<Sha256>::new(public_key.clone())
        .verify(message.as_bytes(), &signature)
        .is_ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_python2() {
        assert_eq!(py2_quote("abc"), "abc");
        assert_eq!(py2_quote("a b"), "a%20b");
        assert_eq!(
            py2_quote("&=+/%#~*!'()"),
            "%26%3D%2B%2F%25%23%7E%2A%21%27%28%29"
        );
        assert_eq!(py2_quote("中文"), "%E4%B8%AD%E6%96%87");
        assert_eq!(py2_quote(""), "");
        assert_eq!(py2_quote("A-Z_.-09"), "A-Z_.-09");
    }

    #[test]
    fn signature_string_sorts_and_keeps_empty_values() {
        let s = signature_string(
            &[
                ("currency", "HKD"),
                ("amount", "1.00"),
                ("note", ""),
                ("b c", "x y"),
            ],
            "1500000000",
        );
        assert_eq!(s, "amount=1.00&b%20c=x%20y&currency=HKD&note=,1500000000");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = crate::testkeys::signer();
        let shown = format!("{key:?}");
        assert!(shown.contains("redacted"));
        assert!(!shown.contains("BEGIN"));
    }

    #[test]
    fn notification_verifies_over_raw_values_only() {
        let signer = crate::testkeys::signer();
        let form = [
            ("status", "PAID"),
            ("product_info", "奶茶 x2"),
            ("no", "123"),
        ];
        let raw: Vec<String> = {
            let mut f = form.to_vec();
            f.sort();
            f.iter().map(|(k, v)| format!("{k}={v}")).collect()
        };
        let message = format!("{},1600000000", raw.join("&"));
        let sig = signer.sign(&message);
        assert!(verify_notification(
            signer.public_key(),
            &form,
            "1600000000",
            &sig
        ));
        assert!(!verify_notification(
            signer.public_key(),
            &form,
            "1600000001",
            &sig
        ));
        let tampered = [
            ("status", "PAID"),
            ("product_info", "奶茶 x3"),
            ("no", "123"),
        ];
        assert!(!verify_notification(
            signer.public_key(),
            &tampered,
            "1600000000",
            &sig
        ));
        assert!(!verify_notification(
            signer.public_key(),
            &form,
            "1600000000",
            "not base64!"
        ));
    }

    #[test]
    fn bad_key_files_give_a_clear_error_without_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pem");
        std::fs::write(
            &path,
            "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----\n",
        )
        .unwrap();
        let err = Signer::from_pem_file(&path).unwrap_err();
        assert!(matches!(err, KeyError::NotAPrivateKey { .. }));
        assert!(!err.to_string().contains("c2VjcmV0"));
        let missing = Signer::from_pem_file(&dir.path().join("nope.pem")).unwrap_err();
        assert!(matches!(missing, KeyError::Unreadable { .. }));
    }
}
