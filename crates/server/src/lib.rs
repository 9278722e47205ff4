//! `esplab serve`: a local web explorer. One page (embedded in the binary) with a preset
//! picker, sliders for the main parameters and the levers, and charts that fill in live as the
//! server streams the simulation (server-sent events in the response of `POST /api/run`).
//!
//! The API: `GET /api/presets` (names, descriptions and slider defaults), `GET /api/limits`,
//! `POST /api/run` (JSON settings; see [`request::RunRequest`]; with `"agents": true`, weekly
//! frames of the simulated users, see [`agents`]). Requests name presets only and
//! never touch the file system. Limits answer 413 (body too large) and 429 (too many
//! simulations at once); bad settings answer 400 with `{"error", "field"}`.

pub mod agents;
pub mod request;
pub mod stream;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use esplab_scenario::{presets, readers, Scenario};
pub use request::Limits;
use serde_json::json;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;

const INDEX: &str = include_str!("../assets/index.html");
const APP: &str = include_str!("../assets/app.js");

/// A scenario field the page offers as a slider.
pub struct Slider {
    pub key: &'static str,
    pub label: &'static str,
    pub low: f64,
    pub high: f64,
    pub step: f64,
}

const fn slider(key: &'static str, label: &'static str, low: f64, high: f64, step: f64) -> Slider {
    Slider {
        key,
        label,
        low,
        high,
        step,
    }
}

/// The sliders of the page: the market's main parameters, and each vendor strategy's own (the
/// page shows those the chosen strategy reads: `readers::reader`).
pub const SLIDERS: [Slider; 14] = [
    slider("excitement.base", "excitement", 0.0, 4.0, 0.1),
    slider("excitement.hype_peak", "hype at its peak", 0.0, 4.0, 0.1),
    slider(
        "attention.threshold",
        "attention threshold (log10 records)",
        2.0,
        9.0,
        0.25,
    ),
    slider("security.tax", "security tax on value (share)", 0.0, 1.0, 0.05),
    slider(
        "users.reliance_max",
        "reliance at its maximum (value multiple)",
        0.0,
        3.0,
        0.1,
    ),
    slider(
        "regulator.outcry_threshold",
        "outcry threshold (fear x adoption)",
        0.05,
        1.0,
        0.05,
    ),
    slider(
        "vendors.security_cost",
        "cost of full security (per user-year)",
        0.0,
        480.0,
        10.0,
    ),
    slider(
        "vendors.planning_years",
        "vendors' planning horizon (years)",
        0.25,
        10.0,
        0.25,
    ),
    slider(
        "vendors.memory_days",
        "vendors' memory of churn and losses (half-life, days)",
        10.0,
        1000.0,
        10.0,
    ),
    slider(
        "vendors.liability",
        "share of incident losses vendors bear",
        0.0,
        1.0,
        0.05,
    ),
    slider(
        "vendors.tolerance",
        "security churn vendors tolerate (share of users)",
        0.005,
        0.2,
        0.005,
    ),
    slider("vendors.erosion", "erosion of security (per day)", 0.0, 0.01, 0.0005),
    slider(
        "vendors.depreciation",
        "depreciation of unmaintained security (per year)",
        0.0,
        3.0,
        0.1,
    ),
    slider("vendors.random_raise_rate", "random raises (per year)", 0.0, 12.0, 0.25),
];

/// The keys of [`SLIDERS`] that no mechanism of `parameters` reads, under each vendor strategy.
fn unread_sliders(parameters: &esplab_model::Parameters) -> serde_json::Map<String, serde_json::Value> {
    esplab_model::VendorStrategy::NAMES
        .iter()
        .map(|&name| {
            let mut p = parameters.clone();
            p.vendors.strategy = esplab_model::VendorStrategy::from_name(name).unwrap_or(p.vendors.strategy);
            let unread: Vec<&str> = SLIDERS
                .iter()
                .filter(|s| !readers::reader(s.key).reads(&p))
                .map(|s| s.key)
                .collect();
            (name.to_string(), json!(unread))
        })
        .collect()
}

struct AppState {
    limits: Limits,
    permits: Arc<Semaphore>,
}

fn error(status: StatusCode, field: &str, message: &str) -> Response {
    (status, Json(json!({"error": message, "field": field}))).into_response()
}

async fn index() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX)
}

async fn app() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], APP)
}

async fn limits_json(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let l = state.limits;
    Json(json!({
        "max_users": l.max_users, "max_years": l.max_years, "max_runs": l.max_runs,
        "max_concurrent": l.max_concurrent, "max_body_bytes": l.max_body_bytes,
    }))
}

async fn presets_list() -> impl IntoResponse {
    let list: Vec<serde_json::Value> = presets::list()
        .into_iter()
        .map(|(name, description)| {
            let Ok(scenario) = Scenario::load(name, &[]) else {
                return json!({"name": name, "description": description});
            };
            let p = &scenario.parameters;
            let resolved = scenario.resolved_json();
            let values: serde_json::Map<String, serde_json::Value> = SLIDERS
                .iter()
                .filter_map(|slider| {
                    let pointer = format!("/{}", slider.key.replace('.', "/"));
                    resolved.pointer(&pointer).map(|v| (slider.key.to_string(), v.clone()))
                })
                .chain([
                    ("users".to_string(), json!(p.run.users)),
                    ("years".to_string(), json!(p.run.years)),
                    ("seed".to_string(), json!(p.run.seed)),
                ])
                .collect();
            json!({
                "name": name, "description": description, "control": p.security.control,
                "strategy": p.vendors.strategy.name(), "unread": unread_sliders(p), "values": values,
            })
        })
        .collect();
    let sliders: Vec<serde_json::Value> = SLIDERS
        .iter()
        .map(|s| {
            json!({"key": s.key, "label": s.label, "low": s.low, "high": s.high, "step": s.step,
                   "read_by": readers::reader(s.key).short()})
        })
        .collect();
    let levers: Vec<&str> = esplab_experiment::leverage::standard_levers(0, "")
        .iter()
        .map(|l| l.name())
        .collect();
    Json(
        json!({"presets": list, "sliders": sliders, "strategies": esplab_model::VendorStrategy::NAMES, "levers": levers}),
    )
}

async fn run(State(state): State<Arc<AppState>>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(e) => {
            let limit = state.limits.max_body_bytes;
            return error(
                e.status(),
                "body",
                &format!("{} (at most {limit} bytes)", e.body_text()),
            );
        }
    };
    let job = match request::parse(&body, &state.limits) {
        Ok(job) => job,
        Err(r) => return error(StatusCode::BAD_REQUEST, &r.field, &r.message),
    };
    let Ok(permit) = state.permits.clone().try_acquire_owned() else {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            "",
            &format!(
                "{} simulations are already running; try again when one finishes",
                state.limits.max_concurrent
            ),
        );
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<stream::Message>(16);
    tokio::task::spawn_blocking(move || {
        stream::run(&job, &tx);
        drop(permit);
    });
    let events = ReceiverStream::new(rx)
        .map(|(name, data)| Ok::<Event, Infallible>(Event::default().event(name).data(data.to_string())));
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}

/// The explorer's routes under `limits`.
pub fn router(limits: Limits) -> Router {
    let state = Arc::new(AppState {
        limits,
        permits: Arc::new(Semaphore::new(limits.max_concurrent)),
    });
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(app))
        .route("/api/presets", get(presets_list))
        .route("/api/limits", get(limits_json))
        .route("/api/run", post(run))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .with_state(state)
}

/// Serves the explorer on `address` until Ctrl-C; `ready` is called with the bound address.
pub async fn serve(
    address: std::net::SocketAddr,
    limits: Limits,
    ready: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(limits))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
