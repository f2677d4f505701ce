//! The one HTTP exchange a HipoPay call is: a request out, a status and a
//! body back, within a deadline. Built on hyper directly, so the client does
//! nothing on its own that a payment client must not: it follows no
//! redirect (a 3xx is an answer, and the Signature header never goes to
//! another host), reads no proxy from the environment, and stops reading a
//! body past `MAX_BODY`.

use super::HipoPayError;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// The largest answer read: HipoPay's are a few kilobytes.
pub const MAX_BODY: usize = 1024 * 1024;
/// A statement is a file: three months of a busy shop's payments.
pub const MAX_STATEMENT: usize = 64 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

#[derive(Clone)]
pub struct Transport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

impl Transport {
    /// `timeout` bounds the whole exchange, `connect_timeout` the connection.
    pub fn new(timeout: Duration, connect_timeout: Duration) -> Result<Self, HipoPayError> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect_timeout));
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| HipoPayError::Config(format!("cannot set up TLS: {e}")))?
            // Plain http only reaches a base URL the config allowed: loopback.
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).build(https);
        Ok(Transport { client, timeout })
    }

    /// Sends one request and reads its answer, `(status, body)`, up to
    /// `max_body` bytes of it.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
        max_body: usize,
    ) -> Result<(u16, Vec<u8>), HipoPayError> {
        let mut request = hyper::Request::builder().method(match method {
            Method::Get => hyper::Method::GET,
            Method::Post => hyper::Method::POST,
        });
        request = request.uri(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| HipoPayError::Config(format!("cannot build the request: {e}")))?;
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| {
                if e.is_connect() {
                    HipoPayError::Connect(root_cause(&e))
                } else {
                    HipoPayError::Interrupted(root_cause(&e))
                }
            })?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), max_body)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        HipoPayError::Malformed(format!(
                            "the answer is larger than {} KiB",
                            max_body / 1024
                        ))
                    } else {
                        HipoPayError::Interrupted(root_cause(e.as_ref()))
                    }
                })?
                .to_bytes();
            Ok((status, body.to_vec()))
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| HipoPayError::Timeout)?
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    crate::text::one_line(&cur.to_string(), 160)
}
