//! HTTP plumbing: our own accept loop over hyper 1 connections, so an answer
//! can be withheld entirely (the service returns `Err` and hyper closes the
//! connection without writing a response), plus the public handle.

use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::api::{self, ApiRequest};
use crate::fault::FaultRule;
use crate::proto::{Delivery, Reply, MALFORMED_BODY};
use crate::sim::Sim;
use crate::state::{RequestRecord, SimOrder, SimRefund};
use crate::{control, SimConfig, SimError};

/// Request bodies above this are refused; real ones are a few hundred bytes.
const MAX_BODY: usize = 1 << 20;

/// A running sandbox. Cheap to clone; the server stops on [`SimHandle::shutdown`]
/// or when the last clone is dropped.
#[derive(Clone)]
pub struct SimHandle {
    inner: Arc<Inner>,
}

struct Inner {
    sim: Arc<Sim>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
}

impl SimHandle {
    /// Bind `addr` (use `127.0.0.1:0` for an ephemeral port), load the state
    /// file if configured, and serve in the background on the current Tokio
    /// runtime (must be called from within one; any flavour works).
    pub async fn start(config: SimConfig, addr: SocketAddr) -> Result<SimHandle, SimError> {
        let sim = Arc::new(Sim::new(config)?);
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        tokio::spawn(accept_loop(listener, Arc::clone(&sim), stop_rx));
        Ok(SimHandle {
            inner: Arc::new(Inner { sim, addr, stop }),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.inner.addr
    }

    pub fn add_fault(&self, rule: FaultRule) {
        self.inner.sim.add_fault(rule);
    }

    /// Random faults on every API request from now on (`None`: off again).
    pub fn set_chaos(&self, chaos: Option<crate::Chaos>) {
        self.inner.sim.set_chaos(chaos);
    }

    /// How many faults of each kind chaos has injected since it was set.
    pub fn chaos_injected(&self) -> std::collections::BTreeMap<String, u64> {
        self.inner.sim.chaos_injected()
    }

    /// A simulated customer pays an INIT order (QR or scan).
    pub fn customer_pays(&self, merchant_order_no: &str) -> Result<(), SimError> {
        self.inner.sim.customer_pays(merchant_order_no)
    }

    /// All orders, with time-driven changes (QR expiry, demo customer) applied.
    pub fn orders(&self) -> Vec<SimOrder> {
        self.inner.sim.orders()
    }

    pub fn refunds(&self) -> Vec<SimRefund> {
        self.inner.sim.refunds()
    }

    /// Charge requests (scan_pay / scanned_pay / qrcode_pay) that carried this
    /// merchant order number, rejected ones included (not persisted).
    pub fn charge_requests(&self, merchant_order_no: &str) -> usize {
        self.inner.sim.charge_requests(merchant_order_no)
    }

    /// Every API request answered so far, oldest first (not persisted).
    /// Changes what the statements served from now on say.
    pub fn edit_statement(&self, edit: crate::StatementEdit) {
        self.inner.sim.edit_statement(edit);
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.inner.sim.requests()
    }

    /// Stop accepting and close open connections.
    pub fn shutdown(&self) {
        self.inner.stop.send_replace(true);
    }
}

/// Resolves once shutdown was asked for or every handle is gone.
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

async fn accept_loop(listener: TcpListener, sim: Arc<Sim>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(stream, Arc::clone(&sim), stop.clone()));
                }
                Err(e) => {
                    // Usually fd exhaustion; back off instead of spinning.
                    eprintln!("hipopay-sim: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            () = stopped(&mut stop) => return,
        }
    }
}

async fn serve_connection(stream: TcpStream, sim: Arc<Sim>, mut stop: watch::Receiver<bool>) {
    let service = service_fn(move |req| respond(Arc::clone(&sim), req));
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        // An error here is usually our own deliberate drop; nothing to report.
        _ = conn => {}
        () = stopped(&mut stop) => {}
    }
}

/// Returned by the service to make hyper close the connection unanswered.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("response deliberately dropped")
    }
}

impl std::error::Error for DropConnection {}

async fn respond(
    sim: Arc<Sim>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let started = std::time::Instant::now();
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(json_response(&Reply::bad_request(
                "request body unreadable or too large",
            )))
        }
    };
    let path = parts.uri.path();
    if path.starts_with("/_sim/") {
        let (status, value) = control::handle(&sim, parts.method.as_str(), path, &body);
        return Ok(build(status, value.to_string()));
    }
    let is_post = parts.method == Method::POST;
    let form_encoded = !is_post
        || parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                mime.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
    let raw: &[u8] = match (is_post, form_encoded) {
        (true, true) => &body,
        (true, false) => b"",
        (false, _) => parts.uri.query().unwrap_or("").as_bytes(),
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw).into_owned().collect();
    let reply = api::handle(
        &sim,
        &ApiRequest {
            method: parts.method.as_str(),
            path,
            headers: &parts.headers,
            pairs: &pairs,
            form_encoded,
        },
    );
    match reply.delivery {
        Delivery::Normal => Ok(timed(json_response(&reply), started)),
        Delivery::Drop => Err(DropConnection),
        Delivery::Delay(d) => {
            // The deliberate wait is not the sandbox's work: timed before it.
            let resp = timed(json_response(&reply), started);
            tokio::time::sleep(d).await;
            Ok(resp)
        }
        Delivery::Malformed => Ok(timed(build(200, MALFORMED_BODY.to_string()), started)),
        Delivery::Raw(status, body) => Ok(timed(build(status, body), started)),
        Delivery::Text(text) => {
            let mut resp = build(200, text);
            resp.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            Ok(timed(resp, started))
        }
        Delivery::Redirect(location) => {
            let mut resp = build(302, String::new());
            if let Ok(value) = HeaderValue::from_str(&location) {
                resp.headers_mut().insert(hyper::header::LOCATION, value);
            }
            Ok(timed(resp, started))
        }
    }
}

/// The sandbox's own time for this request, so a benchmark can subtract it
/// from a round trip and keep only the client's work.
pub const ELAPSED_HEADER: &str = "x-sim-elapsed-us";

fn timed(mut resp: Response<Full<Bytes>>, started: std::time::Instant) -> Response<Full<Bytes>> {
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    resp.headers_mut()
        .insert(ELAPSED_HEADER, HeaderValue::from(micros));
    resp
}

fn json_response(reply: &Reply) -> Response<Full<Bytes>> {
    build(reply.status, reply.body.to_string())
}

fn build(status: u16, body: String) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}
