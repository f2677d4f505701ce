//! Our signature strings and signatures, byte for byte against HipoPay's own
//! Python routine (section 2.2), run by python3 with the `rsa` package.
//! RSA PKCS#1 v1.5 is deterministic, so equal input means equal signature.
#![allow(clippy::unwrap_used)]

use cashier_core::hipopay::sign::signature_string;
use cashier_core::hipopay::Signer;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn resource(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/resources")
        .join(name)
}

fn vectors() -> Vec<Vec<(&'static str, &'static str)>> {
    vec![
        vec![
            ("merchant_no", "M001"),
            ("currency", "HKD"),
            ("amount", "100"),
            ("auth_code", "135605691981176449"),
        ],
        vec![
            ("product_info", "这里是商品的描述"),
            ("subject", "奶茶 珍珠"),
            ("currency", "HKD"),
        ],
        vec![("product_info", "a b  c"), ("ip", "102.142.32.12")],
        vec![("note", "&=+/%#~*!'()"), ("amount", "0.10")],
        vec![("notify_url", ""), ("agent_order_id", ""), ("amount", "1")],
        vec![("order_no", "2017062313070231980966651")],
        vec![
            ("subject", "Ümlaut ß — ©"),
            ("z", "last"),
            ("A", "upper first"),
            ("_", "underscore"),
        ],
    ]
}

/// Runs HipoPay's routine on every vector: with `key`, or with a key the
/// routine's own package makes (`key: None, bits`). Returns the key used
/// and each (string, signature).
fn python_signs(
    key: Option<&str>,
    bits: usize,
    timestamp: &str,
) -> (String, Vec<(String, String)>) {
    let vectors: Vec<serde_json::Map<String, serde_json::Value>> = vectors()
        .iter()
        .map(|v| {
            v.iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
                .collect()
        })
        .collect();
    let mut job = serde_json::json!({ "timestamp": timestamp, "vectors": vectors });
    match key {
        Some(pem) => job["key"] = pem.into(),
        None => job["generate"] = bits.into(),
    }
    let mut child = Command::new("python3")
        .arg(resource("signature_vectors.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed (.ci/run installs it with the rsa package)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(job.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let signed = parsed["signed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["string"].as_str().unwrap().to_string(),
                v["signature"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (parsed["key"].as_str().unwrap().to_string(), signed)
}

fn python_signatures(key_pem: &str, timestamp: &str) -> Vec<(String, String)> {
    python_signs(Some(key_pem), 0, timestamp).1
}

/// Our signatures equal the routine's for every vector.
fn assert_signs_like_python(signer: &Signer, expected: &[(String, String)], timestamp: &str) {
    for (vector, (py_string, py_signature)) in vectors().iter().zip(expected) {
        assert_eq!(&signature_string(vector, timestamp), py_string);
        assert_eq!(
            &signer.sign_params(vector, timestamp),
            py_signature,
            "signature for {vector:?}"
        );
    }
}

/// A key made with HipoPay's own tooling (the Python `rsa` package, as the
/// document's routine uses): its primes are of unequal length, which `ring`
/// refuses, so it signs on the other path, byte for byte the same.
#[test]
fn a_key_made_with_hipopays_python_tooling_signs_like_the_document() {
    let timestamp = "1700000123";
    let (pem, expected) = python_signs(None, 2048, timestamp);
    assert!(
        pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"),
        "PKCS#1 as save_pkcs1() writes it"
    );
    let signer = Signer::from_pem(&pem, "python key").unwrap();
    assert!(
        !signer.is_fast_path(),
        "the Python rsa package makes primes of unequal length; if ring takes them, this test no longer covers the other path"
    );
    assert_signs_like_python(&signer, &expected, timestamp);
    // The same key as PKCS#8 signs the same.
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::EncodePrivateKey;
    let key = rsa::RsaPrivateKey::from_pkcs1_pem(&pem).unwrap();
    let pkcs8 = key.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    let eight = Signer::from_pem(&pkcs8, "python key as PKCS#8").unwrap();
    assert_signs_like_python(&eight, &expected, timestamp);
}

/// Keys made with OpenSSL, 2048 to 4096 bits, PKCS#1 and PKCS#8: the same
/// signatures as HipoPay's routine makes with them.
#[test]
fn keys_made_with_openssl_of_every_size_sign_like_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let timestamp = "1700000456";
    for bits in [2048, 3072, 4096] {
        let pkcs8 = dir.path().join(format!("k{bits}.pem"));
        let pkcs1 = dir.path().join(format!("k{bits}-rsa.pem"));
        let ok = Command::new("openssl")
            .args(["genrsa", "-out"])
            .arg(&pkcs8)
            .arg(bits.to_string())
            .stderr(Stdio::null())
            .status()
            .expect("openssl must be installed (scripts/install-deps)");
        assert!(ok.success());
        let ok = Command::new("openssl")
            .args(["rsa", "-traditional", "-in"])
            .arg(&pkcs8)
            .arg("-out")
            .arg(&pkcs1)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(ok.success());
        let pem1 = std::fs::read_to_string(&pkcs1).unwrap();
        let expected = python_signatures(&pem1, timestamp);
        for file in [&pkcs8, &pkcs1] {
            let signer = Signer::from_pem_file(file).unwrap();
            assert_signs_like_python(&signer, &expected, timestamp);
        }
    }
}

#[test]
fn strings_and_signatures_match_hipopays_routine() {
    let pem = std::fs::read_to_string(resource("keys/agent_private_pkcs1.pem")).unwrap();
    let signer = Signer::from_pem(&pem, "fixture").unwrap();
    let timestamp = "1700000000";
    let expected = python_signatures(&pem, timestamp);
    for (vector, (py_string, py_signature)) in vectors().iter().zip(&expected) {
        assert_eq!(
            &signature_string(vector, timestamp),
            py_string,
            "string for {vector:?}"
        );
        assert_eq!(
            &signer.sign_params(vector, timestamp),
            py_signature,
            "signature for {vector:?}"
        );
    }
    // The vectors really exercise what they claim.
    assert!(expected[3]
        .0
        .contains("%26%3D%2B%2F%25%23%7E%2A%21%27%28%29"));
    assert!(expected[4]
        .0
        .starts_with("agent_order_id=&amount=1&notify_url=,"));
    assert!(expected[2].0.contains("a%20b%20%20c"));
}

#[test]
fn a_pkcs8_key_signs_the_same_as_its_pkcs1_form() {
    let one = Signer::from_pem_file(&resource("keys/agent_private_pkcs1.pem")).unwrap();
    let eight = Signer::from_pem_file(&resource("keys/agent_private_pkcs8.pem")).unwrap();
    let v = &vectors()[0];
    assert_eq!(one.sign_params(v, "1"), eight.sign_params(v, "1"));
}
