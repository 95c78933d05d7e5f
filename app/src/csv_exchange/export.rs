//! Writing query results as a CSV download, streamed in chunks so a workspace of any size
//! exports in constant memory.
//!
//! Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
//! carriage return) get a leading `'` (OWASP's advice against CSV injection); the import takes
//! it off again. The file starts with a UTF-8 byte-order mark, without which Excel shows
//! Cyrillic as mojibake.

use crate::error::AppError;
use crate::server::db::Row;
use crate::server::AppState;
use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::{StreamExt, TryStreamExt};
use sqlx::any::AnyArguments;
use sqlx::{Any, AnyPool};
use std::borrow::Cow;
use tokio::sync::mpsc;
use tracing::Instrument;

/// A bound query over the rows to export.
pub type ExportQuery = sqlx::query::Query<'static, Any, AnyArguments>;

/// Turns one result row into the cells of one CSV record.
pub type ToRecord = fn(&Row) -> Result<Vec<String>, sqlx::Error>;

/// Rows per chunk sent to the client.
const ROWS_PER_CHUNK: usize = 500;

type Chunk = Result<Vec<u8>, std::io::Error>;

/// A cell made safe to open in a spreadsheet.
pub fn escape(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Epoch milliseconds as `2026-05-01 14:03:09` (UTC), which spreadsheets read as a date.
pub fn time_cell(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

struct Writer {
    csv: ::csv::Writer<Vec<u8>>,
    rows: usize,
}

impl Writer {
    fn new(prefix: &[u8]) -> Writer {
        Writer {
            csv: ::csv::Writer::from_writer(prefix.to_vec()),
            rows: 0,
        }
    }

    fn write(&mut self, cells: &[String]) -> Result<(), ::csv::Error> {
        self.rows += 1;
        self.csv
            .write_record(cells.iter().map(|c| escape(c).into_owned()))
    }

    fn take(&mut self) -> Vec<u8> {
        let done = std::mem::replace(self, Writer::new(b""));
        done.csv.into_inner().unwrap_or_default()
    }
}

/// Answers a CSV download of `query`'s rows, named `{name}-{date}.csv`. The first chunk is
/// read before answering, so a query that fails at once answers 500 rather than a cut file.
pub async fn respond(
    state: &AppState,
    name: &str,
    header: &'static [&'static str],
    record: ToRecord,
    query: ExportQuery,
) -> Result<Response, AppError> {
    let (tx, mut rx) = mpsc::channel::<Chunk>(4);
    let task = write_rows(state.db.pool.clone(), query, header, record, tx);
    tokio::spawn(task.instrument(tracing::Span::current()));
    let first = match rx.recv().await {
        Some(Ok(chunk)) => chunk,
        _ => return Err(AppError::internal()),
    };
    let rest =
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
    // Fused: the compression layer may poll once more after the end, which `unfold` forbids.
    let body = Body::from_stream(
        futures::stream::once(async { Ok::<_, std::io::Error>(first) })
            .chain(rest)
            .fuse(),
    );
    let date = time::OffsetDateTime::now_utc().date();
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}-{date}.csv\""),
        ),
        (header::CACHE_CONTROL, "no-store".to_string()),
    ];
    Ok((headers, body).into_response())
}

/// Runs the query and sends the CSV in chunks; stops when the client goes away.
async fn write_rows(
    pool: AnyPool,
    query: ExportQuery,
    header: &'static [&'static str],
    record: ToRecord,
    tx: mpsc::Sender<Chunk>,
) {
    let mut out = Writer::new("\u{feff}".as_bytes());
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let mut rows = query.fetch(&pool);
    let result: Result<(), String> = async {
        out.write(&header).map_err(|e| e.to_string())?;
        while let Some(row) = rows.try_next().await.map_err(|e| log(&e))? {
            out.write(&record(&row).map_err(|e| log(&e))?)
                .map_err(|e| e.to_string())?;
            if out.rows >= ROWS_PER_CHUNK && tx.send(Ok(out.take())).await.is_err() {
                return Ok(());
            }
        }
        Ok(())
    }
    .await;
    let last = match result {
        Ok(()) => Ok(out.take()),
        Err(e) => Err(std::io::Error::other(e)),
    };
    let _ = tx.send(last).await;
}

fn log(e: &sqlx::Error) -> String {
    AppError::log_internal("exporting rows", e);
    "the export failed".into()
}
