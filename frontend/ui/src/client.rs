//! The request core both apps share: the same `tillit_api` types the server
//! uses, one boxed and non-generic path that sends and reads (so the request
//! machinery exists once in a bundle, not once per response type), and the
//! problem document of a failure. Whose token goes along is the caller's
//! business: the staff app renews its session, respondents hold one token.

use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tillit_api::endpoints::Call;
use tillit_api::{Problem, ProblemCode};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
pub use web_sys::Response;

/// A failed request: the server's problem document, or none when the
/// server could not be reached (`status` 0).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub problem: Option<Problem>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.problem {
            Some(p) => write!(f, "{} ({})", p.title, self.status),
            None => f.write_str("the service could not be reached"),
        }
    }
}

// So that views can show a failed load through `ErrorBoundary`.
impl std::error::Error for ApiError {}

impl ApiError {
    pub fn network() -> ApiError {
        ApiError {
            status: 0,
            problem: None,
        }
    }
    /// A problem found before anything was sent, e.g. a file that is not JSON.
    pub fn local(field: &str, code: tillit_api::FieldCode, reason: String) -> ApiError {
        ApiError {
            status: 422,
            problem: Some(Problem {
                kind: "local".into(),
                title: reason.clone(),
                status: 422,
                code: ProblemCode::InvalidInput,
                detail: None,
                params: Default::default(),
                errors: vec![tillit_api::FieldError::new(field, code, reason)],
            }),
        }
    }
}

pub enum Body {
    Empty,
    Json(String),
    Csv(String),
}

impl Body {
    pub fn json<B: Serialize>(body: &B) -> Result<Body, ApiError> {
        serde_json::to_string(body)
            .map(Body::Json)
            .map_err(|_| ApiError::network())
    }
}

fn unreachable(_: JsValue) -> ApiError {
    ApiError::network()
}

/// One request as it is; no retry. The browser's `fetch`, without a
/// wrapper crate: what the apps need of it is this much.
pub async fn send_once(
    token: Option<String>,
    method: &str,
    path: &str,
    body: &Body,
) -> Result<Response, ApiError> {
    let headers = web_sys::Headers::new().map_err(unreachable)?;
    if let Some(t) = token {
        headers
            .set("Authorization", &format!("Bearer {t}"))
            .map_err(unreachable)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let (kind, text) = match body {
        Body::Empty => (None, None),
        Body::Json(s) => (Some("application/json"), Some(s)),
        Body::Csv(s) => (Some("text/csv"), Some(s)),
    };
    if let (Some(kind), Some(text)) = (kind, text) {
        headers.set("Content-Type", kind).map_err(unreachable)?;
        init.set_body(&JsValue::from_str(text));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(ApiError::network)?;
    let answer = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(unreachable)?;
    answer.dyn_into::<Response>().map_err(unreachable)
}

/// The body of a successful answer, or the problem.
pub fn read(res: Response) -> Pin<Box<dyn Future<Output = Result<String, ApiError>>>> {
    Box::pin(async move {
        let text = match res.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_string()),
            Err(_) => None,
        };
        if res.ok() {
            text.ok_or_else(ApiError::network)
        } else {
            Err(ApiError {
                status: res.status(),
                problem: text.and_then(|t| serde_json::from_str(&t).ok()),
            })
        }
    })
}

/// An answer's body as its type; an empty body (204, 202) reads as `()`
/// or `None`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let text = if text.trim().is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|_| ApiError::network())
}

/// A request with a token the caller holds (or none), read to text.
pub fn fetch_text(
    token: Option<String>,
    method: &'static str,
    path: String,
    body: Body,
) -> Pin<Box<dyn Future<Output = Result<String, ApiError>>>> {
    Box::pin(async move { read(send_once(token, method, &path, &body).await?).await })
}

/// A request with a JSON body, sent with a token the caller holds (or
/// none); an empty answer (204) reads as `()`.
pub async fn send<Req: Serialize, Res: DeserializeOwned>(
    token: Option<String>,
    call: Call<Req, Res>,
    body: &Req,
) -> Result<Res, ApiError> {
    parse(&fetch_text(token, call.method.as_str(), call.path, Body::json(body)?).await?)
}
