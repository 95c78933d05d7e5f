//! Size of the client bundle as shipped: raw and brotli-compressed.

use anyhow::{Context, Result};
use std::io::{ErrorKind, Write};
use std::path::PathBuf;

/// The strongest settings, as a static pre-compression step would use.
const QUALITY: u32 = 11;
const LGWIN: u32 = 22;

pub struct WasmSize {
    pub path: PathBuf,
    pub raw: u64,
    pub brotli: u64,
}

/// `Ok(None)` when the bundle has not been built (the report says so); other I/O errors fail.
pub async fn measure(path: PathBuf) -> Result<Option<WasmSize>> {
    let bytes = match tokio::fs::read(&path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let raw = bytes.len() as u64;
    // Quality 11 takes seconds on a multi-megabyte file: keep it off the async workers.
    let brotli = tokio::task::spawn_blocking(move || brotli_len(&bytes))
        .await
        .context("brotli task")??;
    Ok(Some(WasmSize { path, raw, brotli }))
}

fn brotli_len(input: &[u8]) -> Result<u64> {
    let mut writer = brotli::CompressorWriter::new(Vec::new(), 64 * 1024, QUALITY, LGWIN);
    writer.write_all(input).context("brotli compression")?;
    // `into_inner` finishes the stream, writing the last block.
    Ok(writer.into_inner().len() as u64)
}
