//! The load generator: N keep-alive HTTP/1.1 connections, each sending requests back to back
//! (closed loop: a connection sends its next request once the previous response is read).
//! Requests are GETs unless the target was built with [`Target::json_requests`].

use anyhow::{anyhow, Context, Result};
use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

/// Histogram range in microseconds: 1 µs to 60 s at 3 significant digits.
const MAX_LATENCY_US: u64 = 60_000_000;
/// Pause before replacing a broken connection, so a dead server isn't hammered in a busy loop.
const RECONNECT_DELAY: Duration = Duration::from_millis(10);

pub struct LoadPlan {
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

impl fmt::Display for LoadPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} connections, {} s warm-up + {} s measured",
            self.connections,
            self.warmup.as_secs(),
            self.duration.as_secs()
        )
    }
}

/// What the requests of a run ask for; headers are built once and cloned per request.
#[derive(Clone)]
pub struct Target {
    addr: SocketAddr,
    method: Method,
    /// Requested in turn; each connection starts at a different place in the list.
    uris: Vec<Uri>,
    /// One JSON body per entry of `uris` (same length), or none: bodiless requests.
    bodies: Option<Vec<Bytes>>,
    host: HeaderValue,
    authorization: Option<HeaderValue>,
}

impl Target {
    pub fn new(addr: SocketAddr, path: &str, bearer: Option<&str>) -> Result<Target> {
        Target::rotating(addr, &[path.to_string()], bearer)
    }

    /// A target whose requests go through `paths` in order (e.g. shuffled record ids).
    pub fn rotating(addr: SocketAddr, paths: &[String], bearer: Option<&str>) -> Result<Target> {
        Target::build(addr, Method::GET, paths, None, bearer)
    }

    /// A target whose requests are `method path` with a JSON body, going through `entries`
    /// in order as [`Target::rotating`] does (e.g. a different deal and stage each time).
    pub fn json_requests(
        addr: SocketAddr,
        method: Method,
        entries: &[(String, serde_json::Value)],
        bearer: Option<&str>,
    ) -> Result<Target> {
        let (paths, bodies): (Vec<String>, Vec<Bytes>) = entries
            .iter()
            .map(|(path, body)| (path.clone(), Bytes::from(body.to_string())))
            .unzip();
        Target::build(addr, method, &paths, Some(bodies), bearer)
    }

    fn build(
        addr: SocketAddr,
        method: Method,
        paths: &[String],
        bodies: Option<Vec<Bytes>>,
        bearer: Option<&str>,
    ) -> Result<Target> {
        let authorization = bearer
            .map(|token| HeaderValue::try_from(format!("Bearer {token}")))
            .transpose()
            .context("token is not a valid header value")?;
        let uris = paths
            .iter()
            .map(|p| p.parse().with_context(|| format!("bad path {p:?}")))
            .collect::<Result<Vec<Uri>>>()?;
        if uris.is_empty() {
            return Err(anyhow!("a load target needs at least one path"));
        }
        Ok(Target {
            addr,
            method,
            uris,
            bodies,
            host: HeaderValue::try_from(addr.to_string())?,
            authorization,
        })
    }

    /// The `n`th request of a connection.
    fn request(&self, n: usize) -> Result<Request<Full<Bytes>>> {
        let i = n % self.uris.len();
        let mut req = Request::builder()
            .method(self.method.clone())
            .uri(self.uris[i].clone())
            .header(HOST, self.host.clone());
        if let Some(auth) = &self.authorization {
            req = req.header(AUTHORIZATION, auth.clone());
        }
        let body = match &self.bodies {
            Some(bodies) => {
                req = req.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                // `Bytes` clones share the buffer: no copy per request.
                Full::new(bodies[i].clone())
            }
            None => Full::default(),
        };
        Ok(req.body(body)?)
    }
}

/// Requests *started* inside `[from, until)` are counted; earlier ones are the warm-up.
#[derive(Clone, Copy)]
struct Window {
    from: Instant,
    until: Instant,
}

/// One connection's counts, merged into the run's total at the end (no shared state while
/// the load runs, so the generator doesn't contend with itself).
struct Tally {
    /// Attempts: responses of any status plus requests lost to a broken connection.
    requests: u64,
    /// Non-2xx responses plus broken connections.
    errors: u64,
    /// Latency of every response, in microseconds.
    latency: Histogram<u64>,
}

impl Tally {
    fn new() -> Result<Tally> {
        Ok(Tally {
            requests: 0,
            errors: 0,
            latency: Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)?,
        })
    }

    fn response(&mut self, latency: Duration, success: bool) {
        self.requests += 1;
        self.errors += u64::from(!success);
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.latency.saturating_record(micros.max(1));
    }

    fn failure(&mut self) {
        self.requests += 1;
        self.errors += 1;
    }

    fn merge(&mut self, other: &Tally) -> Result<()> {
        self.requests += other.requests;
        self.errors += other.errors;
        self.latency
            .add(&other.latency)
            .map_err(|e| anyhow!("merging histograms: {e:?}"))
    }
}

/// The measured part of one run.
#[derive(Clone)]
pub struct LoadStats {
    pub requests: u64,
    pub errors: u64,
    pub duration: Duration,
    latency: Histogram<u64>,
}

impl LoadStats {
    pub fn requests_per_sec(&self) -> f64 {
        self.requests as f64 / self.duration.as_secs_f64()
    }

    pub fn error_rate(&self) -> f64 {
        self.errors as f64 / self.requests.max(1) as f64
    }

    pub fn p50_ms(&self) -> f64 {
        micros_to_ms(self.latency.value_at_quantile(0.50))
    }

    pub fn p99_ms(&self) -> f64 {
        micros_to_ms(self.latency.value_at_quantile(0.99))
    }

    pub fn max_ms(&self) -> f64 {
        micros_to_ms(self.latency.max())
    }

    /// Two runs of the same target as one: their requests over their summed time.
    pub fn combined(&self, other: &LoadStats) -> Result<LoadStats> {
        let mut latency = self.latency.clone();
        latency
            .add(&other.latency)
            .map_err(|e| anyhow!("merging histograms: {e:?}"))?;
        Ok(LoadStats {
            requests: self.requests + other.requests,
            errors: self.errors + other.errors,
            duration: self.duration + other.duration,
            latency,
        })
    }
}

fn micros_to_ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

/// Runs the warm-up and the measured window against `target` and returns the measured part.
pub async fn run(target: Target, plan: &LoadPlan) -> Result<LoadStats> {
    let from = Instant::now() + plan.warmup;
    let window = Window {
        from,
        until: from + plan.duration,
    };
    let target = Arc::new(target);
    let mut tasks = JoinSet::new();
    let stride = target.uris.len() / plan.connections.max(1);
    for i in 0..plan.connections {
        tasks.spawn(connection(Arc::clone(&target), window, i * stride.max(1)));
    }
    let mut total = Tally::new()?;
    while let Some(tally) = tasks.join_next().await {
        total.merge(&tally.context("load task panicked")??)?;
    }
    Ok(LoadStats {
        requests: total.requests,
        errors: total.errors,
        duration: plan.duration,
        latency: total.latency,
    })
}

/// One simulated client: a keep-alive connection, replaced if it breaks, until the window ends.
async fn connection(target: Arc<Target>, window: Window, start: usize) -> Result<Tally> {
    let mut tally = Tally::new()?;
    let mut next = start;
    while Instant::now() < window.until {
        if keep_alive(&target, window, &mut tally, &mut next)
            .await
            .is_err()
        {
            if Instant::now() >= window.from {
                tally.failure();
            }
            tokio::time::sleep(RECONNECT_DELAY).await;
        }
    }
    Ok(tally)
}

/// Sends requests on one connection until the window ends or the connection fails.
async fn keep_alive(
    target: &Target,
    window: Window,
    tally: &mut Tally,
    next: &mut usize,
) -> Result<()> {
    let stream = TcpStream::connect(target.addr).await?;
    // Small requests and responses: don't let Nagle hold them back.
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    // Drives the socket; finishes when `sender` is dropped at the end of this function.
    tokio::spawn(conn);
    loop {
        sender.ready().await?;
        let started = Instant::now();
        if started >= window.until {
            return Ok(());
        }
        let response = sender.send_request(target.request(*next)?).await?;
        *next += 1;
        let success = response.status().is_success();
        // The whole body is part of the latency, and must be read for the connection to be
        // reused.
        response.into_body().collect().await?;
        if started >= window.from {
            tally.response(started.elapsed(), success);
        }
    }
}
