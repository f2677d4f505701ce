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

fn python_signatures(key_pem: &str, timestamp: &str) -> Vec<(String, String)> {
    let job = serde_json::json!({
        "key": key_pem,
        "timestamp": timestamp,
        "vectors": vectors().iter().map(|v| v.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect::<serde_json::Map<_, _>>()).collect::<Vec<_>>(),
    });
    let script = resource("signature_vectors.py");
    let mut child = Command::new("python3")
        .arg(script)
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
    let parsed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    parsed
        .into_iter()
        .map(|v| {
            (
                v["string"].as_str().unwrap().to_string(),
                v["signature"].as_str().unwrap().to_string(),
            )
        })
        .collect()
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
