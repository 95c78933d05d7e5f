//! The Content-Security-Policy of HTML documents: scripts only from this origin or carrying
//! the per-request nonce, WASM compilation allowed, no framing.

use axum::http::{header, HeaderValue};
use leptos::prelude::use_context;

pub fn policy(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(n) => format!("script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; {script}; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Puts the policy with this request's nonce on the document response.
pub fn set_document_csp() {
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    if let (Some(opts), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&policy(nonce.as_deref())),
    ) {
        opts.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
