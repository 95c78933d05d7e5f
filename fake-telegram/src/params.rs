//! Bot API parameters, decoded from any of the four encodings Telegram accepts: a query
//! string, a JSON body, an urlencoded form or a multipart form (the only one carrying files).
//!
//! Form and multipart values are strings; structured parameters (`reply_parameters`,
//! `allowed_updates`, `entities`) then arrive JSON-serialised, so the getters accept both.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::{header, Request};
use serde_json::{json, Map, Value};

use crate::reply::Reply;

/// The largest body accepted; Telegram allows 50 MB multipart uploads for bots.
pub const MAX_BODY: usize = 50 * 1024 * 1024;

/// A file part of a multipart request.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The part's `filename`, if the client sent one.
    pub file_name: Option<String>,
    /// The part's `Content-Type`, if the client sent one.
    pub mime_type: Option<String>,
    /// The uploaded bytes.
    pub bytes: Vec<u8>,
}

/// The decoded parameters of one Bot API call.
#[derive(Debug, Clone, Default)]
pub struct Params {
    fields: Map<String, Value>,
    files: HashMap<String, Upload>,
}

impl Params {
    /// Parameters from a JSON object (webhook replies, in-process calls).
    pub fn from_object(fields: Map<String, Value>) -> Self {
        Self {
            fields,
            files: HashMap::new(),
        }
    }

    /// Decodes a request: its query string first, then its body by `Content-Type`.
    pub async fn from_request(req: Request<Body>) -> Result<Self, Reply> {
        let mut params = Self::default();
        if let Some(query) = req.uri().query() {
            params.add_urlencoded(query.as_bytes())?;
        }
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let multipart = Multipart::from_request(req, &())
                .await
                .map_err(|e| Reply::bad_request(format!("can't parse multipart: {e}")))?;
            params.add_multipart(multipart).await?;
            return Ok(params);
        }
        let body = axum::body::to_bytes(req.into_body(), MAX_BODY)
            .await
            .map_err(|_| Reply::error(413, "Request Entity Too Large"))?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(params);
        }
        if content_type.starts_with("application/json") {
            let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(&body) else {
                return Err(Reply::bad_request("can't parse JSON object"));
            };
            params.fields.extend(object);
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            params.add_urlencoded(&body)?;
        }
        Ok(params)
    }

    fn add_urlencoded(&mut self, bytes: &[u8]) -> Result<(), Reply> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes)
            .map_err(|_| Reply::bad_request("can't parse URL-encoded parameters"))?;
        for (key, value) in pairs {
            self.fields.insert(key, Value::String(value));
        }
        Ok(())
    }

    async fn add_multipart(&mut self, mut multipart: Multipart) -> Result<(), Reply> {
        let broken = |e: axum::extract::multipart::MultipartError| {
            Reply::bad_request(format!("can't parse multipart: {e}"))
        };
        while let Some(field) = multipart.next_field().await.map_err(broken)? {
            let Some(name) = field.name().map(str::to_owned) else {
                continue;
            };
            let file_name = field.file_name().map(str::to_owned);
            let mime_type = field.content_type().map(str::to_owned);
            let bytes = field.bytes().await.map_err(broken)?.to_vec();
            // A part is a file when it says so, or when it cannot be a text value.
            match (file_name.is_none(), String::from_utf8(bytes)) {
                (true, Ok(text)) => {
                    self.fields.insert(name, Value::String(text));
                }
                (_, Ok(text)) => self.add_file(name, file_name, mime_type, text.into_bytes()),
                (_, Err(e)) => self.add_file(name, file_name, mime_type, e.into_bytes()),
            }
        }
        Ok(())
    }

    fn add_file(
        &mut self,
        name: String,
        file_name: Option<String>,
        mime: Option<String>,
        bytes: Vec<u8>,
    ) {
        let upload = Upload {
            file_name,
            mime_type: mime,
            bytes,
        };
        self.files.insert(name, upload);
    }

    /// The raw value of a parameter.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key).filter(|v| !v.is_null())
    }

    /// A string parameter; numbers are rendered as strings, as Telegram coerces them.
    pub fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// An integer parameter, from a JSON number or a numeric string.
    /// `Err` carries the parameter name when the value is present but not an integer.
    pub fn i64(&self, key: &str) -> Result<Option<i64>, Reply> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let parsed = match value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        parsed
            .map(Some)
            .ok_or_else(|| Reply::bad_request(format!("invalid {key} specified")))
    }

    /// A boolean parameter (`true`/`false`, `1`/`0`); absent means `false`.
    pub fn bool(&self, key: &str) -> bool {
        match self.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_i64().unwrap_or(0) != 0,
            Some(Value::String(s)) => matches!(s.trim(), "true" | "True" | "1"),
            _ => false,
        }
    }

    /// A structured parameter: a JSON value, or a string holding serialised JSON.
    pub fn json(&self, key: &str) -> Result<Option<Value>, Reply> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s)
                .map(Some)
                .map_err(|_| Reply::bad_request(format!("can't parse {key} JSON object"))),
            Some(other) => Ok(Some(other.clone())),
        }
    }

    /// The file uploaded under `key`, also reachable as `attach://<name>`.
    pub fn file(&self, key: &str) -> Option<&Upload> {
        if let Some(upload) = self.files.get(key) {
            return Some(upload);
        }
        let name = self.str(key)?;
        self.files.get(name.strip_prefix("attach://")?)
    }

    /// The parameters as recorded in the call log: files become `{file_name, size}`.
    pub fn to_log(&self) -> Value {
        let mut logged = self.fields.clone();
        for (name, upload) in &self.files {
            let summary = json!({ "file_name": upload.file_name, "size": upload.bytes.len() });
            logged.insert(name.clone(), summary);
        }
        Value::Object(logged)
    }
}
